"""Tests for tslearnkit.losses.keras_losses under data parallelism: N replicas give the
single-device gradients."""

import keras
import numpy as np
import pytest
from keras import ops
from losses_helpers import BACKEND, LOSS_OBJECTS, small_model

if BACKEND == "tensorflow":
    import tensorflow as tf


def one_sgd_step(loss, strategy, x, y):
    """Weights after one SGD step on the full batch (identical initial weights)."""
    with strategy.scope():
        model = small_model(seed=1)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    return [w.numpy() for w in model.weights]


@pytest.fixture(scope="module")
def mirrored(mirrored_strategy):
    # The session's one strategy (tests/conftest.py): two MirroredStrategy objects in one
    # process can clash in their collective instance keys.
    assert len(mirrored_strategy.extended.worker_devices) == 2
    return mirrored_strategy


@pytest.mark.parametrize("name", ["semihard", "batch_all", "nt_xent"])
def test_two_replicas_give_single_device_gradients(name, mirrored):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.permutation(np.arange(16) % 4)
    single = one_sgd_step(LOSS_OBJECTS[name](), tf.distribute.get_strategy(), x, y)
    replicated = one_sgd_step(LOSS_OBJECTS[name](), mirrored, x, y)
    initial = [w.numpy() for w in small_model(seed=1).weights]
    assert any(np.abs(a - b).max() > 1e-3 for a, b in zip(single, initial))  # it did train
    for after_single, after_replicated in zip(single, replicated):
        np.testing.assert_allclose(after_replicated, after_single, rtol=1e-5, atol=1e-6)


def test_keras_sums_replica_gradients_of_an_unscaled_scalar_loss(mirrored):
    """Why the classes divide by N: Keras 3 leaves a scalar loss unscaled under N replicas."""

    def scalar_loss(y_true, y_pred):  # a per-sample mean, returned as a scalar
        return ops.mean(ops.square(y_pred))

    x = np.random.default_rng(23).normal(size=(16, 6)).astype("float32")
    y = np.zeros(16)
    initial = [w.numpy() for w in small_model(seed=1).weights]
    single = one_sgd_step(scalar_loss, tf.distribute.get_strategy(), x, y)
    replicated = one_sgd_step(scalar_loss, mirrored, x, y)
    for start, after_single, after_replicated in zip(initial, single, replicated):
        np.testing.assert_allclose(after_replicated - start, 2 * (after_single - start), rtol=1e-4, atol=1e-7)


def one_sgd_step_distributed(loss, distribution, x, y):
    """`one_sgd_step` under a JAX `keras.distribution` (None: one device); also returns how many
    devices the first kernel lives on."""
    keras.distribution.set_distribution(distribution)
    try:
        model = small_model(seed=1)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
        model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
        num_devices = len(model.weights[0].value.sharding.device_set)
        return [ops.convert_to_numpy(w) for w in model.weights], num_devices
    finally:
        keras.distribution.set_distribution(None)


@pytest.fixture
def data_parallel(two_device_strategy):
    if BACKEND != "jax":
        pytest.skip("keras.distribution data parallelism is tested on JAX")
    return two_device_strategy


@pytest.mark.parametrize("name", ["semihard", "batch_all", "nt_xent", "supcon"])
def test_jax_data_parallel_gives_single_device_gradients(name, data_parallel):
    """A keras.distribution step is one program over the global batch: the losses mine it whole
    and no gathering or scaling is needed (unlike tf.distribute's replicas)."""
    rng = np.random.default_rng(22)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.permutation(np.arange(16) % 4)
    single, on_one = one_sgd_step_distributed(LOSS_OBJECTS[name](), None, x, y)
    parallel, on_two = one_sgd_step_distributed(LOSS_OBJECTS[name](), data_parallel, x, y)
    assert (on_one, on_two) == (1, 2)
    initial = [ops.convert_to_numpy(w) for w in small_model(seed=1).weights]
    assert any(np.abs(a - b).max() > 1e-3 for a, b in zip(single, initial))  # it did train
    for after_single, after_parallel in zip(single, parallel):
        np.testing.assert_allclose(after_parallel, after_single, rtol=1e-5, atol=1e-6)


def test_jax_data_parallel_leaves_a_scalar_loss_as_one_device(data_parallel):
    """The contrast with tf.distribute (test above): the same unscaled scalar loss, not doubled."""

    def scalar_loss(y_true, y_pred):
        return ops.mean(ops.square(y_pred))

    x = np.random.default_rng(23).normal(size=(16, 6)).astype("float32")
    y = np.zeros(16)
    single, _ = one_sgd_step_distributed(scalar_loss, None, x, y)
    parallel, _ = one_sgd_step_distributed(scalar_loss, data_parallel, x, y)
    for after_single, after_parallel in zip(single, parallel):
        np.testing.assert_allclose(after_parallel, after_single, rtol=1e-5, atol=1e-6)
