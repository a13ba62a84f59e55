"""Metric-learning losses: TFA-compatible triplet losses, batch-all triplet, NT-Xent, SupCon.

`tensorflow-addons` is end of life and does not import with Keras 3. This module is the drop-in
replacement for its triplet losses and adds the losses it never had:

| function | Keras class | what it averages |
|---|---|---|
| `triplet_semihard_loss` | `TripletSemiHardLoss` | every ordered positive pair (as TFA 0.23) |
| `triplet_hard_loss` | `TripletHardLoss` | every anchor (as TFA 0.23) |
| `triplet_batch_all_loss` | `TripletBatchAllLoss` | every valid triplet, or the non-zero ones |
| `nt_xent_loss` | `NTXentLoss` | the 2N views (SimCLR) |
| `supcon_loss` | `SupConLoss` | anchors with at least one positive (Khosla et al., L_out) |

The functions are written on `keras.ops` and take labels `y_true` of shape `(b,)` or `(b, 1)`
(any integer or float dtype) and embeddings `y_pred` of shape `(b, d)`. `float16`/`bfloat16`
embeddings are computed in `float32` and the loss is cast back, as TFA does.

Compatibility with TFA 0.23 (checked against goldens written by TFA itself, see
`tests/golden/make_tfa_goldens.py`): same values and the same gradients, including how
`reduce_min`/`reduce_max` split the gradient between tied distances. Deliberate differences:

* `triplet_semihard_loss` on a batch without any positive pair: TFA returns NaN (0 / 0); this
  module returns 0 with a zero gradient, and warns when run eagerly.
* Memory is O(b^2): TFA's semi-hard loss builds a (b^2, b) tensor (4 GiB at b = 1024); here each
  anchor's row of negative distances is sorted once and the semi-hard negative of every
  (anchor, positive) pair is found by binary search, O(b^2 log b) time. `triplet_batch_all_loss`
  counts its active triplets the same way.
* Invalid inputs raise `ValueError` naming the problem (TFA fails deep inside TensorFlow).

Speed on CPU (bench/losses.py): semi-hard and batch-all sort each row of distances, which XLA
does slowly: under `jit_compile=True` (Keras' `"auto"` picks it when a GPU is present) batch-all
is about 3x slower from b = 128 and semi-hard 1.2x from b = 512, while hard mining, NT-Xent and
SupCon gain from XLA. Binary searches run as O(b^2)-memory loops under XLA, whose own
`searchsorted` would compare all (b, b, b) triplets (9 GiB at b = 1024).

Distributed training: Keras 3 does not divide a *scalar* loss by the number of replicas (only
per-sample losses are), while the optimizer sums the replica gradients. The Keras classes here
therefore gather `y_true`/`y_pred` from all replicas of a `tf.distribute` strategy, mine on the
global batch and divide by the number of replicas, so that N replicas give the same gradients
as one device.
"""

import warnings

import keras
import numpy as np
from keras import ops

__all__ = [
    "DISTANCE_METRICS",
    "NTXentLoss",
    "SupConLoss",
    "TripletBatchAllLoss",
    "TripletHardLoss",
    "TripletSemiHardLoss",
    "nt_xent_loss",
    "pairwise_distances",
    "supcon_loss",
    "triplet_batch_all_loss",
    "triplet_hard_loss",
    "triplet_semihard_loss",
]

DISTANCE_METRICS = ("L2", "squared-L2", "angular")
"""Names accepted by `distance_metric` (a callable is accepted too)."""

BATCH_ALL_AVERAGES = ("all", "nonzero")
POSITIVE_PAIRS = ("ordered", "combinations")


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------
def _is_eager(x):
    """True when `x` holds concrete values (not a graph or a JAX trace)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.executing_eagerly()
    if backend == "jax":
        import jax

        return not isinstance(x, jax.core.Tracer)
    return True


def _embeddings_to_float(y_pred, name="y_pred"):
    """Checks `y_pred` is a (b, d) float tensor; returns it in float32 (or float64) and its dtype.

    Args:
      y_pred: embeddings, shape `(b, d)`.
      name: argument name used in error messages.

    Returns:
      `(embeddings, input_dtype)`: `embeddings` is `float32` for `float16`/`bfloat16`/int inputs
      and keeps `float32`/`float64` otherwise; `input_dtype` is the dtype to cast the loss to.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if len(y_pred.shape) != 2:
        raise ValueError(
            f"`{name}` must be 2-D with shape (batch_size, embedding_dim); "
            f"got shape {tuple(y_pred.shape)}."
        )
    input_dtype = keras.backend.standardize_dtype(y_pred.dtype)
    if input_dtype not in ("float32", "float64"):
        y_pred = ops.cast(y_pred, "float32")
        if "float" not in input_dtype:
            input_dtype = "float32"
    if _is_eager(y_pred) and bool(ops.any(ops.isnan(y_pred))):
        raise ValueError(f"`{name}` contains NaN; the model diverged upstream of the loss.")
    return y_pred, input_dtype


