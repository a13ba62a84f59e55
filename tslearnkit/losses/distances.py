"""Pairwise distances as TFA defines them: L2, squared L2 and angular.

Every triplet loss starts here: `pairwise_distances` turns `(b, d)` embeddings into a `(b, b)`
matrix (`mining.label_masks` then tells which entries are positive pairs and which negatives).
"""

from keras import ops

from ._checks import _check_distance_metric, _clip_below, _embeddings_to_float, _upstream


def _euclidean_distances(embeddings, squared):
    """TFA's `pairwise_distance`: (b, b) Euclidean distances with a finite gradient at 0.

    Squared distances come from `|a|^2 + |b|^2 - 2ab`. Entries that are not positive (rounding
    can make them negative) and the diagonal are set to 0 and get no gradient, so coinciding
    embeddings get a zero (not NaN) gradient, as TFA's mask does. The backward pass is the
    closed form: with `G` the gradient of the kept squared distances,
    `dx_i = 2 sum_j (G_ij + G_ji) (x_i - x_j)`, two matrix products (autodiff of the expression
    forms the same sum from tiled and transposed copies, slower in bench/losses.py). It equals
    TFA's gradient up to float rounding.

    Args:
      embeddings: float tensor `(b, d)`.
      squared: `True` for squared distances.

    Returns:
      `(b, b)` tensor of the dtype of `embeddings`, in the units of the embeddings (squared
      units when `squared`).
    """
    not_self = ops.logical_not(ops.eye(ops.shape(embeddings)[0], dtype="bool"))
    # Compute on embeddings divided by a power of two near their magnitude, then scale back:
    # exact (powers of two only shift exponents), so the result is bit-identical at ordinary
    # scales, and squares neither overflow near 1e20 nor vanish near 1e-20.
    scale = _power_of_two_scale(embeddings)
    unit = (scale * scale) if squared else scale
    return unit * _unit_scale_distances(embeddings / scale, squared, not_self)


def _power_of_two_scale(embeddings, axis=None):
    """``2 ** round(log2(max |x|))`` over all entries, or per row for `axis=1` (1 where all are
    0), without gradient."""
    peak = ops.max(ops.abs(embeddings), axis=axis, keepdims=axis is not None)
    safe = ops.where(ops.greater(peak, 0.0), peak, 1.0)
    scale = ops.power(2.0, ops.round(ops.log2(ops.cast(safe, "float32"))))
    return ops.stop_gradient(ops.cast(scale, embeddings.dtype))


def _unit_scale_distances(embeddings, squared, not_self):
    @ops.custom_gradient
    def distances_with_gradient(embeddings):
        squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
        products = ops.matmul(embeddings, ops.transpose(embeddings))
        distances_squared = (squared_norms + ops.reshape(squared_norms, (1, -1))) - 2.0 * products
        keep = ops.logical_and(ops.greater(distances_squared, 0.0), not_self)
        if squared:
            distances = ops.where(keep, distances_squared, 0.0)
        else:
            distances = ops.where(keep, ops.sqrt(ops.where(keep, distances_squared, 1.0)), 0.0)

        def gradient(*args, upstream=None):
            upstream = _upstream(args, upstream)
            if squared:
                grad_squared = ops.where(keep, upstream, 0.0)
            else:  # d sqrt(s) / ds = 0.5 / sqrt(s) where s is kept (> 0)
                safe_distances = ops.where(keep, distances, 1.0)
                grad_squared = ops.where(keep, 0.5 * upstream / safe_distances, 0.0)
            norm_weights = ops.sum(grad_squared, axis=1) + ops.sum(grad_squared, axis=0)
            # (G + G^T) x as two products: a transpose folds into the matmul, an add does not.
            mixed = ops.matmul(grad_squared, embeddings) + ops.matmul(ops.transpose(grad_squared), embeddings)
            return 2.0 * (ops.expand_dims(norm_weights, 1) * embeddings - mixed)

        return distances, gradient

    return distances_with_gradient(embeddings)


def _l2_normalize(embeddings):
    """Row-wise L2 normalisation with TensorFlow's epsilon (zero rows stay zero, no NaN).

    Each row is first divided by a power of two near its largest magnitude (exact, and without
    gradient: the direction is unchanged), so rows near 1e20 or 1e-20 normalise like any other
    instead of overflowing or falling under the epsilon.
    """
    scaled = embeddings / _power_of_two_scale(embeddings, axis=1)
    squared_norms = ops.sum(ops.square(scaled), axis=1, keepdims=True)
    return scaled * ops.rsqrt(ops.maximum(squared_norms, 1e-12))


def _angular_distances(embeddings):
    """TFA's `angular_distance`: 1 - cosine similarity, clamped at 0 (diagonal not forced to 0)."""
    normalized = _l2_normalize(embeddings)
    return _clip_below(1.0 - ops.matmul(normalized, ops.transpose(normalized)))


def pairwise_distances(embeddings, distance_metric="L2"):
    """Pairwise distance matrix, as tensorflow-addons defines it.

    Args:
      embeddings: float tensor, shape `(b, d)`.
      distance_metric: `"L2"` (Euclidean), `"squared-L2"`, `"angular"` (1 - cosine similarity of
        the L2-normalised embeddings, unitless in [0, 2]) or a callable mapping `(b, d)`
        embeddings to `(b, b)` distances.

    Returns:
      Tensor of shape `(b, b)`: float64 for float64 embeddings, else float32 (float16 and integer
      embeddings are computed in float32, as the losses compute them).

    Raises:
      ValueError: for an unknown `distance_metric`, or embeddings not `(b, d)`, empty or not finite.
    """
    _check_distance_metric(distance_metric)
    embeddings, _ = _embeddings_to_float(embeddings, name="embeddings")  # NaN gave all-zero distances
    if callable(distance_metric):
        return ops.convert_to_tensor(distance_metric(embeddings))
    if distance_metric == "angular":
        return _angular_distances(embeddings)
    return _euclidean_distances(embeddings, distance_metric == "squared-L2")
