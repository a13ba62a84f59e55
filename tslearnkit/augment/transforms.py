"""The seven augmentations, written once on NumPy (float64 arithmetic, a `np.random.Generator`).

Each `_name(x, rng, **params)` kernel maps a float64 ``(n, t, c)`` batch to a new one; the public
functions (``jitter`` ...) check their input, run the kernel and cast back to the input dtype.
Time-axis augmentations compute, for every output step, a real position on the input's time
axis and read the series there by linear interpolation (``_resample``), the same positions for
all channels so simultaneously recorded channels stay aligned. With zero strength every
augmentation returns its input exactly: noise is multiplied by 0.0 before it is added and time
positions reduce to the integers 0..t-1. The TensorFlow versions (``pipeline``) call these.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from ..checks import check_int, check_strength
from ._checks import _as_series, _check_finite, _check_scales, _rng

# Lowest relative speed time_warp allows, so warped time always moves forward.
_MIN_TIME_WARP_SPEED = 0.05


def _timesteps(x, augmentation: str) -> int:
    timesteps = x.shape[1]
    if timesteps < 2:
        raise ValueError(f"{augmentation} needs series of at least 2 timesteps; got {timesteps}")
    return timesteps


@functools.lru_cache(maxsize=64)
def _spline_basis(timesteps: int, knots: int) -> np.ndarray:
    """Natural cubic spline as a matrix: ``curve = basis @ knot_values``.

    The ``knots + 2`` knots sit evenly on ``0 .. timesteps - 1`` (both ends included, as in
    Um et al. 2017). A spline is linear in its knot values, so evaluating it at every time step
    is one ``(timesteps, knots + 2)`` matrix product, identical in NumPy and TensorFlow.

    Returns:
        Read-only float64 array ``(timesteps, knots + 2)``; each row sums to 1.
    """
    n_knots = knots + 2
    knot_positions = np.linspace(0.0, timesteps - 1.0, n_knots)
    spacing = knot_positions[1] - knot_positions[0]
    identity = np.eye(n_knots)
    # Second derivatives at the knots (zero at both ends: the "natural" boundary condition);
    # for equal spacing M[i-1] + 4 M[i] + M[i+1] = 6 / h² (y[i-1] - 2 y[i] + y[i+1]).
    second = np.zeros((n_knots, n_knots))
    if n_knots > 2:
        inner = n_knots - 2
        system = 4.0 * np.eye(inner) + np.eye(inner, k=1) + np.eye(inner, k=-1)
        rhs = 6.0 / spacing**2 * (identity[:-2] - 2.0 * identity[1:-1] + identity[2:])
        second[1:-1] = np.linalg.solve(system, rhs)
    steps = np.arange(timesteps, dtype=np.float64)
    segment = np.clip(np.floor(steps / spacing).astype(int), 0, n_knots - 2)
    a = (knot_positions[segment + 1] - steps) / spacing
    b = 1.0 - a
    basis = (
        a[:, None] * identity[segment]
        + b[:, None] * identity[segment + 1]
        + ((a**3 - a)[:, None] * second[segment] + (b**3 - b)[:, None] * second[segment + 1]) * spacing**2 / 6.0
    )
    basis.setflags(write=False)
    return basis


def _resample(x, positions):
    """Read every series at real-valued time positions by linear interpolation.

    Args:
        x: ``(n, t, c)`` float64 series.
        positions: ``(n, t)`` positions on the input time axis, in steps (clipped to
            ``[0, t - 1]``).

    Returns:
        ``(n, t, c)``: ``(1 - f) * x[i0] + f * x[i0 + 1]`` with ``i0 = floor(position)`` and
        ``f`` the fractional part. At an integer position this is exactly ``x[position]``.
    """
    timesteps = x.shape[1]
    positions = np.clip(positions, 0.0, timesteps - 1.0)
    left = np.clip(np.floor(positions), 0.0, timesteps - 2.0).astype(np.intp)
    fraction = (positions - left)[:, :, None]
    gather = functools.partial(np.take_along_axis, x, axis=1)
    return (1.0 - fraction) * gather(left[:, :, None]) + fraction * gather(left[:, :, None] + 1)


def _time_grid(timesteps: int):
    """``[[0, 1, ..., timesteps - 1]]`` as a ``(1, timesteps)`` float64 row."""
    return np.arange(timesteps, dtype=np.float64)[None, :]


def _jitter(x, rng, *, sigma):
    check_strength("sigma", sigma)
    return x + sigma * rng.standard_normal(x.shape)


def _scaling(x, rng, *, sigma):
    check_strength("sigma", sigma)
    n, _, channels = x.shape
    return x * (1.0 + sigma * rng.standard_normal((n, 1, channels)))


def _magnitude_warp(x, rng, *, sigma, knots):
    check_strength("sigma", sigma)
    check_int("knots", knots, low=0)
    n, _, channels = x.shape
    basis = _spline_basis(_timesteps(x, "magnitude_warp"), knots)
    knot_offsets = sigma * rng.standard_normal((n, knots + 2, channels))
    return x * (1.0 + np.einsum("tk,nkc->ntc", basis, knot_offsets))


def _time_warp(x, rng, *, sigma, knots):
    check_strength("sigma", sigma)
    check_int("knots", knots, low=0)
    n = x.shape[0]
    timesteps = _timesteps(x, "time_warp")
    basis = _spline_basis(timesteps, knots)
    speed = 1.0 + np.einsum("tk,nk->nt", basis, sigma * rng.standard_normal((n, knots + 2)))
    speed = np.maximum(speed, _MIN_TIME_WARP_SPEED)
    # Warped time advances by speed[t] from step t-1 to t: tau(t) = t + D(t) with
    # D(t) = sum_{j=1..t} (speed[j] - 1), rescaled so that tau(t-1) lands on the last step.
    first_step_mask = np.r_[0.0, np.ones(timesteps - 1)][None, :]
    extra = np.cumsum((speed - 1.0) * first_step_mask, axis=1)
    extra_end = extra[:, -1:]
    grid = _time_grid(timesteps)
    span = timesteps - 1.0
    positions = grid + (extra * span - grid * extra_end) / (span + extra_end)
    return _resample(x, positions)


def _window_slice(x, rng, *, cut_fraction):
    check_strength("cut_fraction", cut_fraction, high=1.0)
    timesteps = _timesteps(x, "window_slice")
    start = rng.random((x.shape[0], 1)) * (cut_fraction * (timesteps - 1.0))
    return _resample(x, start + _time_grid(timesteps) * (1.0 - cut_fraction))


def _window_warp(x, rng, *, window_fraction, scales):
    check_strength("window_fraction", window_fraction, high=1.0, high_inclusive=True)
    scales = _check_scales(scales)
    n = x.shape[0]
    timesteps = _timesteps(x, "window_warp")
    span = timesteps - 1.0
    width = window_fraction * span
    start = rng.random((n, 1)) * (span - width)
    choice = np.clip(np.floor(rng.random((n, 1)) * len(scales)), 0, len(scales) - 1)
    scale = np.take(np.asarray(scales, dtype=np.float64), choice.astype(np.intp))
    # On the warped axis the window [start, start + width] becomes [start, start + scale*width]
    # and the whole series is (span + (scale - 1) * width) long; map the output grid onto that
    # axis, then invert the piecewise-linear warp to get input positions.
    grid = _time_grid(timesteps)
    warped = grid + grid * ((scale - 1.0) * width / span)
    inside = start + (warped - start) / scale
    after = warped - (scale - 1.0) * width
    positions = np.where(warped <= start, warped, np.where(warped <= start + scale * width, inside, after))
    return _resample(x, positions)


def _random_crop(x, rng, *, max_cut):
    check_strength("max_cut", max_cut, high=1.0)
    n = x.shape[0]
    timesteps = _timesteps(x, "random_crop")
    keep = 1.0 - max_cut * rng.random((n, 1))
    start = rng.random((n, 1)) * ((1.0 - keep) * (timesteps - 1.0))
    return _resample(x, start + _time_grid(timesteps) * keep)


KERNELS = {
    "jitter": _jitter,
    "scaling": _scaling,
    "magnitude_warp": _magnitude_warp,
    "time_warp": _time_warp,
    "window_slice": _window_slice,
    "window_warp": _window_warp,
    "random_crop": _random_crop,
}
"""Augmentation name -> kernel ``(x_float64, rng, **params) -> x_float64``."""


def _run_chain(x, chain, seed) -> np.ndarray:
    """Check ``x``, apply ``[(kernel, params), ...]`` in order in float64, cast back once."""
    x = _as_series(x)
    rng = _rng(seed)
    out = x.astype(np.float64)
    for kernel, params in chain:
        out = kernel(out, rng, **params)
    with np.errstate(over="ignore"):
        out = out.astype(x.dtype, copy=False)
    # A finite input can leave the dtype's range (float16 tops out at 65504, float32 at 3.4e38).
    _check_finite(out, "the augmented x", f" outside the range of {x.dtype}; standardize the series first")
    return out


def jitter(x, sigma: float = 0.03, *, seed=None) -> np.ndarray:
    """Add i.i.d. Gaussian noise: ``x + N(0, sigma²)`` at every step and channel.

    Assumes the signal is observed with additive sensor noise and that the labels do not depend
    on fine detail at the noise scale. ``sigma`` is in the units of ``x``: on standardised
    series (unit variance per channel) 0.03–0.1 is mild.

    Args:
        x: float array ``(n, timesteps, channels)``.
        sigma: noise standard deviation (>= 0; 0 returns ``x`` exactly).
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_jitter, {"sigma": sigma})], seed)


