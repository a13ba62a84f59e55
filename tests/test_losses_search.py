"""Tests for tslearnkit.losses._search: the row-wise binary search, and the losses under XLA."""

import numpy as np
import pytest
from keras import ops
from losses_helpers import tensorflow_only, tie_heavy_batch

from tslearnkit import losses


@pytest.mark.parametrize("side", ["left", "right"])
def test_rowwise_searchsorted_matches_numpy(side):
    rng = np.random.default_rng(8)
    rows = np.sort(rng.integers(0, 6, size=(7, 13)), axis=1).astype("float32")  # many ties
    rows[0] = np.inf
    values = rng.integers(-1, 8, size=(7, 11)).astype("float32")
    values[1, :3] = [-np.inf, np.inf, rows[1, 5]]
    expected = np.stack([np.searchsorted(r, v, side=side) for r, v in zip(rows, values)])
    got = losses._rowwise_searchsorted(ops.convert_to_tensor(rows), ops.convert_to_tensor(values), side)
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
        return losses._rowwise_searchsorted(rows, values, side)

    graph = search.get_concrete_function(tf.constant(rows), tf.constant(values)).graph
    assert not any(op.type in ("LowerBound", "UpperBound") for op in graph.get_operations())
    np.testing.assert_array_equal(search(tf.constant(rows), tf.constant(values)).numpy(), expected)
    eager = losses._rowwise_searchsorted(tf.constant(rows), tf.constant(values), side)
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
