"""Tests for tslearnkit.augment.pipeline: tf_apply_augmentations and the makers, on tf.data and as NumPy
functions for the PyDataset pipeline."""

import numpy as np
import pytest
import tensorflow as tf
from augment_helpers import (
    ZERO_STRENGTH,
    smooth_series,
)

from tslearnkit import augment


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_tf_zero_strength_is_exact_identity(name):
    x = smooth_series(5, timesteps=40, channels=2)
    out = augment.tf_apply_augmentations(tf.constant(x), [(name, ZERO_STRENGTH[name])], seed=3)
    assert out.dtype == tf.float32 and out.shape == x.shape
    np.testing.assert_array_equal(out.numpy(), x)


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_tf_version_runs_the_numpy_function_on_the_stateless_seed(name):
    # One implementation: in TensorFlow with seed (a, b) it is <name> with default_rng((a, b)).
    x = smooth_series(4, timesteps=33, channels=2)
    seed = np.array([7, 2**40 + 3], np.int64)
    expected = getattr(augment, name)(x, seed=np.random.default_rng(seed.view(np.uint64)))
    actual = augment.tf_apply_augmentations(tf.constant(x), [name], seed=tf.constant(seed))
    np.testing.assert_array_equal(actual.numpy(), expected)
    in_graph = tf.function(lambda v: augment.tf_apply_augmentations(v, [name], seed=tf.constant(seed)))
    np.testing.assert_array_equal(in_graph(tf.constant(x)).numpy(), expected)


def test_tf_augmenter_runs_inside_dataset_map_with_fresh_randomness_per_epoch():
    x = smooth_series(10, timesteps=32, channels=3)
    y = np.arange(10)
    chain = ["time_warp", "window_warp", ("jitter", {"sigma": 0.05}), "magnitude_warp"]

    def epochs(seed, n_epochs):
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)  # last batch has 2
        dataset = dataset.map(augment.make_tf_augmenter(chain, seed=seed))
        return [[(xb.numpy(), yb.numpy()) for xb, yb in dataset] for _ in range(n_epochs)]

    first, second = epochs(seed=5, n_epochs=2)
    assert [xb.shape for xb, _ in first] == [(4, 32, 3), (4, 32, 3), (2, 32, 3)]
    assert all(xb.dtype == np.float32 for xb, _ in first)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in first]), y)  # labels untouched
    augmented = np.concatenate([xb for xb, _ in first])
    assert not np.allclose(augmented, x)
    assert not np.allclose(augmented, np.concatenate([xb for xb, _ in second]))  # new epoch
    (replayed,) = epochs(seed=5, n_epochs=1)
    np.testing.assert_array_equal(augmented, np.concatenate([xb for xb, _ in replayed]))


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_each_tf_augmentation_maps_over_single_series_and_batches(name):
    x = smooth_series(6, timesteps=24, channels=2)

    def tf_fn(values):
        return augment.tf_apply_augmentations(values, [name])

    per_series = tf.data.Dataset.from_tensor_slices(x).map(lambda s: tf_fn(s))
    batched = tf.data.Dataset.from_tensor_slices(x).batch(4).map(lambda b: tf_fn(b))
    singles = np.stack([s.numpy() for s in per_series])
    batches = np.concatenate([b.numpy() for b in batched])
    for out in (singles, batches):
        assert out.shape == x.shape and out.dtype == np.float32 and np.isfinite(out).all()
        assert not np.allclose(out, x)


def test_tf_two_views_works_as_fit_contrastives_views_function():
    x = smooth_series(8, timesteps=24, channels=2)
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(4).map(augment.make_tf_two_views(seed=0))
    for view_a, view_b in dataset:
        assert view_a.shape == view_b.shape == (4, 24, 2) and view_a.dtype == tf.float32
        assert not np.allclose(view_a.numpy(), view_b.numpy())
    pairs = tf.data.Dataset.from_tensor_slices((x, np.zeros(8))).batch(4)
    (first, second), labels = next(iter(pairs.map(augment.make_tf_two_views(seed=1))))
    assert first.shape == (4, 24, 2) and labels.shape == (4,)
    assert not np.allclose(first.numpy(), second.numpy())


def test_tf_stateless_seed_is_deterministic_and_float64_is_kept():
    x = tf.constant(smooth_series(3, timesteps=20, channels=2), tf.float64)
    seed = tf.constant([4, 2], tf.int64)
    chain = augment.CONTRASTIVE_AUGMENTATIONS
    a = augment.tf_apply_augmentations(x, chain, seed=seed)
    np.testing.assert_array_equal(a.numpy(), augment.tf_apply_augmentations(x, chain, seed=seed).numpy())
    assert a.dtype == tf.float64
    assert not np.allclose(a.numpy(), augment.tf_apply_augmentations(x, chain, seed=[4, 3]).numpy())