def scaling(x, sigma: float = 0.1, *, seed=None) -> np.ndarray:
    """Multiply each channel of each series by one random gain ``s ~ N(1, sigma²)``.

    Assumes the class does not depend on the absolute amplitude of a channel (e.g. sensor gain
    or distance to the source varies between recordings). Channels get independent gains.

    Args:
        x: float array ``(n, timesteps, channels)``.
        sigma: standard deviation of the gain (>= 0; 0 returns ``x`` exactly).
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_scaling, {"sigma": sigma})], seed)


def magnitude_warp(x, sigma: float = 0.2, knots: int = 4, *, seed=None) -> np.ndarray:
    """Multiply by a smooth random curve: ``x * curve``, ``curve = spline(1 + N(0, sigma²))``.

    The curve is a natural cubic spline through ``knots + 2`` evenly spaced knots (both ends
    included) whose values are ``N(1, sigma²)``, drawn independently per series and channel
    (Um et al. 2017 use scipy's not-a-knot spline; the difference is immaterial). Assumes the
    amplitude may drift slowly within a recording without changing the class; events shorter
    than ``timesteps / (knots + 1)`` keep their shape.

    Args:
        x: float array ``(n, timesteps, channels)``, ``timesteps >= 2``.
        sigma: standard deviation of the knot values (>= 0; 0 returns ``x`` exactly).
        knots: number of interior knots (>= 0); more knots give a wigglier curve.
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_magnitude_warp, {"sigma": sigma, "knots": knots})], seed)