def _labels_to_vector(y_true, embeddings):
    """Returns labels of shape (b,) after checking they match the embeddings.

    Args:
      y_true: labels, shape `(b,)` or `(b, 1)`, any dtype that supports equality.
      embeddings: `(b, d)` tensor the labels belong to.

    Returns:
      Labels with shape `(b,)`.
    """
    labels = ops.convert_to_tensor(y_true)
    shape = tuple(labels.shape)
    if len(shape) == 2 and shape[1] == 1:
        labels = ops.reshape(labels, (-1,))
    elif len(shape) != 1:
        raise ValueError(
            f"`y_true` must hold one integer label per sample, shape (batch_size,) or "
            f"(batch_size, 1); got shape {shape}."
        )
    n_labels, n_embeddings = labels.shape[0], embeddings.shape[0]
    if n_labels is not None and n_embeddings is not None and n_labels != n_embeddings:
        raise ValueError(
            f"`y_true` has {n_labels} labels but `y_pred` has {n_embeddings} embeddings; "
            "they must match."
        )
    return labels


def _check_distance_metric(distance_metric):
    if callable(distance_metric) or distance_metric in DISTANCE_METRICS:
        return
    raise ValueError(
        f"Unknown distance_metric={distance_metric!r}. Use one of {list(DISTANCE_METRICS)} "
        "or a callable mapping (b, d) embeddings to a (b, b) distance matrix."
    )


def _check_choice(argument, value, allowed):
    if value not in allowed:
        raise ValueError(f"Unknown {argument}={value!r}. Use one of {list(allowed)}.")


def _check_temperature(temperature):
    if not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"`temperature` must be a positive number; got {temperature!r}.")


def _warn_if(condition, message, reference):
    """Warns when `condition` holds; only eagerly, since graphs cannot branch on values cheaply."""
    if _is_eager(reference) and bool(condition):
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _cast_back(loss, input_dtype):
    return loss if loss.dtype == input_dtype else ops.cast(loss, input_dtype)


# --------------------------------------------------------------------------------------------
# Distances and masks
# --------------------------------------------------------------------------------------------
def _upstream(args, upstream):
    """The upstream gradient handed to a `keras.ops.custom_gradient` backward function.

    TensorFlow and JAX pass it positionally, torch as the `upstream` keyword.
    """
    return args[0] if upstream is None else upstream