def test_tf_draws_within_a_chain_are_independent():
    zeros = tf.zeros((40, 100, 2))
    twice = augment.tf_apply_augmentations(zeros, ["jitter", "jitter"], seed=0)
    # independent N(0, 0.03²) draws add to sd 0.03 * sqrt(2); a reused draw would give 0.06
    assert float(tf.math.reduce_std(twice)) == pytest.approx(0.03 * np.sqrt(2), rel=0.03)


# --------------------------------------------------------------------------- the PyDataset pipeline
@pytest.fixture
def numpy_pipeline(monkeypatch):
    """The makers as JAX and PyTorch get them: NumPy functions for a keras.utils.PyDataset."""
    from tslearnkit import sampling

    monkeypatch.setattr(sampling, "batch_pipeline", lambda: "PyDataset")


def test_numpy_augmenter_is_the_numpy_chain_seeded_per_call(numpy_pipeline):
    x = smooth_series(6, timesteps=30, channels=2)
    y = np.arange(6)
    chain = ["time_warp", ("jitter", {"sigma": 0.05})]
    augmenter = augment.make_tf_augmenter(chain, seed=3)
    first, (second, labels) = augmenter(x), augmenter(x, y)
    assert isinstance(first, np.ndarray) and first.dtype == np.float32 and first.shape == x.shape
    np.testing.assert_array_equal(labels, y)
    # Call n draws from [seed, n]: the NumPy chain itself, fresh at every batch.
    np.testing.assert_array_equal(first, augment.apply_augmentations(x, chain, seed=np.array([3, 0], np.uint64)))
    np.testing.assert_array_equal(second, augment.apply_augmentations(x, chain, seed=np.array([3, 1], np.uint64)))
    assert not np.allclose(first, second)
    replay = augment.make_tf_augmenter(chain, seed=3)
    np.testing.assert_array_equal(replay(x), first)
    one = augment.make_tf_augmenter(chain, seed=3)(x[:1])[0]
    np.testing.assert_array_equal(augment.make_tf_augmenter(chain, seed=3)(x[0]), one)  # one series (t, c)
    with pytest.raises(ValueError, match="sigma"):
        augment.make_tf_augmenter([("jitter", {"sigma": -1.0})], seed=0)


def test_numpy_views_and_stacked_views_for_contrastive_batches(numpy_pipeline):
    x = smooth_series(4, timesteps=24, channels=2)
    view_a, view_b = augment.make_tf_two_views(seed=0)(x)
    assert view_a.shape == view_b.shape == x.shape and not np.allclose(view_a, view_b)
    stacked_x, stacked_y = augment.make_tf_stacked_views(seed=0)(x, np.arange(4))
    assert stacked_x.shape == (8, 24, 2)
    np.testing.assert_array_equal(stacked_y, [0, 1, 2, 3, 0, 1, 2, 3])
    np.testing.assert_array_equal(stacked_x, np.concatenate([view_a, view_b]))  # same seed, same views


@pytest.mark.parametrize("pipeline", ["tf.data", "PyDataset"])
def test_at_series_scale_jitters_each_series_by_its_own_spread(monkeypatch, pipeline):
    from tslearnkit import sampling

    monkeypatch.setattr(sampling, "batch_pipeline", lambda: pipeline)
    x = smooth_series(3, timesteps=200, channels=1)
    x = (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)
    x = x * np.array([1e-3, 1.0, 30.0], np.float32)[:, None, None] - 0.09  # three spreads, one level
    jitter = augment.make_tf_augmenter([("jitter", {"sigma": 0.1})], seed=0)
    wrapped = augment.at_series_scale(jitter)
    out, labels = wrapped(x if pipeline == "PyDataset" else tf.constant(x), np.arange(3))
    out = np.asarray(out)
    np.testing.assert_array_equal(np.asarray(labels), np.arange(3))
    noise = (out - x).std(axis=1)[:, 0] / x.std(axis=1)[:, 0]
    np.testing.assert_allclose(noise, 0.1, rtol=0.25)  # 10 % of each series' own spread
    plain = np.asarray(jitter(x if pipeline == "PyDataset" else tf.constant(x)))
    assert (plain - x).std(axis=1)[0, 0] / x.std(axis=1)[0, 0] > 50  # the dataset's scale drowns the flat one
    view_a, view_b = augment.at_series_scale(augment.make_tf_two_views(seed=0))(
        x if pipeline == "PyDataset" else tf.constant(x)
    )
    assert np.asarray(view_a).shape == np.asarray(view_b).shape == x.shape
    with pytest.raises(
        ValueError, match=r"at_series_scale takes a batch \(n, timesteps, channels\); got shape \(200, 1\)"
    ):
        wrapped(x[0] if pipeline == "PyDataset" else tf.constant(x[0]))
    shift = np.abs(np.asarray(view_a).mean(axis=1) - x.mean(axis=1))
    assert np.all(shift < 3 * x.std(axis=1)), shift  # each view put back at its series' level and scale
