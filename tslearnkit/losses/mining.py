"""The parts the triplet losses are built from: masks, mining strategies, hinge and reduction.

TensorFlow Similarity composes a triplet loss from label masks, a positive-distance strategy, a
negative-distance strategy and a reduction; pytorch-metric-learning from a distance, a miner and
a reducer. Each loss in `triplet` is a few lines over these parts, on a `(b, b)` matrix of
distances `d(a, x)` from each anchor a (a row) to each sample x (a column):

| step | part | shape |
|---|---|---|
| masks | `label_masks(labels)`: positive pairs, negatives | bool `(b, b)` |
| positive "all" | the distances themselves: each pair (a, p) is its own triplet | `(b, b)` |
| positive "hard" | `masked_maximum(distances, positives)`: the farthest, per anchor | `(b, 1)` |
| negative "hard" | `masked_minimum(distances, negatives)`: the closest, per anchor | `(b, 1)` |
| negative "semi-hard" | `semihard_negatives(distances, negatives)`: one per pair (a, p) | `(b, b)` |
| negative "all" | `all_triplets_hinge(distances, positives, negatives, margin)`: summed | scalars |
| loss | `hinge(positive - negative, margin)`, i.e. `relu(d(a, p) - d(a, n) + margin)` | |
| reduction | `masked_mean(losses, mask)`: mean over the triplets | scalar |

Two parts run a fast path: written as their definition, semi-hard and all-negatives mining
broadcast a `(b, b, b)` tensor (TFA's semi-hard tiles one: 24 GiB at b = 1024). They sort each
anchor's row once and binary-search it instead, O(b^2) memory and O(b^2 log b) time; their
docstrings state the definition they compute, and the tests check them against it.
"""

import numpy as np
from keras import ops

from .. import backend
from ._checks import _clip_below


def label_masks(labels):
    """Boolean `(b, b)` masks of a batch: `positives` (same label, not the anchor itself) and
    `negatives` (another label)."""
    same = ops.equal(ops.expand_dims(labels, 1), ops.expand_dims(labels, 0))
    not_self = ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))
    return ops.logical_and(same, not_self), ops.logical_not(same)


def masked_maximum(data, mask, row_min=None):
    """Per-row maximum of `data` over the entries where `mask` holds, shape `(b, 1)`.

    TFA's formulation, kept because its goldens check what it fixes: an empty row gives the row
    minimum (0 for L2 distances: the anchor itself), and tied maxima share the gradient.
    `row_min=0.0` says the row minimum is 0 (L2 and squared-L2 distances: the diagonal), which
    skips its reduction and the shift by 0 (no value or gradient changes): 10-15 % of the hard
    loss's time from b = 512 (bench/README.md, Losses).
    """
    if row_min == 0.0:
        return ops.max(data * ops.cast(mask, data.dtype), axis=1, keepdims=True)
    row_min = ops.min(data, axis=1, keepdims=True)
    return ops.max((data - row_min) * ops.cast(mask, data.dtype), axis=1, keepdims=True) + row_min


def masked_minimum(data, mask):
    """Per-row minimum of `data` over `mask`, shape `(b, 1)`; an empty row gives the row maximum."""
    row_max = ops.max(data, axis=1, keepdims=True)
    return ops.min((data - row_max) * ops.cast(mask, data.dtype), axis=1, keepdims=True) + row_max


def hinge(x, margin):
    """`relu(x + margin)`, with TensorFlow's gradient at the kink (all of it to `x`)."""
    return _clip_below(x + margin)


def masked_mean(values, mask):
    """Mean of `values` where `mask` holds; 0, with a zero gradient, where it never does."""
    count = ops.sum(ops.cast(mask, values.dtype))
    return ops.sum(ops.where(mask, values, 0.0)) / ops.maximum(count, 1.0)


def semihard_negatives(distances, negatives):
    """The semi-hard negative distance of every pair (anchor a, positive p), TFA's rule, `(b, b)`.

    Definition (lesson 4's NumPy exercise), entry `(a, p)`:
    `farther = negatives[a] & (distances[a] > distances[a, p])`; then
    `min(distances[a][farther])` if any, else `max(distances[a][negatives[a]])` (FaceNet: the
    closest negative farther than the positive, else the farthest negative).

    Computed without the `(b, b, b)` tensor of that definition (TFA tiles it: 24 GiB at b = 1024):
    each row's negatives are sorted once and one binary search per pair finds the first negative
    above `d(a, p)`, O(b^2) memory. What that buys in time and memory, against TFA and against
    the definition itself, is measured in `bench/README.md` (Losses).

    The gradient is TFA's: its `min((d(a, n) - M_a) * mask) + M_a` (with `M_a` the row maximum)
    shares the gradient evenly between all entries equal to the minimum: the tied chosen
    negatives and, when the chosen one is the row maximum (minimum 0), the masked-out entries,
    whose share flows to `M_a`. A surrogate with that gradient (prefix sums over the tied range
    of the sorted row) is added as `surrogate - stop_gradient(surrogate)`.
    """
    dtype = distances.dtype
    batch_size = ops.shape(distances)[1]
    sorted_distances, finite_sorted, negative_counts = _sorted_negatives(distances, negatives)
    row_max = ops.max(distances, axis=1, keepdims=True)
    shifted = sorted_distances - row_max  # TFA's shifted values: its ties are ties of these

    first = _rowwise_searchsorted(sorted_distances, distances, side="right")  # negatives <= d(a, p)
    has_semihard = first < negative_counts
    chosen_shifted = ops.take_along_axis(shifted, ops.minimum(first, batch_size - 1), axis=1)

    tie_end = _rowwise_searchsorted(shifted, chosen_shifted, side="right")
    tied = tie_end - first
    masked_out = batch_size - (negative_counts - first)
    shares_with_masked_out = ops.logical_and(has_semihard, ops.equal(chosen_shifted, 0.0))
    count = ops.cast(ops.maximum(tied + ops.where(shares_with_masked_out, masked_out, 0), 1), dtype)
    prefix = _prefix_sums(finite_sorted)
    tied_sum = ops.take_along_axis(prefix, tie_end, axis=1) - ops.take_along_axis(prefix, first, axis=1)
    surrogate = tied_sum / count + (1.0 - ops.cast(tied, dtype) / count) * row_max
    semihard = ops.stop_gradient(chosen_shifted + row_max) + (surrogate - ops.stop_gradient(surrogate))
    return ops.where(has_semihard, semihard, masked_maximum(distances, negatives))


