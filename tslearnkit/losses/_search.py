"""Row-wise binary search in sorted rows, shared by the semi-hard and batch-all losses.

TensorFlow's batched `tf.searchsorted` is used where it is cheap; under XLA (which lowers it to a
(b, q, m) comparison) a loop of halving steps in O(b q) memory replaces it.
"""

import keras
import numpy as np
from keras import ops


def _in_xla_context():
    """True while tracing a TensorFlow function that XLA compiles (`jit_compile=True`)."""
    try:
        from tensorflow.python.framework import ops as tf_ops
        from tensorflow.python.ops import control_flow_util
    except ImportError:  # private modules moved: fall back to TensorFlow's own op
        return False
    return bool(control_flow_util.GraphOrParentsInXlaContext(tf_ops.get_default_graph()))


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
        # `vectorized_map` instead re-traces a pfor graph on every eager call.
        return tf.searchsorted(sorted_rows, values, side=side, out_type=tf.int32)
    indices = ops.vectorized_map(lambda row: ops.searchsorted(row[0], row[1], side=side), (sorted_rows, values))
    return ops.cast(indices, "int32")


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
