"""The study's synthetic-series generator, :func:`reference_walk`, vectorised over series.

The random numbers (``_draw_reference_walk_noise``) are drawn apart from the arithmetic
(``_reference_walk_from_noise``), so a per-point loop fed the same numbers can check it
(tests, bench/augment.py).
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_strength
from ._checks import _as_series, _rng

# reference_walk processes this many series at a time: intermediate arrays stay in cache and
# memory stays bounded.
_REFERENCE_WALK_CHUNK = 32


def _draw_reference_walk_noise(rng: np.random.Generator, n: int, timesteps: int, channels: int):
    """The random numbers one reference walk per series consumes.

    Returns:
        ``time_noise``: float64 ``(n, timesteps)``, standard normal, one per step (shared by
        the channels). ``value_noise``: uint16 ``(n, timesteps, channels)``, uniform on
        ``0 .. 65535``, four taken from each raw 64-bit output of the generator (about 8x
        faster than drawing floats); :func:`_uniform_from_uint16` maps them to
        ``U(-1, 1)`` with a resolution of 2**-15, far finer than the ±1 % perturbation needs.
    """
    time_noise = rng.standard_normal((n, timesteps))
    count = n * timesteps * channels
    raw = rng.bit_generator.random_raw((count + 3) // 4)
    value_noise = raw.view(np.uint16)[:count].reshape(n, timesteps, channels)
    return time_noise, value_noise


def _uniform_from_uint16(value_noise: np.ndarray) -> np.ndarray:
    """``(2k + 1) / 65536 - 1``: the midpoints of 65536 equal bins of (-1, 1), float64, exact."""
    uniform = value_noise.astype(np.float64)
    uniform *= 2.0
    uniform += 1.0 - 65536.0
    uniform *= 1.0 / 65536.0  # a power of two: exact
    return uniform


def _reflect_time_index(index: np.ndarray, timesteps: int) -> np.ndarray:
    """Reflect integer time indices into ``[0, timesteps - 1]`` (mirror at both ends).

    ``-k -> k`` and ``last + k -> last - k``, repeated as often as needed (period
    ``2 * last``). Returns ``index`` itself, modified, when nothing was out of range.
    """
    last = timesteps - 1
    low, high = index.min(), index.max()
    if low >= 0 and high <= last:
        return index
    if last == 0:
        return np.zeros_like(index)
    if low >= -last and high <= 2 * last:  # one mirror suffices: last - |last - |k||
        index = np.abs(index)
        np.subtract(last, index, out=index)
        np.abs(index, out=index)
        return np.subtract(last, index, out=index)
    index = np.mod(index, 2 * last)
    return np.where(index > last, 2 * last - index, index)


def _reference_walk_from_noise(
    references: np.ndarray,
    time_noise: np.ndarray,
    value_noise: np.ndarray,
    *,
    time_sd: float,
    radius: float,
    smooth_window: int,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Vectorised reference walk given its random numbers (see :func:`reference_walk`).

    Float64 arithmetic, the description's operations in its order, except that the running
    sum of step differences is evaluated in closed form (it telescopes), so a per-point loop
    fed the same noise agrees to float64 rounding (about 1e-15 relative; bench/augment.py).

    Args:
        references: ``(n, t, c)`` float array.
        time_noise, value_noise: as returned by ``_draw_reference_walk_noise``.
        time_sd, radius, smooth_window: see :func:`reference_walk` (not re-checked here).
        out: optional ``(n, t, c)`` array to write into.

    Returns:
        ``out`` (a new array of the references' dtype if not given).
    """
    n, timesteps, channels = references.shape
    if out is None:
        out = np.empty(references.shape, references.dtype)
    # 1. followed time index k(t) = reflect(round(t + time_sd * z_t)), shared by the channels
    index = np.rint(np.arange(timesteps) + time_sd * time_noise.astype(np.float64))
    index = _reflect_time_index(index.astype(np.intp), timesteps)
    index += (np.arange(n) * timesteps)[:, None]  # row of the flattened (n * t, c) array
    followed = np.take(references.reshape(n * timesteps, channels), index, axis=0)
    followed = followed.astype(np.float64, copy=False)
    # 2. v(t) = r[k(t)] * (1 + radius * u), u ~ U(-1, 1)
    factor = _uniform_from_uint16(value_noise)
    factor *= radius
    factor += 1.0
    followed *= factor
    # 3. s[0] = r[0], s[t] = s[t-1] + (v(t) - v(t-1))  ==  r[0] - v(0) + v(t); the constant
    #    offset is tiled along time because a same-shape add is ~3x faster than a broadcast one
    offset = references[:, 0].astype(np.float64) - followed[:, 0]  # (n, c)
    walk = followed
    walk.reshape(n, timesteps * channels)[...] += np.tile(offset, timesteps)
    # 4. moving average over smooth_window steps ('valid', summed left to right), then
    #    repeat the last smoothed value to restore the length
    kept = timesteps - smooth_window + 1
    total = factor[:, :kept]  # reuse the buffer
    if smooth_window == 1:
        total[...] = walk
    else:
        np.add(walk[:, :kept], walk[:, 1 : kept + 1], out=total)
        for lag in range(2, smooth_window):
            total += walk[:, lag : lag + kept]
    np.divide(total, smooth_window, out=out[:, :kept], casting="same_kind")
    out[:, kept:] = out[:, kept - 1 : kept]
    return out