def time_warp(x, sigma: float = 0.2, knots: int = 4, *, seed=None) -> np.ndarray:
    """Smoothly speed up and slow down time, keeping the first and last steps in place.

    A random speed curve ``spline(1 + N(0, sigma²))`` (natural cubic spline through
    ``knots + 2`` knots, floored at 0.05 so time never runs backwards) is integrated into a
    monotone warped time axis, rescaled to end on the last step, and the series is read there
    by linear interpolation (Um et al. 2017). One warp per series, shared by all channels.
    Assumes the class is invariant to moderate, smooth changes of tempo.

    Args:
        x: float array ``(n, timesteps, channels)``, ``timesteps >= 2``.
        sigma: standard deviation of the speed at the knots (>= 0; 0 returns ``x`` exactly).
        knots: number of interior knots (>= 0).
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_time_warp, {"sigma": sigma, "knots": knots})], seed)


def window_slice(x, cut_fraction: float = 0.1, *, seed=None) -> np.ndarray:
    """Crop a window of fixed length at a random place and stretch it back to full length.

    Le Guennec et al. 2016 ("window slicing", their 90 % window is ``cut_fraction=0.1``). The
    window spans ``(1 - cut_fraction) * (timesteps - 1)`` steps starting uniformly in
    ``[0, cut_fraction * (timesteps - 1)]`` (real-valued: positions are interpolated). Assumes
    the class is visible in any large part of the series and survives a
    ``1 / (1 - cut_fraction)`` slow-down.

    Args:
        x: float array ``(n, timesteps, channels)``, ``timesteps >= 2``.
        cut_fraction: fraction of the length cut away, in ``[0, 1)`` (0 returns ``x`` exactly).
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_window_slice, {"cut_fraction": cut_fraction})], seed)


def window_warp(x, window_fraction: float = 0.1, scales: Sequence[float] = (0.5, 2.0), *, seed=None) -> np.ndarray:
    """Speed up or slow down one random window, then resample the series back to full length.

    Le Guennec et al. 2016: a window of ``window_fraction * (timesteps - 1)`` steps at a
    uniformly random place is stretched by a factor drawn uniformly from ``scales`` (2.0 =
    twice as long, 0.5 = twice as fast) and the whole warped series is linearly resampled to
    ``timesteps``. Assumes local changes of tempo do not change the class.

    Args:
        x: float array ``(n, timesteps, channels)``, ``timesteps >= 2``.
        window_fraction: window length as a fraction of the series, in ``[0, 1]``
            (0 returns ``x`` exactly).
        scales: positive stretch factors to choose from.
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_window_warp, {"window_fraction": window_fraction, "scales": scales})], seed)


def random_crop(x, max_cut: float = 0.2, *, seed=None) -> np.ndarray:
    """Crop a window of random length and position and stretch it back to full length.

    The view-making crop of contrastive learning (SimCLR's "random resized crop" in time):
    the kept fraction is uniform in ``[1 - max_cut, 1]``, the start uniform over the positions
    that fit. We resample rather than zero-pad: the encoder always sees a full-length series,
    with no artificial flat segment whose length would tell it how much was cut. Assumes the
    class is visible in most of the series and survives a small change of time scale.

    Args:
        x: float array ``(n, timesteps, channels)``, ``timesteps >= 2``.
        max_cut: largest fraction of the length cut away, in ``[0, 1)`` (0 returns ``x``).
        seed: int, ``np.random.Generator`` or ``None``.

    Returns:
        Array of the same shape and dtype.
    """
    return _run_chain(x, [(_random_crop, {"max_cut": max_cut})], seed)
