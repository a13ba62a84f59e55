"""tslearnkit.augment: augmentations (NumPy, TensorFlow, tf.data), oversampling provenance,
training-split-only pipelines and long-tailed splits."""

import numpy as np
import pytest
import tensorflow as tf
from scipy.interpolate import CubicSpline

from tslearnkit import augment
from tslearnkit.data import TimeSeriesDataset

ZERO_STRENGTH = {
    "jitter": {"sigma": 0.0},
    "scaling": {"sigma": 0.0},
    "magnitude_warp": {"sigma": 0.0},
    "time_warp": {"sigma": 0.0},
    "window_slice": {"cut_fraction": 0.0},
    "window_warp": {"window_fraction": 0.0},
    "random_crop": {"max_cut": 0.0},
}
TRAIN_COUNTS = [12, 7, 4, 2]  # long-tailed, like the study's 1113 : 1029 : 666 : 189


def smooth_series(n, timesteps=96, channels=3, seed=0, offset=0.0):
    """Distinct smooth series: per series and channel, a sum of 3 slow random sinusoids."""
    rng = np.random.default_rng(seed)
    t = np.arange(timesteps)[None, :, None, None] / timesteps
    freq = rng.uniform(0.5, 2.0, (n, 1, channels, 3))
    phase = rng.uniform(0, 2 * np.pi, (n, 1, channels, 3))
    amp = rng.uniform(0.5, 1.5, (n, 1, channels, 3))
    return (offset + (amp * np.sin(2 * np.pi * freq * t + phase)).sum(-1)).astype(np.float32)


def training_set(seed=0):
    y = np.repeat(np.arange(len(TRAIN_COUNTS)), TRAIN_COUNTS).astype(np.int64)
    return smooth_series(len(y), seed=seed), y


def pairwise_distances(a, b):
    a, b = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


# --------------------------------------------------------------------------- augmentations
@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_augmentation_keeps_shape_and_dtype(name, dtype):
    x = smooth_series(5, timesteps=40, channels=2).astype(dtype)
    out = getattr(augment, name)(x, seed=0)
    assert out.shape == x.shape and out.dtype == dtype
    assert np.isfinite(out).all()


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_zero_strength_is_exact_identity(name):
    x = smooth_series(5, timesteps=40, channels=2)
    out = getattr(augment, name)(x, **ZERO_STRENGTH[name], seed=3)
    assert out is not x
    np.testing.assert_array_equal(out, x)


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_tf_zero_strength_is_exact_identity(name):
    x = smooth_series(5, timesteps=40, channels=2)
    out = getattr(augment, f"tf_{name}")(tf.constant(x), **ZERO_STRENGTH[name], seed=3)
    assert out.dtype == tf.float32 and out.shape == x.shape
    np.testing.assert_array_equal(out.numpy(), x)


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_default_strength_changes_every_series(name):
    x = smooth_series(6, timesteps=40, channels=2)
    out = getattr(augment, name)(x, seed=0)
    changed = np.abs(out - x).max(axis=(1, 2)) > 1e-4
    assert changed.all(), f"{name} left series {np.flatnonzero(~changed)} unchanged"


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_seeded_determinism(name):
    x = smooth_series(4, timesteps=30, channels=2)
    f = getattr(augment, name)
    np.testing.assert_array_equal(f(x, seed=7), f(x, seed=7))
    np.testing.assert_array_equal(f(x, seed=7), f(x, seed=np.random.default_rng(7)))
    assert not np.allclose(f(x, seed=7), f(x, seed=8))


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_augmentation_does_not_modify_input(name):
    x = smooth_series(4, timesteps=30, channels=2)
    before = x.copy()
    getattr(augment, name)(x, seed=0)
    augment.apply_augmentations(x, [name], seed=0)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("name", augment.AUGMENTATIONS)
