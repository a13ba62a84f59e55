"""Tests for tslearnkit.augment.transforms and .chain: the NumPy augmentations and chains."""

import numpy as np
import pytest
from augment_helpers import (
    ZERO_STRENGTH,
    smooth_series,
)
from scipy.interpolate import CubicSpline

from tslearnkit import augment
from tslearnkit.augment import transforms


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
        basis = transforms._spline_basis(timesteps, knots)
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
