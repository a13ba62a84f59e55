"""Row-wise binary search in sorted rows, shared by the semi-hard and batch-all losses.

The backend's batched search (`tf.searchsorted`, `torch.searchsorted`; see `tslearnkit.backend`)
is used where it is cheap; on JAX and under TensorFlow's XLA (which lowers its op to a (b, q, m)
comparison) a loop of halving steps in O(b q) memory replaces it.
"""

import numpy as np
from keras import ops

from .. import backend


def _in_xla_context():
    """True while tracing a TensorFlow function that XLA compiles (`jit_compile=True`)."""
    return backend.in_xla_context()


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
    native = backend.batched_searchsorted(sorted_rows, values, side)
    if native is not None:
        return native
    # JAX (and TensorFlow under XLA): `keras.ops.searchsorted` is 1-D only.
    return _binary_search_rows(sorted_rows, values, side)


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