def test_tf_version_runs_the_numpy_function_on_the_stateless_seed(name):
    # One implementation: tf_<name> with seed (a, b) is <name> with default_rng((a, b)).
    x = smooth_series(4, timesteps=33, channels=2)
    seed = np.array([7, 2**40 + 3], np.int64)
    expected = getattr(augment, name)(x, seed=np.random.default_rng(seed.view(np.uint64)))
    actual = getattr(augment, f"tf_{name}")(tf.constant(x), seed=tf.constant(seed))
    np.testing.assert_array_equal(actual.numpy(), expected)
    in_graph = tf.function(lambda v: getattr(augment, f"tf_{name}")(v, seed=tf.constant(seed)))
    np.testing.assert_array_equal(in_graph(tf.constant(x)).numpy(), expected)


def ramp(n=8, timesteps=51):
    """x[i, t, 0] = t: a time-axis augmentation's output *is* the positions it read."""
    return np.tile(np.arange(timesteps, dtype=np.float64)[None, :, None], (n, 1, 1))


def test_window_slice_reads_a_fixed_length_window_at_constant_speed():
    out = augment.window_slice(ramp(), cut_fraction=0.2, seed=0)[..., 0]
    np.testing.assert_allclose(np.diff(out, axis=1), 0.8, atol=1e-9)
    assert (out[:, 0] >= 0).all() and (out[:, 0] <= 0.2 * 50 + 1e-9).all()
    assert np.ptp(out[:, 0]) > 1.0  # the start is random


def test_random_crop_keeps_between_one_minus_max_cut_and_all_of_the_series():
    out = augment.random_crop(ramp(n=100), max_cut=0.3, seed=0)[..., 0]
    slope = np.diff(out, axis=1)  # the kept fraction of the series, uniform in [0.7, 1]
    np.testing.assert_allclose(slope - slope[:, :1], 0.0, atol=1e-9)  # linear: one crop each
    kept = slope[:, 0]
    assert kept.min() >= 0.7 - 1e-9 and kept.max() <= 1.0 + 1e-9
    assert kept.min() < 0.73 and kept.max() > 0.97  # the whole range is used
    assert (out[:, 0] >= 0).all() and (out[:, -1] <= 50 + 1e-9).all()


@pytest.mark.parametrize("name", ["time_warp", "window_warp"])
def test_time_warps_are_monotone_and_keep_both_ends(name):
    params = {"sigma": 0.5} if name == "time_warp" else {"window_fraction": 0.3}
    out = getattr(augment, name)(ramp(), **params, seed=0)[..., 0]
    assert (np.diff(out, axis=1) >= -1e-9).all()
    np.testing.assert_allclose(out[:, 0], 0.0, atol=1e-9)
    np.testing.assert_allclose(out[:, -1], 50.0, atol=1e-9)
    assert np.abs(out - np.arange(51)).max() > 1.0


def test_window_warp_changes_speed_by_a_chosen_scale_inside_the_window():
    # Window of 0.4 * 50 = 20 steps stretched by s, series resampled from 50 + (s - 1) * 20 to
    # 50 steps: the read speed is c = (50 + (s - 1) * 20) / 50 outside and c / s inside.
    out = augment.window_warp(ramp(n=20), window_fraction=0.4, scales=(0.5, 2.0), seed=1)[..., 0]
    slope = np.diff(out, axis=1)
    fast, slow = slope.max(axis=1), slope.min(axis=1)
    np.testing.assert_allclose(fast / slow, 2.0, rtol=1e-9)
    stretched = np.isclose(fast, 1.4)  # s = 2: outside speed 1.4, window read at 0.7
    squeezed = np.isclose(slow, 0.8)  # s = 0.5: outside speed 0.8, window read at 1.6
    assert (stretched ^ squeezed).all() and stretched.any() and squeezed.any()