def reference_walk(
    references,
    *,
    seed=None,
    time_sd: float = 3.3,
    radius: float = 0.01,
    smooth_window: int = 3,
) -> np.ndarray:
    """The study's synthetic-series generator: one noisy walk along each reference series.

    For a reference ``r`` of shape ``(t, c)`` the synthetic series ``s`` is built as follows
    (our precise reading of the study's description; ``z`` and ``u`` are fresh random draws):

    1. Followed time index, one per step and shared by all channels so they stay coherent:
       ``k(t) = reflect(round(t + time_sd * z_t))``, ``z_t ~ N(0, 1)``, i.e. a draw from
       ``N(t, time_sd²)`` rounded half-to-even and mirrored into ``[0, t - 1]``
       (``-2 -> 2``; ``t -> t - 2``).
    2. Followed value, perturbed inside a ball whose radius is proportional to it,
       independently per channel: ``v(t) = r[k(t)] * (1 + radius * u_t)``, ``u_t ~ U(-1, 1)``.
    3. Walk: ``s[0] = r[0]`` and ``s[t] = s[t-1] + (v(t) - v(t-1))`` for ``t >= 1``: the
       step-to-step difference of the followed values is added to the running series. This
       cumulative sum telescopes to ``s[t] = r[0] - v(0) + v(t)`` — the time-wobbled,
       perturbed reference shifted by a constant — which is how it is computed here (one pass
       instead of a sequential sum, same values up to float rounding), and why the walk never
       drifts away from its reference.
    4. Smooth with a ``smooth_window``-step moving average ('valid', so the length shrinks by
       ``smooth_window - 1``) and pad at the end by repeating the last smoothed value. Output
       step ``t`` therefore averages walk steps ``t .. t + smooth_window - 1``.

    Assumes the class is carried by the reference's overall shape, tolerant to a few steps of
    timing wobble and ~1 % amplitude noise. Vectorised over series, steps and channels (in
    chunks of 32 series, which keeps intermediate arrays in cache).

    Args:
        references: float array ``(n, timesteps, channels)``; one synthetic series per row.
        seed: int, ``np.random.Generator`` or ``None``.
        time_sd: standard deviation of the followed time index, in steps (>= 0).
        radius: relative radius ``d`` of the value perturbation (>= 0).
        smooth_window: moving-average length in steps, ``1 <= smooth_window <= timesteps``
            (1 = no smoothing).

    Returns:
        Array of the shape and dtype of ``references``.
    """
    references = _as_series(references, name="references")
    check_strength("time_sd", time_sd)
    check_strength("radius", radius)
    check_int("smooth_window", smooth_window, low=1)
    n, timesteps, channels = references.shape
    if smooth_window > timesteps:
        raise ValueError(f"smooth_window={smooth_window} is longer than the series ({timesteps} timesteps)")
    rng = _rng(seed)
    out = np.empty(references.shape, references.dtype)
    for start in range(0, n, _REFERENCE_WALK_CHUNK):
        chunk = slice(start, min(start + _REFERENCE_WALK_CHUNK, n))
        time_noise, value_noise = _draw_reference_walk_noise(rng, chunk.stop - chunk.start, timesteps, channels)
        _reference_walk_from_noise(
            references[chunk],
            time_noise,
            value_noise,
            time_sd=time_sd,
            radius=radius,
            smooth_window=smooth_window,
            out=out[chunk],
        )
    return out
