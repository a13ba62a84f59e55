"""Tests for tslearnkit.losses.mining: the parts against brute-force loops, the row-wise binary
search, and the sorting losses under XLA."""

import numpy as np
import pytest
from keras import ops
from losses_helpers import tensorflow_only, tie_heavy_batch, value_and_grad

from tslearnkit import losses
from tslearnkit.losses import mining
from tslearnkit.losses.mining import _rowwise_searchsorted


@pytest.mark.parametrize("side", ["left", "right"])
def test_rowwise_searchsorted_matches_numpy(side):
    rng = np.random.default_rng(8)
    rows = np.sort(rng.integers(0, 6, size=(7, 13)), axis=1).astype("float32")  # many ties
    rows[0] = np.inf
    values = rng.integers(-1, 8, size=(7, 11)).astype("float32")
    values[1, :3] = [-np.inf, np.inf, rows[1, 5]]
    expected = np.stack([np.searchsorted(r, v, side=side) for r, v in zip(rows, values)])
    got = _rowwise_searchsorted(ops.convert_to_tensor(rows), ops.convert_to_tensor(values), side)
    np.testing.assert_array_equal(ops.convert_to_numpy(got), expected)


@tensorflow_only
@pytest.mark.parametrize("side", ["left", "right"])
def test_rowwise_searchsorted_under_xla_is_a_binary_search(side):
    import tensorflow as tf

    rng = np.random.default_rng(8)
    rows = np.sort(rng.integers(0, 6, size=(7, 13)), axis=1).astype("float32")  # many ties
    rows[0] = np.inf  # an all-padding row, as negatives without any negative
    values = rng.integers(-1, 8, size=(7, 11)).astype("float32")
    values[1, :3] = [-np.inf, np.inf, rows[1, 5]]
    expected = np.stack([np.searchsorted(r, v, side=side) for r, v in zip(rows, values)])

    @tf.function(jit_compile=True)
    def search(rows, values):
        return _rowwise_searchsorted(rows, values, side)

    graph = search.get_concrete_function(tf.constant(rows), tf.constant(values)).graph
    assert not any(op.type in ("LowerBound", "UpperBound") for op in graph.get_operations())
    np.testing.assert_array_equal(search(tf.constant(rows), tf.constant(values)).numpy(), expected)
    eager = _rowwise_searchsorted(tf.constant(rows), tf.constant(values), side)
    np.testing.assert_array_equal(eager.numpy(), expected)


@tensorflow_only
@pytest.mark.parametrize("name", ["semihard", "batch_all"])
def test_sorting_losses_under_xla_equal_the_default(name):
    import tensorflow as tf

    function = {
        "semihard": losses.triplet_semihard_loss,
        "batch_all": lambda y, x: losses.triplet_batch_all_loss(y, x, 0.5, "L2"),
    }[name]
    labels, embeddings = tie_heavy_batch(seed=1, batch_size=40)

    def step(y, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(y, x)
        return value, tape.gradient(value, x)

    inputs = (tf.constant(labels), tf.constant(embeddings))
    value, grad = tf.function(step)(*inputs)
    xla_value, xla_grad = tf.function(step, jit_compile=True)(*inputs)
    np.testing.assert_allclose(float(xla_value), float(value), rtol=1e-5)
    np.testing.assert_allclose(xla_grad.numpy(), grad.numpy(), rtol=1e-4, atol=1e-6)


def semihard_by_definition(distances, negatives):
    """The semi-hard rule as written, over a (b, b, b) tensor (TFA's tiled formulation): for
    each (a, p), the closest negative farther than p, else the farthest negative."""
    d_ap, d_an = ops.expand_dims(distances, 2), ops.expand_dims(distances, 1)
    farther = ops.logical_and(ops.expand_dims(negatives, 1), d_an > d_ap)
    row_max = ops.max(distances, axis=1, keepdims=True)
    shifted = (d_an - ops.expand_dims(row_max, 2)) * ops.cast(farther, distances.dtype)
    closest_farther = ops.min(shifted, axis=2) + row_max
    return ops.where(ops.any(farther, axis=2), closest_farther, mining.masked_maximum(distances, negatives))


def all_triplets_by_definition(distances, positives, negatives, margin):
    """Every (a, p, n) hinge term over a (b, b, b) tensor: their sum and the number of active ones."""
    terms = ops.expand_dims(distances, 2) - ops.expand_dims(distances, 1) + margin
    valid = ops.logical_and(ops.expand_dims(positives, 2), ops.expand_dims(negatives, 1))
    active = ops.logical_and(valid, terms > 0)
    return ops.sum(ops.where(active, terms, 0.0)), ops.sum(ops.cast(active, distances.dtype))


def weighted_sum_of_part(part, labels, metric, seed):
    """A scalar of a (b, b) part's output, with random weights, as a function of the embeddings."""
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=(len(labels), len(labels))).astype("float32")

    def function(embeddings):
        distances = losses.pairwise_distances(embeddings, metric)
        _, negatives = mining.label_masks(ops.convert_to_tensor(labels))
        return ops.sum(weights * part(distances, negatives))

    return function