def test_scaling_multiplies_each_series_channel_by_one_gain():
    x = smooth_series(5, timesteps=30, channels=3, offset=3.0)  # no zeros to divide by
    gains = augment.scaling(x, sigma=0.2, seed=0) / x
    np.testing.assert_allclose(gains / gains[:, :1, :], 1.0, rtol=1e-5)
    assert np.ptp(gains[:, 0, :]) > 0.01


def test_jitter_adds_noise_of_the_requested_scale():
    x = np.zeros((50, 200, 4), np.float64)
    noise = augment.jitter(x, sigma=0.1, seed=0)
    assert noise.std() == pytest.approx(0.1, rel=0.02)
    assert abs(noise.mean()) < 0.005


def test_spline_basis_is_scipys_natural_cubic_spline():
    rng = np.random.default_rng(0)
    for timesteps, knots in [(40, 4), (7, 0), (101, 6)]:
        values = rng.normal(1.0, 0.3, knots + 2)
        knot_positions = np.linspace(0, timesteps - 1, knots + 2)
        if knots == 0:  # two knots: the natural spline is the straight line
            expected = np.interp(np.arange(timesteps), knot_positions, values)
        else:
            expected = CubicSpline(knot_positions, values, bc_type="natural")(np.arange(timesteps))
        basis = augment._spline_basis(timesteps, knots)
        np.testing.assert_allclose(basis @ values, expected, atol=1e-12)


def test_magnitude_warp_multiplies_by_a_smooth_curve_per_channel():
    curve = augment.magnitude_warp(np.ones((3, 60, 2)), sigma=0.3, knots=4, seed=0)
    assert np.abs(np.diff(curve, axis=1)).max() < 0.1  # smooth: no step jumps
    assert np.abs(curve[:, :, 0] - curve[:, :, 1]).max() > 0.01  # channels get their own curve


def test_two_views_are_independent_and_reproducible():
    x = smooth_series(6, timesteps=40, channels=2)
    view_a, view_b = augment.two_views(x, seed=0)
    assert view_a.shape == view_b.shape == x.shape and view_a.dtype == np.float32
    assert not np.allclose(view_a, view_b) and not np.allclose(view_a, x)
    again_a, again_b = augment.two_views(x, seed=0)
    np.testing.assert_array_equal(view_a, again_a)
    np.testing.assert_array_equal(view_b, again_b)
    one_view = augment.random_augment(x, seed=1)
    np.testing.assert_array_equal(one_view, augment.random_augment(x, seed=1))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda x: augment.jitter(x[0], seed=0), "3-D"),
        (lambda x: augment.jitter(x.astype(np.int32), seed=0), "floating"),
        (lambda x: augment.jitter(x, sigma=-0.1), "sigma must be >= 0"),
        (lambda x: augment.window_slice(x, cut_fraction=1.0), "cut_fraction must be < 1"),
        (lambda x: augment.window_warp(x, scales=()), "scales"),
        (lambda x: augment.magnitude_warp(x, knots=-1), "knots"),
        (lambda x: augment.apply_augmentations(x, ["shuffle"]), "allowed: jitter, scaling"),
        (lambda x: augment.apply_augmentations(x, [("jitter", {"sd": 1})]), "takes sigma"),
        (lambda x: augment.time_warp(x[:, :1]), "at least 2 timesteps"),
    ],
)
def test_bad_augmentation_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call(smooth_series(3, timesteps=20, channels=2))


# --------------------------------------------------------------------------- TensorFlow / tf.data
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
    tf_fn = getattr(augment, f"tf_{name}")
    per_series = tf.data.Dataset.from_tensor_slices(x).map(lambda s: tf_fn(s))
    batched = tf.data.Dataset.from_tensor_slices(x).batch(4).map(lambda b: tf_fn(b))
    singles = np.stack([s.numpy() for s in per_series])
    batches = np.concatenate([b.numpy() for b in batched])
    for out in (singles, batches):
        assert out.shape == x.shape and out.dtype == np.float32 and np.isfinite(out).all()
        assert not np.allclose(out, x)


