"""Triplet losses with online mining, as TFA 0.23 defines them: semi-hard and batch-hard.

Here live the two losses, TFA's masked row minimum/maximum they are built on, and the semi-hard
negative search (each row's negatives sorted once, then a binary search per positive pair).
"""

import numpy as np
from keras import ops

from ._checks import (
    _cast_back,
    _check_distance_metric,
    _check_margin,
    _clip_below,
    _embeddings_to_float,
    _labels_to_vector,
    _mean,
    _warn_if,
)
from ._search import _rowwise_searchsorted
from .distances import _label_masks, _row_minimum, pairwise_distances


def _masked_maximum(data, mask, row_min=None):
    """Per-row maximum of `data` over `mask` (TFA's formulation), shape (b, 1).

    Shifting by the row minimum and multiplying by the mask is kept on purpose: it fixes which
    value an empty mask yields (the row minimum) and how `max` splits the gradient on ties.
    Euclidean distances pass `row_min=0.0`: their diagonal makes the row minimum exactly 0, and
    the entries equal to 0 get no gradient, so skipping the reduction (and subtracting and
    adding 0, which leaves every value and gradient as it is) changes no bit.
    """
    if row_min is None:
        row_min = ops.min(data, axis=1, keepdims=True)
    elif row_min == 0.0:
        return ops.max(data * mask, axis=1, keepdims=True)
    return ops.max((data - row_min) * mask, axis=1, keepdims=True) + row_min


def _masked_minimum(data, mask):
    """Per-row minimum of `data` over `mask` (TFA's formulation), shape (b, 1).

    An empty mask yields the row maximum.
    """
    row_max = ops.max(data, axis=1, keepdims=True)
    return ops.min((data - row_max) * mask, axis=1, keepdims=True) + row_max


def _sorted_negatives(distances, negatives):
    """Each row's negative distances sorted ascending, non-negatives padded with +inf at the end.

    Returns:
      `(sorted_distances, finite_sorted_distances, negative_counts)`: the sorted rows `(b, b)`
      (differentiable), the same with the +inf padding replaced by 0 (for prefix sums), and the
      number of negatives per row, int32 `(b, 1)`.
    """
    infinity = ops.cast(np.inf, distances.dtype)
    sorted_distances = ops.sort(ops.where(negatives, distances, infinity), axis=1)
    negative_counts = ops.sum(ops.cast(negatives, "int32"), axis=1, keepdims=True)
    column = ops.expand_dims(ops.arange(ops.shape(distances)[1], dtype="int32"), 0)
    finite = ops.where(column < negative_counts, sorted_distances, 0.0)
    return sorted_distances, finite, negative_counts


def _prefix_sums(rows):
    """Exclusive prefix sums along axis 1: out[:, j] = sum(rows[:, :j]); shape (b, m + 1)."""
    zeros = ops.zeros_like(rows[:, :1])
    return ops.concatenate([zeros, ops.cumsum(rows, axis=1)], axis=1)


