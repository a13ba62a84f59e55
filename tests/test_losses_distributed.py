"""Tests for tslearnkit.losses.distributed: N replicas give the single-device gradients."""

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