def test_tf_two_views_works_as_fit_contrastives_views_function():
    x = smooth_series(8, timesteps=24, channels=2)
    tf.random.set_seed(0)
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(4).map(augment.tf_two_views)
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
    a = augment.tf_random_augment(x, seed=seed)
    np.testing.assert_array_equal(a.numpy(), augment.tf_random_augment(x, seed=seed).numpy())
    assert a.dtype == tf.float64
    assert not np.allclose(a.numpy(), augment.tf_random_augment(x, seed=[4, 3]).numpy())


def test_tf_draws_within_a_chain_are_independent():
    zeros = tf.zeros((40, 100, 2))
    twice = augment.tf_apply_augmentations(zeros, ["jitter", "jitter"], seed=0)
    # independent N(0, 0.03²) draws add to sd 0.03 * sqrt(2); a reused draw would give 0.06
    assert float(tf.math.reduce_std(twice)) == pytest.approx(0.03 * np.sqrt(2), rel=0.03)


# --------------------------------------------------------------------------- reference walk
def reference_walk_loop(references, time_noise, value_noise, time_sd, radius, window):
    """Brute-force, per-point reading of the study's description (see reference_walk)."""
    n, timesteps, channels = references.shape
    out = np.empty(references.shape, references.dtype)
    for i in range(n):
        for c in range(channels):
            walk, previous = [float(references[i, 0, c])], None
            for t in range(timesteps):
                k = round(t + time_sd * float(time_noise[i, t]))
                while k < 0 or k > timesteps - 1:
                    k = -k if k < 0 else 2 * (timesteps - 1) - k
                u = (2.0 * int(value_noise[i, t, c]) + 1.0 - 65536.0) / 65536.0  # U(-1, 1)
                value = float(references[i, k, c]) * (1.0 + radius * u)
                if t > 0:
                    walk.append(walk[-1] + (value - previous))
                previous = value
            smoothed = [sum(walk[t : t + window]) / window for t in range(timesteps - window + 1)]
            out[i, :, c] = smoothed + [smoothed[-1]] * (window - 1)
    return out


def test_vectorised_reference_walk_equals_per_point_loop_on_the_same_draws():
    rng = np.random.default_rng(0)
    references = smooth_series(3, timesteps=25, channels=2).astype(np.float64)
    time_noise, value_noise = augment._draw_reference_walk_noise(rng, 3, 25, 2)
    time_noise[0, :3] = [-4.0, 9.0, 0.0]  # force reflections at both ends
    time_noise[0, -2:] = [5.0, 7.0]
    params = dict(time_sd=3.3, radius=0.01, smooth_window=3)
    expected = reference_walk_loop(references, time_noise, value_noise, 3.3, 0.01, 3)
    actual = augment._reference_walk_from_noise(references, time_noise, value_noise, **params)
    # identical arithmetic except the running sum, evaluated in closed form (telescoped)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-13)


def test_reference_walk_value_noise_is_uniform_on_minus_one_to_one():
    ends = augment._uniform_from_uint16(np.array([0, 32767, 32768, 65535], np.uint16))
    np.testing.assert_array_equal(ends, [-1 + 2**-16, -(2**-16), 2**-16, 1 - 2**-16])
    _, noise = augment._draw_reference_walk_noise(np.random.default_rng(0), 50, 100, 4)
    uniform = augment._uniform_from_uint16(noise)
    assert abs(uniform.mean()) < 0.01 and uniform.std() == pytest.approx(1 / np.sqrt(3), rel=0.01)


def test_reference_walk_without_noise_is_the_smoothed_reference_padded_at_the_end():
    references = smooth_series(4, timesteps=30, channels=2).astype(np.float64)
    out = augment.reference_walk(references, seed=0, time_sd=0.0, radius=0.0, smooth_window=3)
    moving_average = (references[:, :-2] + references[:, 1:-1] + references[:, 2:]) / 3
    np.testing.assert_allclose(out[:, :28], moving_average, atol=1e-12)
    np.testing.assert_array_equal(out[:, 28], out[:, 27])
    np.testing.assert_array_equal(out[:, 29], out[:, 27])


