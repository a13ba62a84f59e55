"""Tests for tslearnkit.augment.oversample: targets, provenance, training-split-only pipelines."""

import numpy as np
import pytest
from augment_helpers import (
    pairwise_distances,
    sentinel_dataset,
    training_set,
)

from tslearnkit import augment

TARGETS = {
    "max": [12, 12, 12, 12],
    9: [12, 9, 9, 9],  # class 0 (12 > 9) is left as is, never dropped
    "dict": [12, 7, 10, 5],
}


@pytest.mark.parametrize("method", augment.OVERSAMPLE_METHODS)
@pytest.mark.parametrize("target_key", list(TARGETS))
def test_class_counts_reach_the_target(method, target_key):
    x, y = training_set()
    target = {2: 10, 3: 5} if target_key == "dict" else target_key
    result = augment.oversample(x, y, method=method, target=target, seed=0)
    assert np.bincount(result.y).tolist() == TARGETS[target_key]
    assert result.x.shape == (len(result.y), *x.shape[1:]) and result.x.dtype == x.dtype
    assert result.n_real == len(x) and result.n_synthetic == len(result.y) - len(x)
    assert result.method == method


@pytest.mark.parametrize("method", augment.OVERSAMPLE_METHODS)
def test_oversample_leaves_its_input_unchanged_and_puts_real_rows_first(method):
    x, y = training_set()
    x_before, y_before = x.copy(), y.copy()
    result = augment.oversample(x, y, method=method, seed=0)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(y, y_before)
    assert not np.shares_memory(result.x, x)
    np.testing.assert_array_equal(result.x[: len(x)], x)
    np.testing.assert_array_equal(result.y[: len(x)], y)
    np.testing.assert_array_equal(result.origin[: len(x)], np.arange(len(x)))
    assert not result.is_synthetic[: len(x)].any() and result.is_synthetic[len(x) :].all()


@pytest.mark.parametrize("method", augment.OVERSAMPLE_METHODS)
def test_oversample_is_deterministic_per_seed(method):
    x, y = training_set()
    a = augment.oversample(x, y, method=method, seed=3)
    b = augment.oversample(x, y, method=method, seed=3)
    c = augment.oversample(x, y, method=method, seed=4)
    for field in ("x", "y", "origin", "partner", "is_synthetic"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x, c.x)


@pytest.mark.parametrize("method", augment.OVERSAMPLE_METHODS)
def test_every_synthetic_row_traces_to_training_rows_of_its_own_class(method):
    x, y = training_set()
    result = augment.oversample(x, y, method=method, seed=1)
    synthetic = result.is_synthetic
    origin, partner = result.origin[synthetic], result.partner[synthetic]
    assert ((origin >= 0) & (origin < len(x))).all()
    np.testing.assert_array_equal(y[origin], result.y[synthetic])
    if method == "interpolate":
        assert ((partner >= 0) & (partner < len(x)) & (partner != origin)).all()
        np.testing.assert_array_equal(y[partner], result.y[synthetic])
    else:
        assert (partner == -1).all()
    assert (result.partner[~synthetic] == -1).all()


def test_random_rows_are_exact_copies_of_their_origin():
    x, y = training_set()
    result = augment.oversample(x, y, method="random", seed=0)
    np.testing.assert_array_equal(result.x, x[result.origin])


def test_interpolated_rows_lie_between_origin_and_one_of_its_k_nearest_same_class_neighbours():
    x, y = training_set()
    k = 3
    result = augment.oversample(x, y, method="interpolate", seed=0, k_neighbors=k)
    distances = pairwise_distances(x, x)
    for row in np.flatnonzero(result.is_synthetic):
        a, b = result.origin[row], result.partner[row]
        same_class = np.flatnonzero((y == y[a]) & (np.arange(len(y)) != a))
        kth = np.sort(distances[a, same_class])[min(k, len(same_class)) - 1]
        assert distances[a, b] <= kth + 1e-6, "partner is not among the k nearest"
        step, span = (result.x[row] - x[a]).ravel(), (x[b] - x[a]).ravel().astype(np.float64)
        weight = step @ span / (span @ span)
        assert -1e-6 <= weight <= 1 + 1e-6
        np.testing.assert_allclose(result.x[row], x[a] + weight * (x[b] - x[a]), atol=1e-5)


def test_augment_with_a_zero_strength_chain_copies_the_origin_exactly():
    x, y = training_set()
    chain = [(name, {"sigma": 0.0}) for name in ("jitter", "scaling", "magnitude_warp")]
    result = augment.oversample(x, y, method="augment", seed=0, augmentations=chain)
    np.testing.assert_array_equal(result.x, x[result.origin])