def _euclidean_distances(embeddings, squared, written_out_gradient=False):
    """TFA's `pairwise_distance`: (b, b) Euclidean distances with a finite gradient at 0.

    Squared distances come from |a|^2 + |b|^2 - 2ab. TFA clamps them at 0, takes the sqrt of
    1e-16 where they are 0 and then multiplies those entries and the diagonal by 0, so that
    coinciding embeddings get a zero (not NaN) gradient. Selecting with `where` on the same mask
    gives the same values and gradients bit for bit in fewer passes over the (b, b) matrix.

    By default the values are TFA's and the gradient is the one autodiff forms for TFA's
    expression, summed in TFA's order (see `_tfa_squared_distances`); that matters where
    near-duplicates leave rounding noise as a distance (`|a|^2 + |b|^2 - 2ab` cancels and
    `0.5 / sqrt` amplifies it), e.g. oversampled batches.

    `written_out_gradient=True` is the faster variant for losses without a TFA
    counterpart: the column norms are the row norms reshaped (TFA reduces a transposed copy,
    which can differ in the last bit), and the backward pass is the closed form: with `G` the
    gradient of the kept squared distances, `dx_i = 2 sum_j (G_ij + G_ji) (x_i - x_j)`.
    """
    not_self = ops.logical_not(ops.eye(ops.shape(embeddings)[0], dtype="bool"))

    def distances_from_squared(distances_squared):
        keep = ops.logical_and(ops.greater(distances_squared, 0.0), not_self)
        if squared:
            return ops.where(keep, distances_squared, 0.0), keep
        return ops.where(keep, ops.sqrt(ops.where(keep, distances_squared, 1.0)), 0.0), keep

    if not written_out_gradient:
        return distances_from_squared(_tfa_squared_distances(embeddings))[0]

    @ops.custom_gradient
    def distances_with_gradient(embeddings):
        row_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
        column_norms = ops.reshape(row_norms, (1, -1))
        products = ops.matmul(embeddings, ops.transpose(embeddings))
        distances, keep = distances_from_squared((row_norms + column_norms) - 2.0 * products)

        def gradient(*args, upstream=None):
            upstream = _upstream(args, upstream)
            if squared:
                grad_squared = ops.where(keep, upstream, 0.0)
            else:  # d sqrt(s) / ds = 0.5 / sqrt(s) where s is kept (> 0)
                grad_squared = ops.where(
                    keep, 0.5 * upstream / ops.where(keep, distances, 1.0), 0.0
                )
            norm_weights = ops.sum(grad_squared, axis=1) + ops.sum(grad_squared, axis=0)
            # (G + G^T) x as two products: a transpose folds into the matmul, an add does not.
            mixed = ops.matmul(grad_squared, embeddings) + ops.matmul(
                ops.transpose(grad_squared), embeddings
            )
            return 2.0 * (ops.expand_dims(norm_weights, 1) * embeddings - mixed)

        return distances, gradient

    return distances_with_gradient(embeddings)


def _tfa_squared_distances(embeddings):
    """TFA's unclamped squared distances `(|a|^2 + |b|^2) - 2ab`, shape (b, b), and its gradient.

    The values are TFA's: the column norms reduce a transposed copy, as TFA does (a row-wise
    reduction sums in another order). The gradient is the one autodiff gives for TFA's
    expression, written out term by term: `-2 G x` (left factor), `2 x` scaled by the row sums
    of `G` (row norms), `-2 G^T x` (right factor, through a transposed product as autodiff
    does: another product changes the last bits), `2 x` scaled by the column sums (column
    norms), summed in that order, the order of TFA's graph. That avoids autodiff's tiled (b, d)
    copies and the transpose back of the column norms' term (the other transposes of small
    matrices are gathers, see `_transpose_matrix`), and fixes the order: in graphs, grappler
    re-sorts autodiff's own sum (here it cannot merge the subtraction of the negated
    right-factor term into a sum). The order matters where near-duplicates leave rounding noise
    as a distance and `0.5 / sqrt` amplifies it: golden `hard_L2_oversampled_ties` moves by 5e-4
    relative in another order. Tested bit for bit against TensorFlow's own gradient terms summed
    in that order, and against TFA's goldens eagerly and inside `tf.function`.
    """

    @ops.custom_gradient
    def squared_with_gradient(embeddings):
        row_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
        column_norms = ops.sum(ops.square(_transpose_matrix(embeddings)), axis=0, keepdims=True)
        products = ops.matmul(embeddings, ops.transpose(embeddings))
        squared = (row_norms + column_norms) - 2.0 * products

        def gradient(*args, upstream=None):
            upstream = _upstream(args, upstream)
            grad_products = 2.0 * ops.negative(upstream)
            twice_embeddings = embeddings * 2.0
            from_left_factor = ops.matmul(grad_products, embeddings)
            from_row_norms = ops.expand_dims(ops.sum(upstream, axis=1), 1) * twice_embeddings
            minus_from_right_factor = _transpose_matrix(
                ops.matmul(ops.transpose(embeddings), 2.0 * upstream)
            )
            from_column_norms = ops.expand_dims(ops.sum(upstream, axis=0), 1) * twice_embeddings
            summed = (from_left_factor + from_row_norms) - minus_from_right_factor
            return summed + from_column_norms

        return squared, gradient

    return squared_with_gradient(embeddings)


TRANSPOSE_BY_GATHER_MAX_ELEMENTS = 2**14
"""Largest matrix `_transpose_matrix` transposes with a gather on TensorFlow (see there)."""


