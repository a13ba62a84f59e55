"""Tests for tslearnkit.losses.keras_losses: configuration, serialisation, save and load."""

import keras
import numpy as np
import pytest
from losses_helpers import LOSS_OBJECTS, manhattan_distances, random_batch, small_model

from tslearnkit import losses

MATCHING_FUNCTIONS = {
    "semihard": lambda y, x: losses.triplet_semihard_loss(y, x, 0.3, "squared-L2"),
    "hard": lambda y, x: losses.triplet_hard_loss(y, x, 0.4, True, "angular"),
    "batch_all": lambda y, x: losses.triplet_batch_all_loss(
        y, x, 0.2, "L2", average="nonzero", positive_pairs="combinations"
    ),
    "nt_xent": lambda y, x: losses.nt_xent_loss(x[:8], x[8:], 0.3, normalize=False),
    "supcon": lambda y, x: losses.supcon_loss(y, x, 0.2, normalize=False),
    "semihard_callable": lambda y, x: losses.triplet_semihard_loss(y, x, distance_metric=manhattan_distances),
}


@pytest.mark.parametrize("name", sorted(LOSS_OBJECTS))
def test_config_round_trip_and_value(name):
    loss = LOSS_OBJECTS[name]()
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(restored) is type(loss) and restored.get_config() == config
    assert keras.saving.get_registered_name(type(loss)).startswith("tslearnkit>")

    labels, embeddings = random_batch(seed=20)
    expected = MATCHING_FUNCTIONS[name](labels, embeddings)
    np.testing.assert_allclose(float(restored(labels, embeddings)), float(expected), rtol=1e-6)
    assert float(expected) > 0


@pytest.mark.parametrize("name", ["semihard", "hard", "batch_all", "nt_xent", "supcon"])
def test_model_with_loss_saves_and_loads(name, tmp_path):
    rng = np.random.default_rng(21)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = np.arange(16) % 4
    model = small_model()
    model.compile(optimizer="sgd", loss=LOSS_OBJECTS[name]())  # default jit_compile: XLA on TF
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.loss) is type(model.loss)
    assert loaded.loss.get_config() == model.loss.get_config()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(
        loaded.evaluate(x, y, batch_size=16, verbose=0),
        model.evaluate(x, y, batch_size=16, verbose=0),
        rtol=1e-6,
    )


def test_config_keys_are_those_saved_models_hold():
    expected = {
        "semihard": {"margin", "distance_metric"},
        "hard": {"margin", "soft", "distance_metric"},
        "batch_all": {"margin", "distance_metric", "average", "positive_pairs"},
        "nt_xent": {"temperature", "normalize"},
        "supcon": {"temperature", "normalize"},
    }
    for name, keys in expected.items():
        loss = LOSS_OBJECTS[name]()
        assert set(loss.get_config()) == keys | {"name", "reduction"}
        assert isinstance(loss, losses.MetricLoss)
        for key in keys - {"distance_metric"}:
            assert getattr(loss, key) == loss.get_config()[key]