@pytest.mark.parametrize("method", ["augment", "reference_walk"])
def test_generated_rows_stay_closest_to_their_origin(method):
    x, y = training_set()
    result = augment.oversample(x, y, method=method, seed=0)
    synthetic, origin = result.x[result.is_synthetic], result.origin[result.is_synthetic]
    distances = pairwise_distances(synthetic, x)
    rows = np.arange(len(synthetic))
    own = distances[rows, origin].copy()
    distances[rows, origin] = np.inf
    # every generated row is clearly nearer its own parent than any other training series
    assert (own < 0.8 * distances.min(axis=1)).all()


def test_reference_walk_tracks_its_reference_up_to_a_constant_offset():
    # s[t] = r[0] - v(0) + v(t): once the per-channel offset is removed, what is left is the
    # time wobble (sd 3.3 steps), the ±1 % noise and the 3-step moving average
    x, y = training_set()
    result = augment.oversample(x, y, method="reference_walk", seed=0)
    walk = result.x[result.is_synthetic].astype(np.float64)
    reference = x[result.origin[result.is_synthetic]].astype(np.float64)
    residual = walk - reference
    residual -= residual.mean(axis=1, keepdims=True)
    spread = reference - reference.mean(axis=1, keepdims=True)
    relative = np.sqrt((residual**2).sum(axis=(1, 2)) / (spread**2).sum(axis=(1, 2)))
    assert relative.max() < 0.35


def test_interpolate_with_fewer_series_than_k_uses_the_others():
    x, y = training_set()
    result = augment.oversample(x, y, method="interpolate", target={3: 6}, seed=0, k_neighbors=5)
    members = set(np.flatnonzero(y == 3).tolist())
    pairs = zip(result.origin[result.is_synthetic], result.partner[result.is_synthetic])
    assert all({int(a), int(b)} == members for a, b in pairs)


@pytest.mark.parametrize(
    "x_change, y_change, kwargs, message",
    [
        (lambda x: x[:, :, 0], None, {}, "3-D"),
        (None, lambda y: y[:-1], {}, "25 series but y has 24 labels"),
        (None, None, {"method": "smote"}, "allowed: random, interpolate, augment, reference_walk"),
        (
            lambda x: np.where(np.arange(25)[:, None, None] == 4, np.nan, x),
            None,
            {},
            r"NaN or inf \(first at series 4, step 0",
        ),
        (None, None, {"target": 0}, "target must be >= 1"),
        (None, None, {"target": {7: 10}}, r"class\(es\) \[7\]"),
        (None, None, {"target": "min"}, "'max', an int or a dict"),
        (None, lambda y: y.astype(float), {}, "integer class labels"),
        (None, None, {"k_neighbors": 0}, "k_neighbors"),
    ],
)
def test_bad_oversample_input_raises_value_error(x_change, y_change, kwargs, message):
    x, y = training_set()
    x = x_change(x) if x_change else x
    y = y_change(y) if y_change else y
    with pytest.raises(ValueError, match=message):
        augment.oversample(x, y, **{"method": "random", "seed": 0, **kwargs})


def test_interpolate_refuses_a_single_series_class_only_when_it_needs_rows():
    x, y = training_set()
    x, y = x[:-1], y[:-1]  # class 3 now has one series
    with pytest.raises(ValueError, match="at least 2 training series in class 3"):
        augment.oversample(x, y, method="interpolate", seed=0)
    result = augment.oversample(x, y, method="interpolate", target={2: 8}, seed=0)
    assert np.bincount(result.y).tolist() == [12, 7, 8, 1]
    assert np.bincount(augment.oversample(x, y, method="random", seed=0).y).tolist() == [12] * 4


@pytest.mark.parametrize("method", augment.OVERSAMPLE_METHODS)
def test_pipeline_never_lets_test_series_reach_training(method):
    dataset = sentinel_dataset()
    x_test_before = dataset.x_test.copy()
    imbalanced = augment.make_imbalanced(dataset, [1.0, 0.7, 0.4, 0.2], seed=0)
    balanced, result = augment.oversample_dataset(imbalanced, method=method, seed=0)
    n_train = len(imbalanced.x_train)
    assert np.bincount(balanced.y_train).tolist() == [10, 10, 10, 10]
    assert np.abs(balanced.x_train).max() < 100.0, "a test-split value leaked into training"
    assert (result.origin < n_train).all() and (result.partner < n_train).all()
    assert balanced.x_test is imbalanced.x_test is dataset.x_test
    np.testing.assert_array_equal(balanced.x_test, x_test_before)
    np.testing.assert_array_equal(balanced.y_test, dataset.y_test)