def _transpose_matrix(matrix):
    """`ops.transpose` of a (m, n) matrix; a gather for small matrices on TensorFlow.

    TensorFlow's CPU build runs `Transpose` through oneDNN; in a profile of the batch-hard step
    at b = 40 its two transposes of 40 x 128 matrices took about 50 us each, the largest single
    costs of the step. Gathering with constant indices moves the same values (a copy, bit for
    bit) and took the whole step from about 0.48 to 0.41 ms (median 0.53 to 0.43 ms). A gather
    is not faster in general (20 independent ones in one graph were slower than transposes), and
    at b = 128 the two were within noise, so only matrices up to
    `TRANSPOSE_BY_GATHER_MAX_ELEMENTS` entries are gathered; larger ones, unknown shapes, XLA and
    other backends use `ops.transpose`.
    """
    rows, columns = matrix.shape
    if (
        keras.backend.backend() != "tensorflow"
        or rows is None
        or columns is None
        or rows * columns > TRANSPOSE_BY_GATHER_MAX_ELEMENTS
        or _in_xla_context()
    ):
        return ops.transpose(matrix)
    indices = np.arange(columns)[:, None] + np.arange(rows)[None, :] * columns
    return ops.take(ops.reshape(matrix, (-1,)), indices)


def _l2_normalize(embeddings):
    """Row-wise L2 normalisation with TensorFlow's epsilon (zero rows stay zero, no NaN)."""
    squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
    return embeddings * ops.rsqrt(ops.maximum(squared_norms, 1e-12))


def _angular_distances(embeddings):
    """TFA's `angular_distance`: 1 - cosine similarity, clamped at 0 (diagonal not forced to 0)."""
    normalized = _l2_normalize(embeddings)
    return ops.maximum(1.0 - ops.matmul(normalized, ops.transpose(normalized)), 0.0)


def pairwise_distances(embeddings, distance_metric="L2"):
    """Pairwise distance matrix, computed exactly as tensorflow-addons does.

    Args:
      embeddings: float tensor, shape `(b, d)`.
      distance_metric: `"L2"` (Euclidean), `"squared-L2"`, `"angular"` (1 - cosine similarity of
        the L2-normalised embeddings) or a callable mapping `(b, d)` embeddings to `(b, b)`
        distances.

    Returns:
      Tensor of shape `(b, b)` and the dtype of `embeddings`.

    Raises:
      ValueError: for an unknown `distance_metric`.
    """
    _check_distance_metric(distance_metric)
    return _pairwise_distances(embeddings, distance_metric)


def _pairwise_distances(embeddings, distance_metric, written_out_gradient=False):
    """`pairwise_distances` for a checked metric; see `_euclidean_distances` for the option."""
    if callable(distance_metric):
        return ops.convert_to_tensor(distance_metric(embeddings))
    if distance_metric == "angular":
        return _angular_distances(embeddings)
    return _euclidean_distances(
        embeddings, distance_metric == "squared-L2", written_out_gradient=written_out_gradient
    )


def _row_minimum(distance_metric):
    """0.0 where the metric guarantees it (zero diagonal, no negative entry), else None."""
    return 0.0 if distance_metric in ("L2", "squared-L2") else None


def _label_masks(labels):
    """Boolean (b, b) masks: same label (incl. the diagonal), positive pairs, negatives."""
    same = ops.equal(ops.expand_dims(labels, 1), ops.expand_dims(labels, 0))
    not_self = ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))
    return same, ops.logical_and(same, not_self), ops.logical_not(same)


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


def _rowwise_searchsorted(sorted_rows, values, side):
    """Batched `searchsorted`: for each row r, insertion indices of `values[r]` in `sorted_rows[r]`.

    Args:
      sorted_rows: `(b, m)` tensor, each row sorted ascending.
      values: `(b, q)` tensor.
      side: `"left"` or `"right"`, as in `numpy.searchsorted`.

    Returns:
      int32 tensor of shape `(b, q)`.
    """
    sorted_rows = ops.stop_gradient(sorted_rows)
    values = ops.stop_gradient(values)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if _in_xla_context() and sorted_rows.shape[1] is not None:
            # XLA lowers tf.searchsorted to a (b, q, m) comparison: 9 GiB at b = q = m = 1024.
            return _binary_search_rows(sorted_rows, values, side)
        # `keras.ops.searchsorted` is 1-D only; TF's own op is batched over rows. Going through
        # `vectorized_map` instead re-traces a pfor graph on every eager call (~100 ms).
        return tf.searchsorted(sorted_rows, values, side=side, out_type=tf.int32)
    indices = ops.vectorized_map(
        lambda row: ops.searchsorted(row[0], row[1], side=side), (sorted_rows, values)
    )
    return ops.cast(indices, "int32")


