"""tslearnkit.baselines: raw-series 1-NN (with DTW kept within a cost budget) and MiniRocket."""

import sys

import numpy as np
import pytest

from tslearnkit import baselines


def test_small_problems_get_full_dtw():
    plan = baselines.plan_dtw(370, 270, 29)
    assert plan.window is None and plan.n_queries == 370 and "full warping" in plan.describe()


@pytest.mark.parametrize("quick", [False, True])
@pytest.mark.parametrize(
    "n_query, n_ref, length", [(104, 208, 2000), (537, 537, 1344), (175, 36, 251), (100, 100, 1460)]
)
def test_dtw_cost_stays_within_the_budget(n_query, n_ref, length, quick):
    budget = baselines.DTW_CELLS / (50 if quick else 1)
    plan = baselines.plan_dtw(n_query, n_ref, length, quick=quick)
    band = 1.0 if plan.window is None else 2 * plan.window
    cells = plan.n_queries * n_ref * length**2 * band
    assert cells <= budget * 1.01 or plan.n_queries == 1
    assert plan.window is None or plan.window >= baselines.MIN_WINDOW
    if plan.n_queries < n_query:
        assert "subsample" in plan.describe()


def test_windowed_and_subsampled_dtw_scores_what_the_plan_says():
    rng = np.random.default_rng(0)
    x_train = rng.normal(size=(12, 40, 2)).astype(np.float32)
    y_train = np.repeat([0, 1, 2], 4)
    x_test = x_train + rng.normal(0, 0.05, size=x_train.shape).astype(np.float32)
    plan = baselines.DtwPlan(window=0.1, n_queries=6, n_queries_total=12)
    scores = baselines.nearest_neighbour_scores(x_train, y_train, x_test, y_train, distance="dtw", plan=plan)
    assert scores["knn_accuracy"] == 1.0  # each test series is a slightly noisy copy of a training one
    full = baselines.raw_distances(x_test[:3], x_train, distance="dtw")
    banded = baselines.raw_distances(x_test[:3], x_train, distance="dtw", window=0.1)
    assert np.all(banded >= full - 1e-9)  # a band can only make the best path costlier


def test_minirocket_classifies_separable_series():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 50)
    x = np.stack([np.sin(2 * np.pi * (1 + c) * t + rng.uniform(0, 6)) for c in np.repeat([0, 3], 10)])[..., None]
    y = np.repeat([0, 1], 10)
    scores = baselines.minirocket_scores(x[::2], y[::2], x[1::2], y[1::2], seed=0)
    assert scores["accuracy"] == 1.0 and scores["fit_seconds"] >= 0


def test_without_aeon_dtw_and_minirocket_say_how_to_install_it(monkeypatch):
    """aeon is the kit's `aeon` extra: the Euclidean baseline needs none of it."""
    for module in ("aeon", "aeon.distances", "aeon.classification.convolution_based"):
        monkeypatch.setitem(sys.modules, module, None)  # `import` of it fails as if not installed
    x = np.random.default_rng(0).normal(size=(6, 12, 2)).astype(np.float32)
    y = np.array([0, 0, 0, 1, 1, 1])
    assert baselines.nearest_neighbour_scores(x, y, x, y)["knn_accuracy"] == 1.0
    with pytest.raises(ImportError, match=r"the DTW baseline needs aeon.*pip install 'tslearnkit\[aeon\]'"):
        baselines.nearest_neighbour_scores(x, y, x, y, distance="dtw")
    with pytest.raises(ImportError, match=r"the MiniRocket baseline needs aeon.*tslearnkit\[aeon\]"):
        baselines.minirocket_scores(x, y, x, y)


def test_splits_of_other_shapes_are_named_not_a_numpy_error():
    """x_test cut to 20 steps against 32-step training series ended in NumPy's matmul 'core dimension' error."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 32, 2)), np.array([0, 1] * 3)
    shapes = r"\(timesteps, channels\) = \(20, 2\) but x_train has \(32, 2\); they need the same length"
    with pytest.raises(ValueError, match=r"x_test has " + shapes):
        baselines.nearest_neighbour_scores(x, y, x[:, :20], y)
    with pytest.raises(ValueError, match=r"distance must be 'euclidean' or 'dtw'; got 'cosine'"):
        baselines.nearest_neighbour_scores(x, y, x[:, :20], y, distance="cosine")
    with pytest.raises(ValueError, match=r"x_query has \(timesteps, channels\) = \(32, 1\).*the same channels \(DTW"):
        baselines.raw_distances(x[:, :, :1], x, distance="dtw")
    assert baselines.raw_distances(x[:, :20], x, distance="dtw").shape == (6, 6)  # DTW aligns lengths
    with pytest.raises(ValueError, match=r"x_test has \(timesteps, channels\) = \(20, 2\) but x_train has \(32, 2\)"):
        baselines.minirocket_scores(x, y, x[:, :20], y)


@pytest.mark.parametrize("window", ["a", float("nan"), -0.5, 1.5, True])
def test_a_bad_dtw_window_is_named(window):
    """A text window failed deep in numba's type inference, and NaN was taken as no band at all."""
    x = np.random.default_rng(0).normal(size=(4, 10, 1))
    with pytest.raises(ValueError, match=r"window must be None or a fraction of the length between 0 and 1; got "):
        baselines.raw_distances(x, x, distance="dtw", window=window)
    with pytest.raises(ValueError, match="window must be None or a fraction"):
        baselines.nearest_neighbour_scores(x, [0, 1] * 2, x, [0, 1] * 2, distance="dtw", window=window)


def test_a_window_with_euclidean_distance_is_refused_not_ignored():
    x = np.random.default_rng(0).normal(size=(4, 10, 1))
    with pytest.raises(ValueError, match=r"window=0.1 is a DTW warping band; distance='euclidean' has none"):
        baselines.raw_distances(x, x, window=0.1)
    assert baselines.raw_distances(x, x, distance="dtw", window=0.1).shape == (4, 4)
