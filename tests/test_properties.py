"""Property-based checks (hypothesis): for random shapes, dtypes and values, the public data and
metric functions either return a finite, correct result or raise the kit's ValueError — never a
NaN, a deep NumPy error, or a changed input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tslearnkit import data, metrics, recipe

DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_, np.complex64])
SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)
VALUES = st.floats(allow_nan=True, allow_infinity=True, width=16)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    hnp.arrays(DTYPES, SHAPES, elements=st.none() | VALUES).filter(lambda a: a.dtype != object)
    if False
    else st.builds(lambda d, s: (d, s), DTYPES, SHAPES).flatmap(lambda ds: hnp.arrays(ds[0], ds[1]))
)
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
        elements=st.integers(-3, 2**40) if False else None,
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