def test_reflect_time_index_mirrors_at_both_ends():
    index = np.array([-3, -1, 0, 5, 9, 10, 12])
    np.testing.assert_array_equal(augment._reflect_time_index(index, 10), [3, 1, 0, 5, 9, 8, 6])


# --------------------------------------------------------------------------- oversample
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
        (lambda x: np.where(np.arange(25)[:, None, None] == 4, np.nan, x), None, {}, r"NaN.*\[4\]"),
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


# --------------------------------------------------------------------------- pipeline / imbalance
SENTINEL = 1.0e6


def sentinel_dataset():
    """Balanced train split; test series far outside the training range, each unique."""
    y_train = np.repeat(np.arange(4), 10)
    y_test = np.repeat(np.arange(4), 5)
    x_test = SENTINEL + np.arange(20, dtype=np.float32)[:, None, None] + smooth_series(20, seed=9)
    return TimeSeriesDataset(
        name="sentinel",
        x_train=smooth_series(40, seed=1),
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=("a", "b", "c", "d"),
    )


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


def test_make_imbalanced_accepts_counts_ratios_and_dicts():
    dataset = sentinel_dataset()
    by_counts = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=0)
    by_ratios = augment.make_imbalanced(dataset, [1.0, 0.75, 0.45, 0.25], seed=0)  # 0.25*10 -> 3
    by_dict = augment.make_imbalanced(dataset, {3: 2, 1: 0.5}, seed=0)
    assert np.bincount(by_counts.y_train).tolist() == [10, 8, 5, 2]
    assert np.bincount(by_ratios.y_train).tolist() == [10, 8, 5, 3]
    assert np.bincount(by_dict.y_train).tolist() == [10, 5, 10, 2]
    for subset in (by_counts, by_ratios, by_dict):
        assert subset.x_test is dataset.x_test and subset.y_test is dataset.y_test
        assert subset.class_names == dataset.class_names and subset.name == dataset.name
        # every kept row is an original training row with its label, in the original order
        rows = pairwise_distances(subset.x_train, dataset.x_train).argmin(axis=1)
        assert (np.diff(rows) > 0).all()
        np.testing.assert_array_equal(subset.x_train, dataset.x_train[rows])
        np.testing.assert_array_equal(subset.y_train, dataset.y_train[rows])
    again = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=0)
    other = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=1)
    np.testing.assert_array_equal(again.x_train, by_counts.x_train)
    assert not np.array_equal(other.x_train, by_counts.x_train)


@pytest.mark.parametrize(
    "counts, message",
    [
        ([10, 11, 5, 2], r"class 1 \('b'\): asked for 11 training series but only 10"),
        ([10, 8, 5, 1], r"class 3 \('d'\): 1 series requested, fewer than min_count=2"),
        ([10, 8, 1.5, 2], r"class 2 \('c'\).*\(0, 1\]"),
        ({4: 3}, r"unknown class\(es\) \[4\]"),
        ([10, 8, 5], "3 entries but the dataset has 4 classes"),
        ([10, True, 5, 2], r"class 1 \('b'\): expected an int count or a float ratio"),
    ],
)
def test_make_imbalanced_errors_name_the_class(counts, message):
    with pytest.raises(ValueError, match=message):
        augment.make_imbalanced(sentinel_dataset(), counts, seed=0)


def test_long_tail_ratios_follow_the_study_from_one_to_its_smallest_ratio():
    ratios = augment.long_tail_ratios(9)
    assert ratios[0] == 1.0 and ratios[-1] == pytest.approx(189 / 1113)
    assert all(a >= b for a, b in zip(ratios, ratios[1:]))
    assert augment.long_tail_ratios(1) == [1.0]