def _in_xla_context():
    """True while tracing a TensorFlow function that XLA compiles (`jit_compile=True`)."""
    try:
        from tensorflow.python.framework import ops as tf_ops
        from tensorflow.python.ops import control_flow_util
    except ImportError:  # private modules moved: fall back to TensorFlow's own op
        return False
    return bool(control_flow_util.GraphOrParentsInXlaContext(tf_ops.get_default_graph()))


def _binary_search_rows(sorted_rows, values, side):
    """`_rowwise_searchsorted` as ceil(log2(m + 1)) halving steps, in O(b q) memory.

    Each step gathers one pivot per value; `low` ends at the first index whose entry is not
    below the value (`"left"`) or above it (`"right"`). Needs a static row length m.
    """
    length = sorted_rows.shape[1]
    low = ops.zeros_like(values, dtype="int32")
    high = ops.full_like(values, length, dtype="int32")
    for _ in range(int(np.ceil(np.log2(length + 1)))):
        searching = low < high
        middle = (low + high) // 2
        pivot = ops.take_along_axis(sorted_rows, ops.minimum(middle, length - 1), axis=1)
        right = pivot < values if side == "left" else pivot <= values
        low = ops.where(ops.logical_and(searching, right), middle + 1, low)
        high = ops.where(ops.logical_and(searching, ops.logical_not(right)), middle, high)
    return low


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
    is TFA's bit for bit and memory stays O(b^2).
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


