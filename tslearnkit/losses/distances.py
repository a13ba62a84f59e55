"""Pairwise distances (TFA's L2, squared L2, angular) and the label masks of a batch.

Every triplet loss starts here: `pairwise_distances` turns `(b, d)` embeddings into a `(b, b)`
matrix, `_label_masks` tells which entries are positive pairs and which are negatives.
"""

from keras import ops

from ._checks import _check_distance_metric


def _euclidean_distances(embeddings, squared):
    """TFA's `pairwise_distance`: (b, b) Euclidean distances with a finite gradient at 0.

    Squared distances come from `|a|^2 + |b|^2 - 2ab`. Entries that are not positive (rounding
    can make them negative) and the diagonal are set to 0. The square root is taken of 1 where an
    entry is set to 0, so coinciding embeddings get a zero (not NaN) gradient, as TFA's mask
    does; plain autodiff then gives TFA's gradient up to float rounding.

    Args:
      embeddings: float tensor `(b, d)`.
      squared: `True` for squared distances.

    Returns:
      `(b, b)` tensor of the dtype of `embeddings`, in the units of the embeddings (squared
      units when `squared`).
    """
    squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
    products = ops.matmul(embeddings, ops.transpose(embeddings))
    distances_squared = (squared_norms + ops.reshape(squared_norms, (1, -1))) - 2.0 * products
    not_self = ops.logical_not(ops.eye(ops.shape(embeddings)[0], dtype="bool"))
    keep = ops.logical_and(ops.greater(distances_squared, 0.0), not_self)
    if squared:
        return ops.where(keep, distances_squared, 0.0)
    return ops.where(keep, ops.sqrt(ops.where(keep, distances_squared, 1.0)), 0.0)


def _l2_normalize(embeddings):
    """Row-wise L2 normalisation with TensorFlow's epsilon (zero rows stay zero, no NaN)."""
    squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
    return embeddings * ops.rsqrt(ops.maximum(squared_norms, 1e-12))


def _angular_distances(embeddings):
    """TFA's `angular_distance`: 1 - cosine similarity, clamped at 0 (diagonal not forced to 0)."""
    normalized = _l2_normalize(embeddings)
    return ops.maximum(1.0 - ops.matmul(normalized, ops.transpose(normalized)), 0.0)


def pairwise_distances(embeddings, distance_metric="L2"):
    """Pairwise distance matrix, as tensorflow-addons defines it.

    Args:
      embeddings: float tensor, shape `(b, d)`.
      distance_metric: `"L2"` (Euclidean), `"squared-L2"`, `"angular"` (1 - cosine similarity of
        the L2-normalised embeddings, unitless in [0, 2]) or a callable mapping `(b, d)`
        embeddings to `(b, b)` distances.

    Returns:
      Tensor of shape `(b, b)` and the dtype of `embeddings`.

    Raises:
      ValueError: for an unknown `distance_metric`.
    """
    _check_distance_metric(distance_metric)
    return _pairwise_distances(embeddings, distance_metric)


def _pairwise_distances(embeddings, distance_metric):
    """`pairwise_distances` for an already checked metric."""
    if callable(distance_metric):
        return ops.convert_to_tensor(distance_metric(embeddings))
    if distance_metric == "angular":
        return _angular_distances(embeddings)
    return _euclidean_distances(embeddings, distance_metric == "squared-L2")


def _row_minimum(distance_metric):
    """0.0 where the metric guarantees it (zero diagonal, no negative entry), else None."""
    return 0.0 if distance_metric in ("L2", "squared-L2") else None


def _label_masks(labels):
    """Boolean (b, b) masks: same label (incl. the diagonal), positive pairs, negatives."""
    same = ops.equal(ops.expand_dims(labels, 1), ops.expand_dims(labels, 0))
    not_self = ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))
    return same, ops.logical_and(same, not_self), ops.logical_not(same)