def _semihard_negatives(distances, negatives, row_min=None):
    """TFA's semi-hard negative distance for every (anchor i, positive k) pair, shape (b, b).

    Entry (i, k) is the smallest d(i, n) over negatives n with d(i, n) > d(i, k); when there is
    none, the largest d(i, n) over negatives (TFA's `negatives_inside`).

    TFA computes the first case as `min_n((d(i, n) - M_i) * mask) + M_i` over a (b^2, b) tensor,
    with `M_i` the row maximum. Here the same value is found by sorting each row once and a binary
    search, and its gradient is rebuilt to equal TFA's: `min` splits the gradient evenly between
    all entries equal to the minimum, which are the tied chosen negatives and, when the chosen
    negative is the row maximum (the minimum is then 0), also every masked-out entry (product
    0); the share of the masked-out entries flows to `M_i` instead, i.e. to the row maximum.
    The gradient is carried by a surrogate (prefix sums over the tied range, whose gradient is
    1/count on each tied negative) added as `surrogate - stop_gradient(surrogate)`, so the value
    is TFA's and memory stays O(b^2).
    """
    dtype = distances.dtype
    batch_size = ops.shape(distances)[1]
    sorted_distances, finite_sorted, negative_counts = _sorted_negatives(distances, negatives)
    row_max = ops.max(distances, axis=1, keepdims=True)
    shifted = sorted_distances - row_max

    # Number of negatives with d(i, n) <= d(i, k): the semi-hard one is the next in sorted order.
    first = _rowwise_searchsorted(sorted_distances, distances, side="right")
    has_semihard = first < negative_counts
    chosen = ops.minimum(first, batch_size - 1)
    chosen_shifted = ops.take_along_axis(shifted, chosen, axis=1)
    value = ops.stop_gradient(chosen_shifted + row_max)

    tie_end = _rowwise_searchsorted(shifted, chosen_shifted, side="right")
    tied = tie_end - first
    masked_out = batch_size - (negative_counts - first)
    ties_with_masked_out = ops.logical_and(has_semihard, ops.equal(chosen_shifted, 0.0))
    count = ops.maximum(tied + ops.where(ties_with_masked_out, masked_out, 0), 1)
    count = ops.cast(count, dtype)
    prefix = _prefix_sums(finite_sorted)
    tied_sum = ops.take_along_axis(prefix, ops.minimum(tie_end, batch_size), axis=1)
    tied_sum = tied_sum - ops.take_along_axis(prefix, first, axis=1)
    surrogate = tied_sum / count + (1.0 - ops.cast(tied, dtype) / count) * row_max
    semihard = value + (surrogate - ops.stop_gradient(surrogate))

    farthest = _masked_maximum(distances, ops.cast(negatives, dtype), row_min)
    return ops.where(has_semihard, semihard, farthest)


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    """Triplet loss with semi-hard negative mining (FaceNet), identical to TFA 0.23.

    For every ordered positive pair (a, p), a != p, the negative is the closest one strictly
    farther from the anchor than the positive; if none is, the farthest negative. The loss is
    the mean of `relu(d(a, p) - d(a, n) + margin)` over the ordered positive pairs.

    Edge cases:
      * No positive pair in the batch (all labels distinct): TFA returns NaN. Here the loss is
        0 with a zero gradient, and a `RuntimeWarning` is issued when run eagerly. Use a
        class-balanced sampler (`tslearnkit.sampling.balanced_batches`) to avoid such batches.
      * A single class (no negatives): as in TFA, the "negative" distance is then the row
        minimum of the distance matrix, i.e. 0 (the anchor itself) for `"L2"`/`"squared-L2"`,
        so the loss is the mean of `margin + d(a, p)`; values match TFA.

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      y_pred: embeddings, float tensor of shape `(b, d)`; `float16`/`bfloat16` are computed in
        `float32`.
      margin: float, margin of the hinge.
      distance_metric: `"L2"` (Euclidean, default), `"squared-L2"`, `"angular"`
        (1 - cosine similarity) or a callable mapping `(b, d)` embeddings to `(b, b)` distances.

    Returns:
      Scalar loss with the dtype of `y_pred`.

    Raises:
      ValueError: if `y_pred` is not 2-D, labels do not match the batch, `distance_metric` is
        unknown, or (eagerly) `y_pred` contains NaN.
    """
    _check_distance_metric(distance_metric)
    _check_margin(margin)
    embeddings, input_dtype = _embeddings_to_float(y_pred)
    labels = _labels_to_vector(y_true, embeddings)
    distances = pairwise_distances(embeddings, distance_metric)
    dtype = distances.dtype
    _, positives, negatives = _label_masks(labels)

    semihard = _semihard_negatives(distances, negatives, _row_minimum(distance_metric))
    hinge = margin + (distances - semihard)
    positives = ops.cast(positives, dtype)
    num_positives = ops.sum(positives)
    _warn_if(
        num_positives == 0,
        "triplet_semihard_loss: the batch has no positive pair (every label occurs once); "
        "the loss is 0 (TFA would return NaN). Sample several examples per class.",
        embeddings,
    )
    loss = ops.sum(_clip_below(hinge * positives)) / ops.maximum(num_positives, 1.0)
    return _cast_back(loss, input_dtype)


def triplet_hard_loss(y_true, y_pred, margin=1.0, soft=False, distance_metric="L2"):
    """Batch-hard triplet loss (Hermans et al. 2017), identical to TFA 0.23.

    For every anchor: the farthest positive and the closest negative; the loss is the mean over
    all anchors of `relu(d_pos - d_neg + margin)`, or `log1p(exp(d_pos - d_neg))` if `soft`.

    Edge cases (TFA's values, reproduced): an anchor without positive uses `d_pos = 0` for
    `"L2"`/`"squared-L2"` (the row minimum); a single-class batch uses the row maximum as
    `d_neg`, which gives `margin` (or `log(2)` when `soft`) per anchor, with a zero gradient
    when each row's maximum is unique.

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      y_pred: embeddings, float tensor of shape `(b, d)`.
      margin: float, margin of the hinge (unused when `soft`).
      soft: bool, use the soft-margin `log1p(exp(.))` instead of the hinge.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable, as in
        `triplet_semihard_loss`.

    Returns:
      Scalar loss with the dtype of `y_pred`.

    Raises:
      ValueError: as `triplet_semihard_loss`.
    """
    _check_distance_metric(distance_metric)
    _check_margin(margin)
    embeddings, input_dtype = _embeddings_to_float(y_pred)
    labels = _labels_to_vector(y_true, embeddings)
    distances = pairwise_distances(embeddings, distance_metric)
    dtype = distances.dtype
    _, positives, negatives = _label_masks(labels)

    hardest_negative = _masked_minimum(distances, ops.cast(negatives, dtype))
    hardest_positive = _masked_maximum(distances, ops.cast(positives, dtype), _row_minimum(distance_metric))
    if soft:
        per_anchor = ops.log1p(ops.exp(hardest_positive - hardest_negative))
    else:
        per_anchor = _clip_below(hardest_positive - hardest_negative + margin)
    return _cast_back(_mean(per_anchor), input_dtype)