def all_triplets_hinge(distances, positives, negatives, margin):
    """Every triplet at once: the hinge summed over all (a, p, n) and the number of active ones.

    Definition: the sum of `relu(d(a, p) - d(a, n) + margin)` over every positive pair (a, p) of
    `positives` and every negative n of anchor a, and how many of those terms are positive
    (*active*: `d(a, n) < d(a, p) + margin`; a negative exactly at the threshold sits on the
    kink: inactive, no gradient). Two scalars.

    Computed without the `(b, b, b)` tensor of that definition, from two counts: `count_p(a, p)`,
    the active triplets of pair (a, p) (negatives of row a below its threshold), and
    `count_n(a, n)`, those of (a, n) (thresholds of row a above `d(a, n)`), each a binary search
    in a row sorted once. The sum of the active hinges is then
    `sum count_p * (d(a, p) + margin) - sum count_n * d(a, n)`: linear in the distances with
    the counts held constant, so its gradient is each triplet's, `+1` on `d(a, p)` and `-1` on
    `d(a, n)`, as a loop over triplets gives.
    """
    infinity = ops.cast(np.inf, distances.dtype)
    # Entries that are not positive pairs / negatives sit at -inf / +inf: never active.
    thresholds = ops.where(positives, distances + margin, -infinity)
    negative_distances = ops.where(negatives, distances, infinity)
    count_p = _rowwise_searchsorted(ops.sort(negative_distances, axis=1), thresholds, side="left")
    count_n = ops.shape(distances)[1] - _rowwise_searchsorted(ops.sort(thresholds, axis=1), negative_distances, "right")
    count_p, count_n = ops.cast(count_p, distances.dtype), ops.cast(count_n, distances.dtype)
    # Only counted entries: 0 * an overflowed (inf) distance would be NaN.
    total = ops.sum(ops.where(count_p > 0, count_p * thresholds, 0.0))
    return total - ops.sum(ops.where(count_n > 0, count_n * distances, 0.0)), ops.sum(count_p)


def _sorted_negatives(distances, negatives):
    """Each row's negative distances sorted ascending, padded with +inf at the end.

    Returns:
      `(sorted_distances, finite_sorted, negative_counts)`: the sorted rows `(b, b)`, the same
      with the padding replaced by 0 (for prefix sums), and the negatives per row, int32 `(b, 1)`.
    """
    sorted_distances = ops.sort(ops.where(negatives, distances, ops.cast(np.inf, distances.dtype)), axis=1)
    negative_counts = ops.sum(ops.cast(negatives, "int32"), axis=1, keepdims=True)
    column = ops.expand_dims(ops.arange(ops.shape(distances)[1], dtype="int32"), 0)
    return sorted_distances, ops.where(column < negative_counts, sorted_distances, 0.0), negative_counts


def _prefix_sums(rows):
    """Exclusive prefix sums along axis 1: `out[:, j] = sum(rows[:, :j])`, shape `(b, m + 1)`."""
    return ops.concatenate([ops.zeros_like(rows[:, :1]), ops.cumsum(rows, axis=1)], axis=1)


def _rowwise_searchsorted(sorted_rows, values, side):
    """Batched `searchsorted`: for each row r, the insertion indices of `values[r]` in
    `sorted_rows[r]` (`side` as in `numpy.searchsorted`), int32 `(b, q)`, without gradient.

    The backend's batched search (`tf.searchsorted`, `torch.searchsorted`) where it is cheap; on
    JAX (whose `searchsorted` is 1-D) and under TensorFlow's XLA (which lowers it to a
    `(b, q, m)` comparison) a loop of halving steps in O(b q) memory.
    """
    sorted_rows, values = ops.stop_gradient(sorted_rows), ops.stop_gradient(values)
    native = backend.batched_searchsorted(sorted_rows, values, side)
    return _binary_search_rows(sorted_rows, values, side) if native is None else native


def _binary_search_rows(sorted_rows, values, side):
    """`_rowwise_searchsorted` as ceil(log2(m + 1)) halving steps (needs a static row length m).

    Each step gathers one pivot per value; `low` ends at the first index whose entry is not
    below the value (`"left"`) or above it (`"right"`).
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