# --------------------------------------------------------------------------------------------
# Triplet losses
# --------------------------------------------------------------------------------------------
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
    loss = ops.sum(ops.maximum(hinge * positives, 0.0)) / ops.maximum(num_positives, 1.0)
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
    embeddings, input_dtype = _embeddings_to_float(y_pred)
    labels = _labels_to_vector(y_true, embeddings)
    distances = pairwise_distances(embeddings, distance_metric)
    dtype = distances.dtype
    _, positives, negatives = _label_masks(labels)

    hardest_negative = _masked_minimum(distances, ops.cast(negatives, dtype))
    hardest_positive = _masked_maximum(
        distances, ops.cast(positives, dtype), _row_minimum(distance_metric)
    )
    if soft:
        per_anchor = ops.log1p(ops.exp(hardest_positive - hardest_negative))
    else:
        per_anchor = ops.maximum(hardest_positive - hardest_negative + margin, 0.0)
    return _cast_back(ops.mean(per_anchor), input_dtype)


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
        count_p = _rowwise_searchsorted(
            ops.sort(negative_distances, axis=1), thresholds, side="left"
        )
        count_n = batch_size - _rowwise_searchsorted(
            ops.sort(thresholds, axis=1), negative_distances, side="right"
        )
        count_p, count_n = ops.cast(count_p, dtype), ops.cast(count_n, dtype)
        total = ops.sum(count_p * ops.where(positives, thresholds, 0.0)) - ops.sum(
            count_n * ops.where(negatives, distances, 0.0)
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
    _check_choice("average", average, BATCH_ALL_AVERAGES)
    _check_choice("positive_pairs", positive_pairs, POSITIVE_PAIRS)
    embeddings, input_dtype = _embeddings_to_float(y_pred)
    labels = _labels_to_vector(y_true, embeddings)
    # No TFA counterpart to match bit for bit: the faster written-out distance gradient.
    distances = _pairwise_distances(embeddings, distance_metric, written_out_gradient=True)
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


# --------------------------------------------------------------------------------------------
# Contrastive losses
# --------------------------------------------------------------------------------------------
def _similarity_logits(embeddings, temperature, normalize):
    """(b, b) logits: cosine similarity / temperature, or -squared distance / temperature.

    Without normalisation the embeddings are centred on their batch mean first: distances do
    not change, and |a|^2 + |b|^2 - 2ab then cancels far less when the latent drifts away from
    the origin.
    """
    if normalize:
        normalized = _l2_normalize(embeddings)
        similarity = ops.matmul(normalized, ops.transpose(normalized))
    else:
        centred = embeddings - ops.mean(embeddings, axis=0, keepdims=True)
        squared_norms = ops.sum(ops.square(centred), axis=1, keepdims=True)
        squared_distances = (squared_norms + ops.transpose(squared_norms)) - 2.0 * ops.matmul(
            centred, ops.transpose(centred)
        )
        similarity = -ops.maximum(squared_distances, 0.0)
    return similarity / temperature


def _masked_logsumexp(logits, mask):
    """Row-wise log(sum(exp(logits))) over `mask`, with the row maximum subtracted first."""
    lowest = ops.cast(np.finfo(keras.backend.standardize_dtype(logits.dtype)).min, logits.dtype)
    masked = ops.where(mask, logits, lowest)
    row_max = ops.stop_gradient(ops.max(masked, axis=1, keepdims=True))
    exponentials = ops.where(mask, ops.exp(masked - row_max), 0.0)
    return ops.log(ops.sum(exponentials, axis=1, keepdims=True)) + row_max


def nt_xent_loss(z_a, z_b, temperature=0.5, normalize=True):
    """NT-Xent, the normalized temperature-scaled cross entropy of SimCLR (Chen et al. 2020).

    `z = [z_a; z_b]` holds 2N views; view i's positive is the other view of the same example.
    `loss_i = -log(exp(s(i, pos(i)) / t) / sum_{k != i} exp(s(i, k) / t))`, averaged over the 2N
    anchors. Log-sum-exp is computed with the row maximum subtracted, so no exponential
    overflows.

    Args:
      z_a: first views, float tensor of shape `(N, d)`.
      z_b: second views, shape `(N, d)`; row i is the same example as `z_a[i]`.
      temperature: positive float `t`.
      normalize: `True`: s is the cosine similarity (embeddings L2-normalised), as in SimCLR.
        `False` (the talk's variant, e.g. a 2-D latent used directly): s is the *negative
        squared Euclidean distance*. It is bounded above by 0, so logits cannot blow up by
        scaling the embeddings (a raw dot product could, and rewards large norms instead of
        closeness); on unit vectors it equals 2 * cosine - 2, i.e. SimCLR at temperature t / 2
        up to a constant that softmax ignores; and it measures what a 2-D plot shows.

    Returns:
      Scalar loss with the dtype of `z_a`.

    Raises:
      ValueError: if the views are not 2-D, differ in shape, `temperature` is not positive, or
        (eagerly) contain NaN.
    """
    _check_temperature(temperature)
    z_a, input_dtype = _embeddings_to_float(z_a, name="z_a")
    z_b, _ = _embeddings_to_float(z_b, name="z_b")
    if tuple(z_a.shape) != tuple(z_b.shape):
        raise ValueError(
            f"`z_a` and `z_b` must have the same shape; got {tuple(z_a.shape)} and "
            f"{tuple(z_b.shape)}."
        )
    if z_a.dtype != z_b.dtype:
        z_b = ops.cast(z_b, z_a.dtype)
    embeddings = ops.concatenate([z_a, z_b], axis=0)
    num_views = ops.shape(embeddings)[0]
    logits = _similarity_logits(embeddings, temperature, normalize)
    not_self = ops.logical_not(ops.eye(num_views, dtype="bool"))
    partner = (ops.arange(num_views) + num_views // 2) % num_views
    positive_logits = ops.take_along_axis(logits, ops.expand_dims(partner, 1), axis=1)
    loss = ops.mean(_masked_logsumexp(logits, not_self) - positive_logits)
    return _cast_back(loss, input_dtype)


def supcon_loss(y_true, z, temperature=0.1, normalize=True):
    """Supervised contrastive loss, L_out of Khosla et al. 2020 (eq. 2).

    For anchor i with positives P(i) (same label, not i) and A(i) = every other sample:
    `loss_i = -1/|P(i)| sum_{p in P(i)} log(exp(s(i, p) / t) / sum_{a in A(i)} exp(s(i, a) / t))`
    (the mean over positives sits outside the log), averaged over the anchors that have at
    least one positive; anchors without positive are excluded. For several views per example,
    concatenate them along axis 0 and repeat the labels. No `t / base_temperature` factor is
    applied (the paper's equation, not its reference code).

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      z: embeddings, float tensor of shape `(b, d)`.
      temperature: positive float `t`.
      normalize: `True`: s is the cosine similarity; `False`: s is the negative squared
        Euclidean distance of the raw embeddings (see `nt_xent_loss` for why).

    Returns:
      Scalar loss with the dtype of `z`; 0 (and a warning when eager) if no anchor has a
      positive.

    Raises:
      ValueError: as `nt_xent_loss`, and for labels that do not match the batch.
    """
    _check_temperature(temperature)
    embeddings, input_dtype = _embeddings_to_float(z, name="z")
    labels = _labels_to_vector(y_true, embeddings)
    dtype = embeddings.dtype
    _, positives, _ = _label_masks(labels)
    logits = _similarity_logits(embeddings, temperature, normalize)
    not_self = ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))
    log_probabilities = logits - _masked_logsumexp(logits, not_self)
    num_positives = ops.sum(ops.cast(positives, dtype), axis=1)
    mean_log_probability = ops.sum(ops.where(positives, log_probabilities, 0.0), axis=1)
    mean_log_probability = mean_log_probability / ops.maximum(num_positives, 1.0)
    has_positive = num_positives > 0
    num_anchors = ops.sum(ops.cast(has_positive, dtype))
    _warn_if(
        num_anchors == 0,
        "supcon_loss: no anchor has a positive (every label occurs once); the loss is 0.",
        embeddings,
    )
    loss = -ops.sum(ops.where(has_positive, mean_log_probability, 0.0))
    loss = loss / ops.maximum(num_anchors, 1.0)
    return _cast_back(loss, input_dtype)


