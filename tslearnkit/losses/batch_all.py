"""Batch-all triplet loss: every (anchor, positive, negative) triplet, in O(b^2) memory.

The active triplets are counted by binary search in sorted rows (`_search`), and the gradient
with respect to the distances is written out from those counts.
"""

import numpy as np
from keras import ops

from ._checks import (
    BATCH_ALL_AVERAGES,
    POSITIVE_PAIRS,
    _cast_back,
    _check_choice,
    _check_distance_metric,
    _check_margin,
    _embeddings_to_float,
    _labels_to_vector,
    _upstream,
    _warn_if,
)
from ._search import _rowwise_searchsorted
from .distances import _label_masks, _pairwise_distances


def _batch_all_from_distances(distances, positives, negatives, margin, average):
    """Batch-all loss from (b, b) distances in O(b^2) memory and O(b^2 log b) time.

    A triplet (a, p, n) is active when `d(a, n) < d(a, p) + margin`. Sorting each anchor's
    negative distances and its thresholds `d(a, p) + margin` once, binary search gives
    `count_p(a, p)`, the active triplets of the pair (a, p) (negatives below its threshold), and
    `count_n(a, n)`, the active triplets of (a, n) (thresholds above its distance). The sum of
    hinges is then `sum_ap count_p (d(a, p) + margin) - sum_an count_n d(a, n)`, and its
    gradient with respect to the distances is `count_p` at positive pairs and `-count_n` at
    negatives; it is written out because autodiff would route it through sort and gathers. A
    negative exactly at the threshold sits on the hinge's kink: inactive, zero gradient (as
    relu).

    Args:
      distances: `(b, b)` float tensor.
      positives: `(b, b)` bool, the (anchor, positive) pairs that form triplets.
      negatives: `(b, b)` bool, the (anchor, negative) pairs.
      margin: float.
      average: `"all"` (divide by the number of valid triplets) or `"nonzero"` (by the number
        of active ones); 0 triplets gives 0.

    Returns:
      Scalar loss in the dtype of `distances`.
    """
    dtype = distances.dtype
    batch_size = ops.shape(distances)[1]
    infinity = ops.cast(np.inf, dtype)
    negatives_per_anchor = ops.sum(ops.cast(negatives, dtype), axis=1, keepdims=True)
    num_valid = ops.sum(ops.where(positives, negatives_per_anchor, 0.0))

    @ops.custom_gradient
    def loss_with_gradient(distances):
        # Entries that are not positive pairs / negatives sit at -inf / +inf: never active.
        thresholds = ops.where(positives, distances + margin, -infinity)
        negative_distances = ops.where(negatives, distances, infinity)
        count_p = _rowwise_searchsorted(ops.sort(negative_distances, axis=1), thresholds, side="left")
        count_n = batch_size - _rowwise_searchsorted(ops.sort(thresholds, axis=1), negative_distances, side="right")
        count_p, count_n = ops.cast(count_p, dtype), ops.cast(count_n, dtype)
        # Only counted entries contribute: 0 * an overflowed (inf) distance would be NaN.
        total = ops.sum(ops.where(count_p > 0, count_p * thresholds, 0.0)) - ops.sum(
            ops.where(count_n > 0, count_n * distances, 0.0)
        )
        num_triplets = num_valid if average == "all" else ops.sum(count_p)
        scale = 1.0 / ops.maximum(num_triplets, 1.0)

        def gradient(*args, upstream=None):
            return (count_p - count_n) * (_upstream(args, upstream) * scale)

        return total * scale, gradient

    return loss_with_gradient(distances)


def triplet_batch_all_loss(
    y_true,
    y_pred,
    margin=1.0,
    distance_metric="squared-L2",
    average="all",
    positive_pairs="ordered",
):
    """Batch-all triplet loss: every (anchor, positive, negative) triplet of the batch.

    The loss of a triplet is `relu(d(a, p) - d(a, n) + margin)`; which triplets exist is set by
    `positive_pairs` and how they are averaged by `average`. No (b, b, b) tensor is built:
    each anchor's distances are sorted once and the active triplets (`d(a, n) < d(a, p) +
    margin`) are counted by binary search, O(b^2) memory and O(b^2 log b) time, with the
    gradient written out (see `_batch_all_from_distances`); values and gradients equal a loop
    over all triplets.

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      y_pred: embeddings, float tensor of shape `(b, d)`.
      margin: float, margin of the hinge.
      distance_metric: `"squared-L2"` (default, as in the study), `"L2"`, `"angular"` or a
        callable, as in `triplet_semihard_loss`.
      average: `"all"`: mean over every valid triplet; `"nonzero"`: mean over the triplets with
        a positive loss.
      positive_pairs: `"ordered"` (default): every ordered pair (a, p), a != p, so each pair
        counts in both directions; `"combinations"`: only pairs with anchor index < positive
        index in the batch, as `itertools.combinations(same_class_indices, 2)` yields them (the
        study's convention). The two give different means on the same batch.

    Returns:
      Scalar loss with the dtype of `y_pred`; 0 when there is no valid triplet (or, with
      `"nonzero"`, none with a positive loss). A batch without any positive pair also warns
      when run eagerly.

    Raises:
      ValueError: for unknown `average`/`positive_pairs`, and as `triplet_semihard_loss`.
    """
    _check_distance_metric(distance_metric)
    _check_margin(margin)
    _check_choice("average", average, BATCH_ALL_AVERAGES)
    _check_choice("positive_pairs", positive_pairs, POSITIVE_PAIRS)
    embeddings, input_dtype = _embeddings_to_float(y_pred)
    labels = _labels_to_vector(y_true, embeddings)
    distances = _pairwise_distances(embeddings, distance_metric)
    _, positives, negatives = _label_masks(labels)
    if positive_pairs == "combinations":
        index = ops.arange(ops.shape(labels)[0])
        positives = ops.logical_and(positives, ops.expand_dims(index, 1) < index)

    loss = _batch_all_from_distances(distances, positives, negatives, margin, average)
    _warn_if(
        ops.logical_not(ops.any(positives)),
        "triplet_batch_all_loss: the batch has no positive pair, so no triplet; the loss is 0.",
        embeddings,
    )
    return _cast_back(loss, input_dtype)
