"""The triplet losses with online mining: semi-hard and batch-hard (as TFA 0.23), batch-all.

Each is the same few steps over the parts of `mining`: distances, label masks, a positive and a
negative for each anchor (or pair), the hinge, the mean.
"""

from keras import ops

from ..checks import check_flag
from ._checks import (
    BATCH_ALL_AVERAGES,
    POSITIVE_PAIRS,
    _check_choice,
    _check_distance_metric,
    _check_margin,
    _embeddings_to_float,
    _labels_to_vector,
    _mean,
    _output,
    _warn_if,
)
from .distances import pairwise_distances
from .mining import (
    all_triplets_hinge,
    hinge,
    label_masks,
    masked_maximum,
    masked_mean,
    masked_minimum,
    semihard_negatives,
)


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
      y_true: integer labels, shape `(b,)` or `(b, 1)` (floats holding integers work too).
      y_pred: embeddings, float tensor of shape `(b, d)`, `b >= 1`; `float16`/`bfloat16` are
        computed in `float32`.
      margin: float, margin of the hinge.
      distance_metric: `"L2"` (Euclidean, default), `"squared-L2"`, `"angular"`
        (1 - cosine similarity) or a callable mapping `(b, d)` embeddings to `(b, b)` distances.

    Returns:
      Scalar loss with the dtype of `y_pred`; NaN inside a compiled step if a label is NaN.

    Raises:
      ValueError: if `y_pred` is not 2-D or is empty, labels do not match the batch,
        `distance_metric` is unknown, or (when values are known) `y_pred` contains NaN or inf or
        `y_true` contains NaN.
    """
    labels, embeddings, dtype = _check_inputs(y_true, y_pred, margin, distance_metric)
    distances = pairwise_distances(embeddings, distance_metric)  # (b, b)
    positives, negatives = label_masks(labels)  # (b, b) booleans
    negative = semihard_negatives(distances, negatives)  # (b, b): one negative per pair (a, p)
    loss = masked_mean(hinge(distances - negative, margin), positives)  # mean over the pairs (a, p)
    _warn_without_positive_pair(positives, "triplet_semihard_loss", "the loss is 0 (TFA would return NaN)")
    return _output(loss, labels, dtype)


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
      y_pred: embeddings, float tensor of shape `(b, d)`, `b >= 1`.
      margin: float, margin of the hinge (unused when `soft`).
      soft: bool, use the soft-margin `log1p(exp(.))` instead of the hinge.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable, as in
        `triplet_semihard_loss`.

    Returns:
      Scalar loss with the dtype of `y_pred`.

    Raises:
      ValueError: as `triplet_semihard_loss`.
    """
    check_flag("soft", soft)
    labels, embeddings, dtype = _check_inputs(y_true, y_pred, margin, distance_metric)
    distances = pairwise_distances(embeddings, distance_metric)
    positives, negatives = label_masks(labels)
    row_min = 0.0 if distance_metric in ("L2", "squared-L2") else None  # the diagonal (a fast path)
    positive = masked_maximum(distances, positives, row_min)  # (b, 1): the farthest positive of each anchor
    negative = masked_minimum(distances, negatives)  # (b, 1): the closest negative of each anchor
    per_anchor = ops.log1p(ops.exp(positive - negative)) if soft else hinge(positive - negative, margin)
    return _output(_mean(per_anchor), labels, dtype)


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
    `positive_pairs` and how they are averaged by `average`. No (b, b, b) tensor is built (see
    `mining.all_triplets_hinge`): O(b^2) memory; values and gradients equal a loop over all
    triplets.

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      y_pred: embeddings, float tensor of shape `(b, d)`, `b >= 1`.
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
    _check_choice("average", average, BATCH_ALL_AVERAGES)
    _check_choice("positive_pairs", positive_pairs, POSITIVE_PAIRS)
    labels, embeddings, dtype = _check_inputs(y_true, y_pred, margin, distance_metric)
    distances = pairwise_distances(embeddings, distance_metric)
    positives, negatives = label_masks(labels)
    if positive_pairs == "combinations":  # the study's pairs: anchor index < positive index
        index = ops.arange(ops.shape(labels)[0])
        positives = ops.logical_and(positives, ops.expand_dims(index, 1) < index)
    total, num_triplets = all_triplets_hinge(distances, positives, negatives, margin)  # num_triplets: active
    if average == "all":  # every valid triplet: each positive pair (a, p) times the negatives of a
        negatives_per_anchor = ops.sum(ops.cast(negatives, distances.dtype), axis=1, keepdims=True)
        num_triplets = ops.sum(ops.where(positives, negatives_per_anchor, 0.0))
    loss = total / ops.maximum(num_triplets, 1.0)
    _warn_without_positive_pair(positives, "triplet_batch_all_loss", "so no triplet; the loss is 0")
    return _output(loss, labels, dtype)


def _check_inputs(y_true, y_pred, margin, distance_metric):
    """The checks every triplet loss starts with; returns labels `(b,)`, embeddings `(b, d)` in
    float32 or float64, and the dtype of the loss."""
    _check_distance_metric(distance_metric)
    _check_margin(margin)
    embeddings, dtype = _embeddings_to_float(y_pred)
    return _labels_to_vector(y_true, embeddings), embeddings, dtype


def _warn_without_positive_pair(positives, loss_name, consequence):
    message = f"{loss_name}: the batch has no positive pair (every label occurs once); {consequence}."
    _warn_if(ops.logical_not(ops.any(positives)), message + " Sample several examples per class.", positives)