# --------------------------------------------------------------------------------------------
# Keras Loss classes
# --------------------------------------------------------------------------------------------
def _gather_from_replicas(*tensors):
    """All-gathers tensors along axis 0 inside a tf.distribute replica context with N > 1.

    Returns:
      `(tensors, num_replicas)`; unchanged tensors and 1 outside such a context (and on the
      JAX/torch backends, whose data parallelism already sees the global batch).
    """
    if keras.backend.backend() != "tensorflow":
        return tensors, 1
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return tensors, 1
    gathered = tuple(context.all_gather(tensor, axis=0) for tensor in tensors)
    return gathered, context.num_replicas_in_sync


def _serialize_metric(distance_metric):
    if callable(distance_metric):
        return keras.saving.serialize_keras_object(distance_metric)
    return distance_metric


def _deserialize_metric(distance_metric):
    if isinstance(distance_metric, dict):
        return keras.saving.deserialize_keras_object(distance_metric)
    return distance_metric


class _GlobalBatchLoss(keras.losses.Loss):
    """Base class: a scalar batch loss computed on the global batch of all replicas.

    Under a `tf.distribute` strategy each replica gathers every replica's `y_true`/`y_pred`,
    computes the loss on the global batch and divides it by the number of replicas N: the
    gathered gradient is summed over replicas and so is the optimizer's, which together give the
    single-device gradient (Keras 3 leaves scalar losses unscaled).
    """

    def _batch_loss(self, y_true, y_pred):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "distance_metric" in config:  # the triplet losses: a name or a registered callable
            config["distance_metric"] = _deserialize_metric(config["distance_metric"])
        return cls(**config)

    def call(self, y_true, y_pred):
        (y_true, y_pred), num_replicas = _gather_from_replicas(y_true, y_pred)
        loss = self._batch_loss(y_true, y_pred)
        if num_replicas > 1:
            loss = loss / num_replicas
        return loss


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletSemiHardLoss(_GlobalBatchLoss):
    """Keras loss for `triplet_semihard_loss` (drop-in for `tfa.losses.TripletSemiHardLoss`).

    `y_true`: labels `(b,)` or `(b, 1)`; `y_pred`: embeddings `(b, d)`. A batch without positive
    pair gives 0 (TFA: NaN), see `triplet_semihard_loss`.

    Args:
      margin: float, margin of the hinge.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable (serialisable only if
        registered with Keras).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss` (`reduction`, `dtype`).
    """

    def __init__(self, margin=1.0, distance_metric="L2", name="triplet_semihard_loss", **kwargs):
        _check_distance_metric(distance_metric)
        super().__init__(name=name, **kwargs)
        self.margin = margin
        self.distance_metric = distance_metric

    def _batch_loss(self, y_true, y_pred):
        return triplet_semihard_loss(y_true, y_pred, self.margin, self.distance_metric)

    def get_config(self):
        return {
            **super().get_config(),
            "margin": self.margin,
            "distance_metric": _serialize_metric(self.distance_metric),
        }


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletHardLoss(_GlobalBatchLoss):
    """Keras loss for `triplet_hard_loss` (drop-in for `tfa.losses.TripletHardLoss`).

    Args:
      margin: float, margin of the hinge.
      soft: bool, soft-margin variant.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable.
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(
        self, margin=1.0, soft=False, distance_metric="L2", name="triplet_hard_loss", **kwargs
    ):
        _check_distance_metric(distance_metric)
        super().__init__(name=name, **kwargs)
        self.margin = margin
        self.soft = soft
        self.distance_metric = distance_metric

    def _batch_loss(self, y_true, y_pred):
        return triplet_hard_loss(y_true, y_pred, self.margin, self.soft, self.distance_metric)

    def get_config(self):
        return {
            **super().get_config(),
            "margin": self.margin,
            "soft": self.soft,
            "distance_metric": _serialize_metric(self.distance_metric),
        }


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletBatchAllLoss(_GlobalBatchLoss):
    """Keras loss for `triplet_batch_all_loss`.

    Args:
      margin: float, margin of the hinge.
      distance_metric: `"squared-L2"` (default), `"L2"`, `"angular"` or a callable.
      average: `"all"` or `"nonzero"`.
      positive_pairs: `"ordered"` or `"combinations"` (the study's anchor < positive).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(
        self,
        margin=1.0,
        distance_metric="squared-L2",
        average="all",
        positive_pairs="ordered",
        name="triplet_batch_all_loss",
        **kwargs,
    ):
        _check_distance_metric(distance_metric)
        _check_choice("average", average, BATCH_ALL_AVERAGES)
        _check_choice("positive_pairs", positive_pairs, POSITIVE_PAIRS)
        super().__init__(name=name, **kwargs)
        self.margin = margin
        self.distance_metric = distance_metric
        self.average = average
        self.positive_pairs = positive_pairs

    def _batch_loss(self, y_true, y_pred):
        return triplet_batch_all_loss(
            y_true,
            y_pred,
            self.margin,
            self.distance_metric,
            average=self.average,
            positive_pairs=self.positive_pairs,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "margin": self.margin,
            "distance_metric": _serialize_metric(self.distance_metric),
            "average": self.average,
            "positive_pairs": self.positive_pairs,
        }


