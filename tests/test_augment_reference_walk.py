"""Tests for tslearnkit.augment.reference_walk against a per-point loop."""

import importlib

import numpy as np
import pytest
from augment_helpers import (
    smooth_series,
)

from tslearnkit import augment

walk = importlib.import_module("tslearnkit.augment.reference_walk")  # the module (augment.reference_walk: the function)


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
    time_noise, value_noise = walk._draw_reference_walk_noise(rng, 3, 25, 2)
    time_noise[0, :3] = [-4.0, 9.0, 0.0]  # force reflections at both ends
    time_noise[0, -2:] = [5.0, 7.0]
    params = dict(time_sd=3.3, radius=0.01, smooth_window=3)
    expected = reference_walk_loop(references, time_noise, value_noise, 3.3, 0.01, 3)
    actual = walk._reference_walk_from_noise(references, time_noise, value_noise, **params)
    # identical arithmetic except the running sum, evaluated in closed form (telescoped)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-13)


def test_reference_walk_value_noise_is_uniform_on_minus_one_to_one():
    ends = walk._uniform_from_uint16(np.array([0, 32767, 32768, 65535], np.uint16))
    np.testing.assert_array_equal(ends, [-1 + 2**-16, -(2**-16), 2**-16, 1 - 2**-16])
    _, noise = walk._draw_reference_walk_noise(np.random.default_rng(0), 50, 100, 4)
    uniform = walk._uniform_from_uint16(noise)
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
    np.testing.assert_array_equal(walk._reflect_time_index(index, 10), [3, 1, 0, 5, 9, 8, 6])