@pytest.mark.parametrize("metric", ["L2", "squared-L2", "angular"])
@pytest.mark.parametrize("seed, batch_size", [(0, 12), (1, 40), (3, 64)])
def test_semihard_fast_path_equals_its_definition_with_ties(metric, seed, batch_size):
    labels, embeddings = tie_heavy_batch(seed, batch_size)
    labels[-1] = 99  # an anchor without positive
    fast = weighted_sum_of_part(mining.semihard_negatives, labels, metric, seed)
    slow = weighted_sum_of_part(semihard_by_definition, labels, metric, seed)
    value, grad = value_and_grad(fast, embeddings)
    expected, expected_grad = value_and_grad(slow, embeddings)
    np.testing.assert_allclose(float(value), float(expected), rtol=1e-6)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("metric", ["L2", "squared-L2"])
@pytest.mark.parametrize("seed, batch_size", [(0, 12), (1, 40), (2, 97)])
def test_all_triplets_fast_path_equals_its_definition(metric, seed, batch_size):
    labels, embeddings = tie_heavy_batch(seed, batch_size)  # odd seeds: many triplets on the kink
    positives, negatives = mining.label_masks(ops.convert_to_tensor(labels))

    def loss(part):
        return lambda x: part(losses.pairwise_distances(x, metric), positives, negatives, 0.5)[0]

    total, active = mining.all_triplets_hinge(losses.pairwise_distances(embeddings, metric), positives, negatives, 0.5)
    expected_total, expected_active = all_triplets_by_definition(
        losses.pairwise_distances(embeddings, metric), positives, negatives, 0.5
    )
    assert float(active) == float(expected_active) > 0
    np.testing.assert_allclose(float(total), float(expected_total), rtol=1e-5)
    grad = value_and_grad(loss(mining.all_triplets_hinge), embeddings)[1]
    expected_grad = value_and_grad(loss(all_triplets_by_definition), embeddings)[1]
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6 * np.abs(expected_grad).max())


def test_masks_and_masked_reductions_on_small_cases():
    positives, negatives = mining.label_masks(ops.convert_to_tensor(np.array([0, 0, 1])))
    np.testing.assert_array_equal(ops.convert_to_numpy(positives), [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(ops.convert_to_numpy(negatives), [[0, 0, 1], [0, 0, 1], [1, 1, 0]])
    data = ops.convert_to_tensor(np.array([[0.0, 2.0, 5.0], [2.0, 0.0, 3.0], [5.0, 3.0, 0.0]], "float32"))
    # Row 2 has no positive: TFA's masked maximum gives the row minimum, 0 (the anchor itself).
    np.testing.assert_array_equal(ops.convert_to_numpy(mining.masked_maximum(data, positives))[:, 0], [2, 2, 0])
    np.testing.assert_array_equal(ops.convert_to_numpy(mining.masked_minimum(data, negatives))[:, 0], [5, 3, 3])
    no_pair = ops.zeros((3, 3), dtype="bool")
    assert float(mining.masked_mean(data, no_pair)) == 0.0
    assert float(mining.masked_mean(data, positives)) == 2.0
    assert float(mining.masked_mean(data, negatives)) == 4.0