@keras.saving.register_keras_serializable(package="tslearnkit")
class NTXentLoss(_GlobalBatchLoss):
    """Keras loss for `nt_xent_loss`.

    Convention: `y_pred` is the concatenation `[z_a; z_b]` along axis 0, shape `(2N, d)` (first
    half view a, second half view b, row i and row N + i are the same example); `y_true` is
    ignored (pass any array with 2N rows, e.g. zeros). Under a `tf.distribute` strategy the
    layout refers to the global batch: the replicas' rows are gathered first, then split.

    Args:
      temperature: positive float.
      normalize: cosine similarity (`True`) or negative squared distance (`False`).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(self, temperature=0.5, normalize=True, name="nt_xent_loss", **kwargs):
        _check_temperature(temperature)
        super().__init__(name=name, **kwargs)
        self.temperature = temperature
        self.normalize = normalize

    def _batch_loss(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        if len(y_pred.shape) != 2:
            raise ValueError(
                f"`y_pred` must be 2-D [z_a; z_b] with shape (2N, d); got {tuple(y_pred.shape)}."
            )
        if y_pred.shape[0] is not None and y_pred.shape[0] % 2:
            raise ValueError(
                "`y_pred` must stack two views [z_a; z_b], so an even number of rows; got "
                f"{y_pred.shape[0]}."
            )
        z_a, z_b = ops.split(y_pred, 2, axis=0)
        return nt_xent_loss(z_a, z_b, self.temperature, self.normalize)

    def get_config(self):
        return {
            **super().get_config(),
            "temperature": self.temperature,
            "normalize": self.normalize,
        }


@keras.saving.register_keras_serializable(package="tslearnkit")
class SupConLoss(_GlobalBatchLoss):
    """Keras loss for `supcon_loss`: `y_true` labels `(b,)` or `(b, 1)`, `y_pred` `(b, d)`.

    Args:
      temperature: positive float.
      normalize: cosine similarity (`True`) or negative squared distance (`False`).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(self, temperature=0.1, normalize=True, name="supcon_loss", **kwargs):
        _check_temperature(temperature)
        super().__init__(name=name, **kwargs)
        self.temperature = temperature
        self.normalize = normalize

    def _batch_loss(self, y_true, y_pred):
        return supcon_loss(y_true, y_pred, self.temperature, self.normalize)

    def get_config(self):
        return {
            **super().get_config(),
            "temperature": self.temperature,
            "normalize": self.normalize,
        }

