"""Property-based checks (hypothesis): for random shapes, dtypes and values, the public data,
sampling, augmentation, loss, model and metric functions either return a finite, correct result
or raise the kit's ValueError — never a NaN, a deep NumPy/TensorFlow error, or a changed input."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tslearnkit import augment, data, losses, metrics, models, recipe, sampling, training

DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_, np.complex64])
SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.tuples(DTYPES, SHAPES).flatmap(lambda ds: hnp.arrays(ds[0], ds[1])))
def test_check_series_returns_finite_float32_or_says_why(x):
    before = x.copy()
    try:
        out = data.check_series(x)
    except ValueError as err:
        assert "x " in str(err) or str(err).startswith("x")
    else:
        assert out.dtype == np.float32 and out.ndim == 3 and np.isfinite(out).all() and out.shape[0] > 0
        np.testing.assert_allclose(out, x.astype(np.float64), rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(x, before)


@FAST
@given(
    hnp.arrays(
        st.sampled_from([np.int64, np.int8, np.float64, np.bool_]),
        hnp.array_shapes(max_dims=2, max_side=6),
    )
)
def test_check_labels_returns_non_negative_ints_or_says_why(y):
    before = y.copy()
    try:
        out = data.check_labels(y)
    except ValueError as err:
        assert str(err).startswith("y ")
    else:
        assert out.dtype == np.int64 and out.ndim == 1 and (out >= 0).all()
        assert out.max(initial=0) <= 10 * len(out) + 1000
    np.testing.assert_array_equal(y, before)


@FAST
@given(
    n=st.integers(2, 12),
    d=st.integers(1, 4),
    scale=st.sampled_from([1e-30, 1e-3, 1.0, 1e3, 1e20]),
    seed=st.integers(0, 2**16),
)
def test_retrieval_metrics_are_finite_scores_in_unit_interval(n, d, scale, seed):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, d))
    labels = np.arange(2 * n) % 3  # every label at least twice: no lone query, so no NaN by definition
    points = np.concatenate([base, base + rng.normal(0, 0.01, size=base.shape)])
    names = ["precision_at_1", "mean_average_precision_at_r", "NMI"]
    reference = metrics.retrieval_metrics(points.astype(np.float32), labels, include=names)
    scaled = metrics.retrieval_metrics((points * scale).astype(np.float32), labels, include=names)
    for name in names:
        assert np.isfinite(scaled[name]) and 0.0 <= scaled[name] <= 1.0
        assert scaled[name] == pytest.approx(reference[name], abs=1e-6), name  # scale-invariant


@FAST
@given(
    counts=st.lists(st.integers(1, 80), min_size=2, max_size=60), timesteps=st.integers(1, 3000), quick=st.booleans()
)
def test_any_label_distribution_gets_a_runnable_recipe(counts, timesteps, quick):
    y = np.repeat(np.arange(len(counts)), counts)
    r = recipe.make_recipe(y, timesteps, 3, quick=quick)
    assert 2 <= r.classes_per_batch <= len(counts)
    assert 2 <= r.samples_per_class and r.steps >= 1 and r.batch_size >= 8
    assert r.validation_fraction == 0.0 or min(counts) >= recipe.MIN_PER_CLASS_FOR_VALIDATION


@pytest.mark.parametrize("scale", [1e-20, 1.0, 1e20])
def test_standardize_is_finite_at_extreme_but_finite_scales(scale):
    x = (np.random.default_rng(0).normal(size=(5, 7, 3)) * scale).astype(np.float32)
    x_std, x_test_std, stats = data.standardize(x, x[:2])
    assert np.isfinite(x_std).all() and np.isfinite(x_test_std).all()


def _series(draw, dtype, scale, max_n=4, min_t=1, max_t=24, max_c=3):
    n = draw(st.integers(1, max_n))
    t = draw(st.integers(min_t, max_t))
    c = draw(st.integers(1, max_c))
    seed = draw(st.integers(0, 2**16))
    return (np.random.default_rng(seed).normal(size=(n, t, c)) * scale).astype(dtype)


@st.composite
def finite_series(draw, min_t=1):
    dtype = draw(st.sampled_from([np.float16, np.float32, np.float64]))
    scale = draw(st.sampled_from([1e-3, 1.0, 100.0] if dtype == np.float16 else [1e-20, 1e-3, 1.0, 1e3, 1e20]))
    return _series(draw, dtype, scale, min_t=min_t)


@FAST
@given(x=finite_series(), name=st.sampled_from(sorted(augment.AUGMENTATIONS)), seed=st.integers(0, 2**32 - 1))
def test_every_augmentation_keeps_shape_dtype_and_finiteness_or_says_why(x, name, seed):
    before = x.copy()
    try:
        out = augment.apply_augmentations(x, [(name, {})], seed=seed)
    except ValueError as err:
        assert "timesteps" in str(err) or "outside the range" in str(err), err
    else:
        assert out.shape == x.shape and out.dtype == x.dtype and np.isfinite(out).all()
        np.testing.assert_array_equal(out, augment.apply_augmentations(x, [(name, {})], seed=seed))
    np.testing.assert_array_equal(x, before)


@FAST
@given(
    counts=st.lists(st.integers(1, 12), min_size=1, max_size=8),
    p=st.integers(0, 9),
    k=st.integers(0, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_balanced_batches_hold_p_classes_of_k_and_cover_every_sample(counts, p, k, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    try:
        batches = sampling.balanced_batch_indices(y, p, k, seed=seed)
    except ValueError as err:
        assert "classes_per_batch" in str(err) or "samples_per_class" in str(err), err
        assert p < 2 or k < 2 or p > len(counts)
        return
    assert batches.shape == (sampling.steps_per_epoch(y, p, k), p * k)
    for batch in batches:
        classes, per_class = np.unique(y[batch], return_counts=True)
        assert len(classes) == p and (per_class == k).all()
    assert set(batches.ravel()) == set(range(len(y)))  # every series is seen each epoch


@FAST
@given(
    counts=st.lists(st.integers(1, 9), min_size=2, max_size=5),
    method=st.sampled_from(["random", "interpolate", "augment", "reference_walk"]),
    seed=st.integers(0, 2**16),
)
def test_oversampling_balances_classes_and_keeps_every_real_series(counts, method, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    x = np.random.default_rng(seed).normal(size=(len(y), 16, 2)).astype(np.float32)
    before = x.copy()
    if method == "interpolate" and min(counts) < 2 and min(counts) < max(counts):
        with pytest.raises(ValueError, match=r"needs at least 2 training series in class \d+ to interpolate"):
            augment.oversample(x, y, method=method, seed=seed)
        return
    out = augment.oversample(x, y, method=method, seed=seed)
    np.testing.assert_array_equal(out.x[: len(y)], x)
    np.testing.assert_array_equal(out.y[: len(y)], y)
    assert (np.bincount(out.y) == max(counts)).all()
    assert np.isfinite(out.x).all() and out.x.dtype == x.dtype
    np.testing.assert_array_equal(x, before)


TRIPLET_LOSSES = [losses.triplet_hard_loss, losses.triplet_semihard_loss, losses.triplet_batch_all_loss]


@st.composite
def labelled_embeddings(draw):
    b = draw(st.integers(2, 16))
    d = draw(st.integers(1, 8))
    dtype = draw(st.sampled_from(["float32", "float16", "bfloat16"]))
    scale = draw(st.sampled_from([1e-20, 1e-3, 1.0, 1e3, 1e20] if dtype == "float32" else [1e-3, 1.0, 10.0]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, draw(st.integers(1, 4)), size=b)
    return labels, tf.cast(rng.normal(size=(b, d)) * scale, dtype)


@FAST
@given(batch=labelled_embeddings(), which=st.integers(0, 3))
def test_losses_are_finite_and_non_negative_eagerly_and_compiled(batch, which):
    labels, embeddings = batch
    function = (TRIPLET_LOSSES + [losses.supcon_loss])[which]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "no positive pair" is a warning, not an error
        eager = function(labels, embeddings)
    compiled = tf.function(function)(labels, embeddings)
    assert keras.backend.standardize_dtype(eager.dtype) == keras.backend.standardize_dtype(embeddings.dtype)
    e64 = tf.cast(embeddings, "float64").numpy()
    largest_squared = float(((e64[:, None] - e64[None]) ** 2).sum(-1).max())
    for value in (float(eager), float(compiled)):
        assert not np.isnan(value) and value >= 0
        # inf only where the true value cannot be held: batch-all's squared distances past float32's range
        assert np.isfinite(value) or (which == 2 and largest_squared > np.finfo(np.float32).max)
    # margins below float32's resolution at the embeddings' scale may be rounded away in either order
    assert float(compiled) == pytest.approx(float(eager), rel=1e-2, abs=1e-3 + 1e-6 * np.sqrt(largest_squared))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(models.ENCODERS)),
    timesteps=st.integers(1, 40),
    channels=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_encoder_on_any_shape_embeds_finitely_or_says_why(name, timesteps, channels, seed):
    small = {"conv": {"filters": 4, "hidden_units": 8, "output_units": 8}, "inception": {"filters": 4, "depth": 3}}
    small.update(dict.fromkeys(["fcn", "resnet"], {"filters": (4, 4), "kernel_sizes": (3, 3)}))
    try:
        encoder = models.build_encoder(name, (timesteps, channels), **small[name])
    except ValueError as err:
        assert name == "conv" and timesteps < 8 and "length >= 8" in str(err)
        return
    x = np.random.default_rng(seed).normal(size=(3, timesteps, channels)).astype(np.float32)
    emb = training.embed(models.embedding_model(encoder, dim=5), x)
    assert emb.shape == (3, 5) and np.isfinite(emb).all()
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, rtol=1e-4)


@FAST
@given(
    lengths=st.lists(st.integers(1, 30), min_size=1, max_size=5),
    channels=st.integers(1, 3),
    how=st.sampled_from(["pad", "resample"]),
    seed=st.integers(0, 2**16),
)
def test_variable_length_series_become_one_finite_array_without_losing_values(lengths, channels, how, seed):
    rng = np.random.default_rng(seed)
    series = [rng.normal(size=(n, channels)).astype(np.float32) for n in lengths]
    copies = [s.copy() for s in series]
    out = data.pad_series(series) if how == "pad" else data.resample_series(series)
    assert out.shape == (len(lengths), max(lengths), channels) and np.isfinite(out).all()
    for s, row in zip(series, out):
        if how == "pad" or len(s) == max(lengths):  # padding keeps every value; resampling keeps the longest
            np.testing.assert_allclose(row[: len(s)], s, rtol=1e-6)
        np.testing.assert_allclose([row[0], row[-1]], [s[0], s[-1]], rtol=1e-5, atol=1e-6)  # ends are kept
    for s, c in zip(series, copies):
        np.testing.assert_array_equal(s, c)
