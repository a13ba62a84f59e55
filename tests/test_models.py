"""tslearnkit.models: encoder shapes, any length, the study's parameter count, heads, save/load."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from tslearnkit import models  # noqa: E402


def _trainable(model):
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def _non_trainable(model):
    return int(sum(np.prod(w.shape) for w in model.non_trainable_weights))


def test_conv_encoder_matches_the_study_network_on_1007_by_4():
    encoder = models.build_encoder("conv", (1007, 4))
    flatten = next(layer for layer in encoder.layers if isinstance(layer, keras.layers.Flatten))
    assert flatten.output.shape[-1] == 8000  # 125 steps × 64 filters
    # The study's PyTorch network, parameter by parameter (BatchNorm running stats are buffers
    # there and non-trainable weights here).
    study = {
        "conv1": 4 * 3 * 64 + 64,
        "conv2": 64 * 3 * 64 + 64,
        "bn1": 2 * 64,
        "fc1": 8000 * 256 + 256,
        "bn2": 2 * 256,
        "fc2": 256 * 128 + 128,
    }
    assert _trainable(encoder) == sum(study.values()) == 2_094_976
    assert _non_trainable(encoder) == 2 * 64 + 2 * 256
    kinds = [type(layer).__name__ for layer in encoder.layers[1:]]
    assert kinds == [
        "Conv1D",
        "ReLU",
        "MaxPooling1D",
        "Conv1D",
        "BatchNormalization",
        "ReLU",
        "MaxPooling1D",
        "Flatten",
        "Dense",
        "BatchNormalization",
        "ReLU",
        "Dropout",
        "Dense",
    ]
    assert encoder(np.zeros((2, 1007, 4), np.float32)).shape == (2, 128)


@pytest.mark.parametrize("name,features", [("fcn", 128), ("resnet", 128), ("inception", 128)])
def test_pooled_encoders_accept_any_length(name, features):
    encoder = models.build_encoder(name, (None, 3))
    for length in (16, 29, 57):
        out = encoder(np.random.default_rng(0).normal(size=(2, length, 3)).astype(np.float32))
        assert out.shape == (2, features)


def test_conv_encoder_needs_a_fixed_length():
    with pytest.raises(ValueError, match="fixed length >= 8"):
        models.build_encoder("conv", (None, 3))


def test_unknown_encoder_and_option_are_named():
    with pytest.raises(
        ValueError, match=r"unknown encoder 'lstm'; choose one of \['conv', 'fcn', 'inception', 'resnet'\]"
    ):
        models.build_encoder("lstm", (29, 12))
    with pytest.raises(ValueError, match=r"does not take \['width'\]"):
        models.build_encoder("fcn", (29, 12), width=3)
    with pytest.raises(ValueError, match=r"input_shape must be \(timesteps, channels\)"):
        models.build_encoder("fcn", (10, 29, 12))


def test_config_changes_the_encoder():
    small = models.build_encoder("fcn", (29, 12), filters=(8, 16, 8))
    assert small.output.shape[-1] == 8
    assert _trainable(small) < _trainable(models.build_encoder("fcn", (29, 12)))


def test_embedding_model_normalises_and_projects():
    encoder = models.build_encoder("fcn", (29, 12), filters=(8, 8, 8))
    model = models.embedding_model(encoder, dim=16, normalize=True)
    z = keras.ops.convert_to_numpy(model(np.random.default_rng(0).normal(size=(5, 29, 12)).astype(np.float32)))
    assert z.shape == (5, 16)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, rtol=1e-5)
    raw = models.embedding_model(models.build_encoder("fcn", (29, 12), filters=(8, 8, 8)), dim=2, normalize=False)
    z2 = keras.ops.convert_to_numpy(raw(np.random.default_rng(0).normal(size=(5, 29, 12)).astype(np.float32)))
    assert z2.shape == (5, 2) and not np.allclose(np.linalg.norm(z2, axis=1), 1.0)


def test_classifier_penultimate_is_the_encoder():
    encoder = models.build_encoder("conv", (29, 12))
    clf = models.classifier_model(encoder, 9)
    x = np.random.default_rng(1).normal(size=(3, 29, 12)).astype(np.float32)
    assert clf(x).shape == (3, 9)
    assert clf.get_layer(encoder.name) is encoder
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        models.classifier_model(encoder, 1)


def _assert_round_trips(model, x, path):
    """``model`` saved to ``path`` in the Keras format and loaded again embeds ``x`` as before."""
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x, training=False)),
        keras.ops.convert_to_numpy(model(x, training=False)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_models_round_trip_through_keras_format(tmp_path):
    for name in ("conv", "inception"):
        encoder = models.build_encoder(name, (29, 12))
        model = models.embedding_model(encoder, dim=8)
        x = np.random.default_rng(2).normal(size=(4, 29, 12)).astype(np.float32)
        _assert_round_trips(model, x, tmp_path / f"{name}.keras")


def test_per_series_standardization_appends_each_channel_standardised_within_its_series():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 30, 2)).astype(np.float32)
    x[:, :, 0] = x[:, :, 0] * np.array([1e-3, 1.0, 50.0, 1e-4], np.float32)[:, None] + 0.1  # scales far apart
    x[3, :, 1] = 2.5  # a constant channel
    out = keras.ops.convert_to_numpy(models.PerSeriesStandardization()(x))
    assert out.shape == (4, 30, 4)
    np.testing.assert_array_equal(out[..., :2], x)  # the input, unchanged
    shape = out[..., 2:]
    np.testing.assert_allclose(shape[:3].mean(axis=1), 0, atol=1e-3)
    np.testing.assert_allclose(shape[:3].std(axis=1), 1, atol=1e-3)  # every scale reaches the encoder at 1
    np.testing.assert_array_equal(shape[3, :, 1], 0)  # constant: 0, not NaN
    reference = (x[:3] - x[:3].mean(axis=1, keepdims=True)) / x[:3].std(axis=1, keepdims=True)
    np.testing.assert_allclose(shape[:3], reference, rtol=1e-3, atol=1e-3)


def test_an_encoder_behind_per_series_channels_takes_the_series_channels_and_round_trips(tmp_path):
    encoder = models.with_per_series_channels(models.build_encoder("fcn", (29, 6)))
    assert encoder.input_shape == (None, 29, 3)
    model = models.embedding_model(encoder, dim=8)
    x = np.random.default_rng(4).normal(size=(5, 29, 3)).astype(np.float32)
    _assert_round_trips(model, x, tmp_path / "per_series.keras")
    clf = models.classifier_model(encoder, 3)
    assert clf(x).shape == (5, 3) and clf.get_layer(encoder.name) is encoder
    with pytest.raises(ValueError, match="even channel count"):
        models.with_per_series_channels(models.build_encoder("fcn", (29, 3)))
