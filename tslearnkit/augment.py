"""Time-series augmentations, and oversampling of the *training split* for class imbalance.

The honest protocol
    The study's best row came from oversampling the minority classes of the *whole* dataset
    before splitting it, so synthetic copies of test series sat in the training set and the
    test score measured memory, not generalisation. Here every generator takes the training
    arrays only (:func:`oversample` never sees a test split; :func:`oversample_dataset` passes
    it ``dataset.x_train`` and leaves ``x_test`` untouched), and every synthetic row records the
    training row(s) it came from, so a lesson can show them and a test can trace them.

Augmentations (shape- and dtype-preserving on ``(n, timesteps, channels)`` float arrays;
the strength parameter in brackets, 0 = identity)
    * ``jitter`` (``sigma``): adds Gaussian noise.
    * ``scaling`` (``sigma``): multiplies each (series, channel) by one N(1, sigma²) gain.
    * ``magnitude_warp`` (``sigma``): multiplies by a smooth random curve (cubic spline).
    * ``time_warp`` (``sigma``): smoothly speeds time up and slows it down (cubic spline).
    * ``window_slice`` (``cut_fraction``): crops a fixed-length window, stretches it to t.
    * ``window_warp`` (``window_fraction``): speeds up or slows down one window, resamples.
    * ``random_crop`` (``max_cut``): crops a window of random length, stretches it to t.

    Definitions follow Um et al. 2017 (jitter, scaling, magnitude/time warping), Le Guennec et
    al. 2016 (window slicing and warping) and the survey of Iwana & Uchida 2021. With zero
    strength every augmentation returns its input exactly (bit for bit), by construction of
    the formulas rather than by a special case.

NumPy and TensorFlow
    Each augmentation exists twice: ``jitter(x, sigma, seed=...)`` on NumPy arrays (seed: an
    int, a ``np.random.Generator`` or ``None``) and ``tf_jitter(x, sigma, seed=...)`` made of
    TensorFlow ops, usable in graph mode and inside ``tf.data.Dataset.map`` (seed: an int, a
    shape-``(2,)`` stateless seed tensor, or ``None`` for TensorFlow's global seeded RNG). Both
    run the *same* function body (``_jitter`` etc.) on a tiny array namespace (``_NumpyBackend``
    / ``_TensorFlowBackend``), so their semantics cannot drift; only the random numbers differ.
    :func:`make_tf_augmenter` returns a ``dataset.map``-ready function that draws fresh
    randomness for every batch; :func:`tf_two_views` makes the two views of contrastive
    training.

Time-axis augmentations share one mechanism: they compute, for every output step, a real
position on the input's time axis and read the series there by linear interpolation between
the two neighbouring steps (``_resample``). All channels of a series use the same positions,
so simultaneously recorded channels stay aligned.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .data import TimeSeriesDataset

__all__ = [
    "AUGMENTATIONS",
    "CONTRASTIVE_AUGMENTATIONS",
    "OVERSAMPLE_AUGMENTATIONS",
    "OVERSAMPLE_METHODS",
    "STUDY_CLASS_COUNTS",
    "OversampleResult",
    "jitter",
    "scaling",
    "magnitude_warp",
    "time_warp",
    "window_slice",
    "window_warp",
    "random_crop",
    "apply_augmentations",
    "random_augment",
    "two_views",
    "tf_jitter",
    "tf_scaling",
    "tf_magnitude_warp",
    "tf_time_warp",
    "tf_window_slice",
    "tf_window_warp",
    "tf_random_crop",
    "tf_apply_augmentations",
    "tf_random_augment",
    "tf_two_views",
    "make_tf_augmenter",
    "make_tf_two_views",
    "reference_walk",
    "oversample",
    "oversample_dataset",
    "make_imbalanced",
    "long_tail_ratios",
]

AUGMENTATIONS = (
    "jitter",
    "scaling",
    "magnitude_warp",
    "time_warp",
    "window_slice",
    "window_warp",
    "random_crop",
)
"""Names accepted in an augmentation chain (see :func:`apply_augmentations`)."""

CONTRASTIVE_AUGMENTATIONS = (
    ("random_crop", {"max_cut": 0.2}),
    ("jitter", {"sigma": 0.05}),
    ("scaling", {"sigma": 0.1}),
)
"""Default chain for the two views of contrastive training: crop, then noise, then gain."""

OVERSAMPLE_AUGMENTATIONS = (
    ("jitter", {"sigma": 0.03}),
    ("scaling", {"sigma": 0.1}),
    ("magnitude_warp", {"sigma": 0.2}),
)
"""Default chain of ``oversample(method="augment")`` (Iwana & Uchida 2021 default strengths)."""

OVERSAMPLE_METHODS = ("random", "interpolate", "augment", "reference_walk")

STUDY_CLASS_COUNTS = (1113, 1029, 666, 189)
"""Class sizes of the study's long-tailed dataset, largest to smallest."""

# Lowest relative speed time_warp allows, so warped time always moves forward.
_MIN_TIME_WARP_SPEED = 0.05
# reference_walk processes this many series at a time: intermediate arrays stay in cache
# (about twice as fast as one pass over 1,000 series) and memory stays bounded.
_REFERENCE_WALK_CHUNK = 32


# --------------------------------------------------------------------------- array backends
class _NumpyBackend:
    """NumPy arrays, float64 arithmetic, randomness from a ``np.random.Generator``."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def dims(self, x):
        return x.shape

    def normal(self, shape):
        return self.rng.standard_normal(shape)

    def uniform(self, shape):
        """Uniform on [0, 1)."""
        return self.rng.random(shape)

    def constant(self, values):
        return np.asarray(values, dtype=np.float64)

    def cumsum(self, a, axis):
        return np.cumsum(a, axis=axis)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def clip(self, a, low, high):
        return np.clip(a, low, high)

    def where(self, condition, a, b):
        return np.where(condition, a, b)

    def einsum(self, equation, *operands):
        return np.einsum(equation, *operands)

    def floor_index(self, a, low, high):
        """``floor(a)`` clipped to ``[low, high]`` as integer indices."""
        return np.clip(np.floor(a), low, high).astype(np.intp)

    def to_float(self, indices):
        return indices.astype(np.float64)

    def take(self, values, indices):
        return np.take(values, indices)

    def gather_time(self, x, indices):
        """``out[i, j, :] = x[i, indices[i, j], :]``."""
        return np.take_along_axis(x, indices[:, :, None], axis=1)


class _TensorFlowBackend:
    """TensorFlow tensors and stateless random ops (one fresh sub-seed per draw)."""

    def __init__(self, seed, dtype):
        import tensorflow as tf

        self.tf = tf
        self.seed = seed
        self.dtype = dtype
        self._draws = 0

    def _next_seed(self):
        seed = self.tf.random.experimental.stateless_fold_in(self.seed, self._draws)
        self._draws += 1
        return seed

    def dims(self, x):
        static, dynamic = x.shape, self.tf.shape(x)
        return tuple(static[i] if static[i] is not None else dynamic[i] for i in range(3))

    def normal(self, shape):
        return self.tf.random.stateless_normal(shape, self._next_seed(), dtype=self.dtype)

    def uniform(self, shape):
        return self.tf.random.stateless_uniform(shape, self._next_seed(), dtype=self.dtype)

    def constant(self, values):
        return self.tf.constant(np.asarray(values, dtype=np.float64), dtype=self.dtype)

    def cumsum(self, a, axis):
        return self.tf.cumsum(a, axis=axis)

    def maximum(self, a, b):
        return self.tf.maximum(a, b)

    def clip(self, a, low, high):
        return self.tf.clip_by_value(a, low, high)

    def where(self, condition, a, b):
        return self.tf.where(condition, a, b)

    def einsum(self, equation, *operands):
        return self.tf.einsum(equation, *operands)

    def floor_index(self, a, low, high):
        return self.tf.cast(self.tf.clip_by_value(self.tf.floor(a), low, high), self.tf.int32)

    def to_float(self, indices):
        return self.tf.cast(indices, self.dtype)

    def take(self, values, indices):
        return self.tf.gather(values, indices)

    def gather_time(self, x, indices):
        return self.tf.gather(x, indices, axis=1, batch_dims=1)


# --------------------------------------------------------------------------- parameter checks
def _check_strength(name: str, value, *, high: float | None = None, high_inclusive: bool = False):
    """Raise ValueError unless ``value`` is a finite real in ``[0, high)`` (or ``[0, high]``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (0 means no augmentation); got {value!r}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        bound = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {bound} {high}; got {value!r}")


def _check_int(name: str, value, *, low: int):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")


def _static_timesteps(x, backend, augmentation: str) -> int:
    timesteps = backend.dims(x)[1]
    if not isinstance(timesteps, int):
        raise ValueError(
            f"{augmentation} needs the number of timesteps to be known when the function is "
            "traced; give the dataset a static shape (e.g. tf.ensure_shape)"
        )
    if timesteps < 2:
        raise ValueError(f"{augmentation} needs series of at least 2 timesteps; got {timesteps}")
    return timesteps


# --------------------------------------------------------------------------- shared helpers
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
        + ((a**3 - a)[:, None] * second[segment] + (b**3 - b)[:, None] * second[segment + 1])
        * spacing**2
        / 6.0
    )
    basis.setflags(write=False)
    return basis


def _time_grid(timesteps: int, backend):
    """``[[0, 1, ..., timesteps - 1]]`` as a ``(1, timesteps)`` float row."""
    return backend.constant(np.arange(timesteps, dtype=np.float64)[None, :])


def _resample(x, positions, backend):
    """Read every series at real-valued time positions by linear interpolation.

    Args:
        x: ``(n, t, c)`` series.
        positions: ``(n, t)`` positions on the input time axis, in steps (clipped to
            ``[0, t - 1]``).

    Returns:
        ``(n, t, c)``: ``(1 - f) * x[i0] + f * x[i0 + 1]`` with ``i0 = floor(position)`` and
        ``f`` the fractional part. At an integer position this is exactly ``x[position]``.
    """
    timesteps = x.shape[1]
    positions = backend.clip(positions, 0.0, timesteps - 1.0)
    left = backend.floor_index(positions, 0.0, timesteps - 2.0)
    fraction = (positions - backend.to_float(left))[:, :, None]
    return (1.0 - fraction) * backend.gather_time(x, left) + fraction * backend.gather_time(
        x, left + 1
    )


# --------------------------------------------------------------------------- augmentation bodies
# Each body takes series in the compute dtype and a backend, and is written once for both
# NumPy and TensorFlow. Zero strength gives the identity exactly: noise is multiplied by 0.0
# before it is added (x + 0 == x, x * 1 == x) and time positions reduce to the integers 0..t-1.
def _jitter(x, backend, *, sigma):
    _check_strength("sigma", sigma)
    return x + sigma * backend.normal(backend.dims(x))


def _scaling(x, backend, *, sigma):
    _check_strength("sigma", sigma)
    n, _, channels = backend.dims(x)
    return x * (1.0 + sigma * backend.normal((n, 1, channels)))


def _magnitude_warp(x, backend, *, sigma, knots):
    _check_strength("sigma", sigma)
    _check_int("knots", knots, low=0)
    n, _, channels = backend.dims(x)
    timesteps = _static_timesteps(x, backend, "magnitude_warp")
    basis = backend.constant(_spline_basis(timesteps, knots))
    knot_offsets = sigma * backend.normal((n, knots + 2, channels))
    curve = 1.0 + backend.einsum("tk,nkc->ntc", basis, knot_offsets)
    return x * curve


def _time_warp(x, backend, *, sigma, knots):
    _check_strength("sigma", sigma)
    _check_int("knots", knots, low=0)
    n = backend.dims(x)[0]
    timesteps = _static_timesteps(x, backend, "time_warp")
    basis = backend.constant(_spline_basis(timesteps, knots))
    speed = 1.0 + backend.einsum("tk,nk->nt", basis, sigma * backend.normal((n, knots + 2)))
    speed = backend.maximum(speed, _MIN_TIME_WARP_SPEED)
    # Warped time advances by speed[t] from step t-1 to t: tau(t) = t + D(t) with
    # D(t) = sum_{j=1..t} (speed[j] - 1), rescaled so that tau(t-1) lands on the last step.
    first_step_mask = backend.constant(np.r_[0.0, np.ones(timesteps - 1)][None, :])
    extra = backend.cumsum((speed - 1.0) * first_step_mask, axis=1)
    extra_end = extra[:, -1:]
    grid = _time_grid(timesteps, backend)
    span = timesteps - 1.0
    positions = grid + (extra * span - grid * extra_end) / (span + extra_end)
    return _resample(x, positions, backend)


def _window_slice(x, backend, *, cut_fraction):
    _check_strength("cut_fraction", cut_fraction, high=1.0)
    n = backend.dims(x)[0]
    timesteps = _static_timesteps(x, backend, "window_slice")
    span = timesteps - 1.0
    start = backend.uniform((n, 1)) * (cut_fraction * span)
    positions = start + _time_grid(timesteps, backend) * (1.0 - cut_fraction)
    return _resample(x, positions, backend)


def _window_warp(x, backend, *, window_fraction, scales):
    _check_strength("window_fraction", window_fraction, high=1.0, high_inclusive=True)
    scales = _check_scales(scales)
    n = backend.dims(x)[0]
    timesteps = _static_timesteps(x, backend, "window_warp")
    span = timesteps - 1.0
    width = window_fraction * span
    start = backend.uniform((n, 1)) * (span - width)
    choice = backend.floor_index(backend.uniform((n, 1)) * len(scales), 0.0, len(scales) - 1.0)
    scale = backend.take(backend.constant(scales), choice)
    # On the warped axis the window [start, start + width] becomes [start, start + scale*width]
    # and the whole series is (span + (scale - 1) * width) long; map the output grid onto that
    # axis, then invert the piecewise-linear warp to get input positions.
    grid = _time_grid(timesteps, backend)
    warped = grid + grid * ((scale - 1.0) * width / span)
    inside = start + (warped - start) / scale
    after = warped - (scale - 1.0) * width
    positions = backend.where(
        warped <= start, warped, backend.where(warped <= start + scale * width, inside, after)
    )
    return _resample(x, positions, backend)


def _random_crop(x, backend, *, max_cut):
    _check_strength("max_cut", max_cut, high=1.0)
    n = backend.dims(x)[0]
    timesteps = _static_timesteps(x, backend, "random_crop")
    keep = 1.0 - max_cut * backend.uniform((n, 1))
    start = backend.uniform((n, 1)) * ((1.0 - keep) * (timesteps - 1.0))
    positions = start + _time_grid(timesteps, backend) * keep
    return _resample(x, positions, backend)


def _check_scales(scales) -> tuple[float, ...]:
    try:
        values = tuple(float(s) for s in scales)
    except TypeError:
        raise ValueError(f"scales must be a sequence of positive numbers; got {scales!r}") from None
    if not values or not all(np.isfinite(s) and s > 0 for s in values):
        raise ValueError(f"scales must be a non-empty sequence of positive numbers; got {scales!r}")
    return values


# --------------------------------------------------------------------------- NumPy API
def _as_series(x, *, name: str = "x") -> np.ndarray:
    """Check a NumPy batch of series: 3-D, floating point. Returns it without copying."""
    x = np.asarray(x)
    if x.ndim != 3:
        hint = " (one series (t, c) needs x[None])" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 3-D (n, timesteps, channels); got shape {x.shape}{hint}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} must be a floating-point array; got dtype {x.dtype}")
    return x


def _parse_augmentations(augmentations) -> list[tuple[Callable, dict[str, Any]]]:
    """Turn ``["jitter", ("scaling", {"sigma": 0.2}), ...]`` into (body, full parameters)."""
    if _is_single_spec(augmentations):
        augmentations = [augmentations]
    parsed = []
    for spec in augmentations:
        if isinstance(spec, str):
            name, params = spec, {}
        elif isinstance(spec, Sequence) and len(spec) == 2 and isinstance(spec[1], Mapping):
            name, params = spec
        else:
            raise ValueError(
                f"each augmentation must be a name or a (name, params dict) pair; got {spec!r}"
            )
        if name not in _BODIES:
            raise ValueError(f"unknown augmentation {name!r}; allowed: {', '.join(AUGMENTATIONS)}")
        defaults = _augmentation_defaults(name)
        unknown = sorted(set(params) - set(defaults))
        if unknown:
            raise ValueError(
                f"{name} has no parameter(s) {', '.join(unknown)}; it takes "
                f"{', '.join(defaults)}"
            )
        parsed.append((_BODIES[name], {**defaults, **params}))
    return parsed


def _is_single_spec(spec) -> bool:
    """``"jitter"`` or ``("jitter", {...})`` given on its own rather than in a list."""
    return isinstance(spec, str) or (
        isinstance(spec, tuple)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    )


@functools.cache
def _augmentation_defaults(name: str) -> dict[str, Any]:
    """Strength parameters and defaults of an augmentation, read from its NumPy function."""
    signature = inspect.signature(_PUBLIC_NUMPY[name])
    return {
        p.name: p.default for p in signature.parameters.values() if p.name not in ("x", "seed")
    }


def apply_augmentations(x, augmentations, *, seed=None) -> np.ndarray:
    """Apply a chain of augmentations, in order, to NumPy series.

    Args:
        x: float array ``(n, timesteps, channels)``; not modified.
        augmentations: sequence of names or ``(name, params)`` pairs, e.g.
            ``["jitter", ("scaling", {"sigma": 0.2})]``; names from :data:`AUGMENTATIONS`,
            missing parameters take the defaults of the functions of the same name.
        seed: int, ``np.random.Generator`` or ``None`` (fresh OS entropy).

    Returns:
        New array, same shape and dtype as ``x``. Computed in float64, cast back once.

    Raises:
        ValueError: bad ``x``, unknown augmentation or parameter, out-of-range strength.
    """
    x = _as_series(x)
    chain = _parse_augmentations(augmentations)
    backend = _NumpyBackend(np.random.default_rng(seed))
    out = x.astype(np.float64)
    for body, params in chain:
        out = body(out, backend, **params)
    return out.astype(x.dtype, copy=False)


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
    return apply_augmentations(x, [("jitter", {"sigma": sigma})], seed=seed)


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
    return apply_augmentations(x, [("scaling", {"sigma": sigma})], seed=seed)


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
    return apply_augmentations(x, [("magnitude_warp", {"sigma": sigma, "knots": knots})], seed=seed)


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
    return apply_augmentations(x, [("time_warp", {"sigma": sigma, "knots": knots})], seed=seed)


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
    return apply_augmentations(x, [("window_slice", {"cut_fraction": cut_fraction})], seed=seed)


def window_warp(
    x, window_fraction: float = 0.1, scales: Sequence[float] = (0.5, 2.0), *, seed=None
) -> np.ndarray:
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
    params = {"window_fraction": window_fraction, "scales": scales}
    return apply_augmentations(x, [("window_warp", params)], seed=seed)


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
    return apply_augmentations(x, [("random_crop", {"max_cut": max_cut})], seed=seed)


def random_augment(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS) -> np.ndarray:
    """One random view of every series: by default random crop, then jitter, then scaling.

    Args:
        x: float array ``(n, timesteps, channels)``.
        seed: int, ``np.random.Generator`` or ``None``.
        augmentations: the chain (see :func:`apply_augmentations`).

    Returns:
        Array of the same shape and dtype.
    """
    return apply_augmentations(x, augmentations, seed=seed)


def two_views(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS):
    """Two independently augmented views of every series, for contrastive training.

    Args:
        x: float array ``(n, timesteps, channels)``.
        seed: int, ``np.random.Generator`` or ``None``.
        augmentations: the chain applied to each view (see :func:`apply_augmentations`).

    Returns:
        ``(view_a, view_b)``, each the shape and dtype of ``x``.
    """
    rng = np.random.default_rng(seed)
    return apply_augmentations(x, augmentations, seed=rng), apply_augmentations(
        x, augmentations, seed=rng
    )


_BODIES = {
    "jitter": _jitter,
    "scaling": _scaling,
    "magnitude_warp": _magnitude_warp,
    "time_warp": _time_warp,
    "window_slice": _window_slice,
    "window_warp": _window_warp,
    "random_crop": _random_crop,
}
_PUBLIC_NUMPY = {
    "jitter": jitter,
    "scaling": scaling,
    "magnitude_warp": magnitude_warp,
    "time_warp": time_warp,
    "window_slice": window_slice,
    "window_warp": window_warp,
    "random_crop": random_crop,
}


# --------------------------------------------------------------------------- TensorFlow API
def _stateless_seed(seed):
    """A shape-(2,) int64 seed for stateless random ops.

    ``None`` draws one from TensorFlow's global random state (reproducible after
    ``tf.random.set_seed`` / ``keras.utils.set_random_seed``, new at every call or batch); an
    int ``s`` becomes ``[s, 0]``; a tensor must already have shape ``(2,)``.
    """
    import tensorflow as tf

    if seed is None:
        return tf.random.uniform([2], minval=0, maxval=2**62, dtype=tf.int64)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return tf.constant([int(seed), 0], dtype=tf.int64)
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    if seed.shape.rank != 1 or seed.shape[0] != 2:
        raise ValueError(f"a stateless seed must have shape (2,); got shape {seed.shape}")
    return seed


def tf_apply_augmentations(x, augmentations, *, seed=None):
    """TensorFlow version of :func:`apply_augmentations` (graph-safe, ``tf.data``-mappable).

    Args:
        x: float tensor ``(n, timesteps, channels)`` or one series ``(timesteps, channels)``;
            ``timesteps`` must be static for the time-axis augmentations, ``n`` may be dynamic.
        augmentations: as in :func:`apply_augmentations`.
        seed: int, shape-``(2,)`` integer tensor (stateless seed), or ``None`` to draw one from
            TensorFlow's global seeded RNG. A fixed seed gives the same result at every call:
            inside ``dataset.map`` use ``None`` or :func:`make_tf_augmenter`.

    Returns:
        Tensor of the shape and dtype of ``x``. Computed in float32 (float64 for float64
        input).
    """
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"x must be a floating-point tensor; got dtype {x.dtype.name}")
    rank = x.shape.rank
    if rank not in (2, 3):
        raise ValueError(
            f"x must be (n, timesteps, channels) or (timesteps, channels); got shape {x.shape}"
        )
    chain = _parse_augmentations(augmentations)
    compute_dtype = tf.float64 if x.dtype == tf.float64 else tf.float32
    backend = _TensorFlowBackend(_stateless_seed(seed), compute_dtype)
    out = tf.cast(x if rank == 3 else x[None], compute_dtype)
    for body, params in chain:
        out = body(out, backend, **params)
    out = tf.cast(out, x.dtype)
    return out if rank == 3 else out[0]


def tf_jitter(x, sigma: float = 0.03, *, seed=None):
    """TensorFlow :func:`jitter`; ``seed`` as in :func:`tf_apply_augmentations`."""
    return tf_apply_augmentations(x, [("jitter", {"sigma": sigma})], seed=seed)


def tf_scaling(x, sigma: float = 0.1, *, seed=None):
    """TensorFlow :func:`scaling`; ``seed`` as in :func:`tf_apply_augmentations`."""
    return tf_apply_augmentations(x, [("scaling", {"sigma": sigma})], seed=seed)


def tf_magnitude_warp(x, sigma: float = 0.2, knots: int = 4, *, seed=None):
    """TensorFlow :func:`magnitude_warp`; ``seed`` as in :func:`tf_apply_augmentations`."""
    params = {"sigma": sigma, "knots": knots}
    return tf_apply_augmentations(x, [("magnitude_warp", params)], seed=seed)


def tf_time_warp(x, sigma: float = 0.2, knots: int = 4, *, seed=None):
    """TensorFlow :func:`time_warp`; ``seed`` as in :func:`tf_apply_augmentations`."""
    return tf_apply_augmentations(x, [("time_warp", {"sigma": sigma, "knots": knots})], seed=seed)


def tf_window_slice(x, cut_fraction: float = 0.1, *, seed=None):
    """TensorFlow :func:`window_slice`; ``seed`` as in :func:`tf_apply_augmentations`."""
    params = {"cut_fraction": cut_fraction}
    return tf_apply_augmentations(x, [("window_slice", params)], seed=seed)


def tf_window_warp(x, window_fraction: float = 0.1, scales=(0.5, 2.0), *, seed=None):
    """TensorFlow :func:`window_warp`; ``seed`` as in :func:`tf_apply_augmentations`."""
    params = {"window_fraction": window_fraction, "scales": scales}
    return tf_apply_augmentations(x, [("window_warp", params)], seed=seed)


def tf_random_crop(x, max_cut: float = 0.2, *, seed=None):
    """TensorFlow :func:`random_crop`; ``seed`` as in :func:`tf_apply_augmentations`."""
    return tf_apply_augmentations(x, [("random_crop", {"max_cut": max_cut})], seed=seed)


def tf_random_augment(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS):
    """TensorFlow :func:`random_augment`; ``seed`` as in :func:`tf_apply_augmentations`."""
    return tf_apply_augmentations(x, augmentations, seed=seed)


def tf_two_views(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS):
    """TensorFlow :func:`two_views`: two independent augmentations of a batch.

    With the default ``seed=None`` every call draws fresh randomness from TensorFlow's global
    seeded RNG, so ``views = tf_two_views`` can be called as ``views(x_batch)`` inside
    ``dataset.map`` (as :func:`tslearnkit.training.fit_contrastive` does).

    Returns:
        ``(view_a, view_b)`` tensors of the shape and dtype of ``x``.
    """
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(_stateless_seed(seed), 2)
    return (
        tf_apply_augmentations(x, augmentations, seed=seeds[0]),
        tf_apply_augmentations(x, augmentations, seed=seeds[1]),
    )


def _batch_seed_source(seed: int | None):
    """A function returning a fresh shape-(2,) stateless seed at every call (batch)."""
    import tensorflow as tf

    if seed is None:
        return lambda: _stateless_seed(None)
    _check_int("seed", seed, low=0)
    generator = tf.random.Generator.from_seed(seed)
    return lambda: generator.make_seeds(1)[:, 0]


def make_tf_augmenter(augmentations, seed: int | None = None) -> Callable:
    """A ``dataset.map`` function that augments every batch (or series) with fresh randomness.

    Example::

        augment = make_tf_augmenter(["time_warp", ("jitter", {"sigma": 0.05})], seed=0)
        train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32).map(augment)

    The returned function takes ``x`` or ``(x, *rest)`` (e.g. ``(x, y)``), augments ``x`` and
    returns the same structure; it also fits ``sampling.balanced_batches(transform=...)``.
    An int ``seed`` drives a ``tf.random.Generator`` that hands each call its own stateless
    seed (the pattern of TensorFlow's data-augmentation tutorial): two augmenters built with
    the same seed produce the same sequence when batches arrive in the same order (use
    ``num_parallel_calls=None``), and every epoch gets new augmentations. Build it outside
    ``strategy.scope()``. ``seed=None`` uses TensorFlow's global seeded RNG.

    Args:
        augmentations: chain as in :func:`apply_augmentations` (checked here, once).
        seed: non-negative int or ``None``.

    Returns:
        ``augment(x, *rest) -> x_aug`` or ``(x_aug, *rest)``.
    """
    _parse_augmentations(augmentations)
    next_seed = _batch_seed_source(seed)

    def augment(x, *rest):
        out = tf_apply_augmentations(x, augmentations, seed=next_seed())
        return (out, *rest) if rest else out

    return augment


def make_tf_two_views(seed: int | None = None, augmentations=CONTRASTIVE_AUGMENTATIONS) -> Callable:
    """A ``dataset.map`` function returning two augmented views per batch.

    ``x -> (view_a, view_b)`` and ``(x, *rest) -> ((view_a, view_b), *rest)``; seeding as in
    :func:`make_tf_augmenter`. Called with ``x`` alone it is a drop-in ``views`` function for
    :func:`tslearnkit.training.fit_contrastive`.
    """
    _parse_augmentations(augmentations)
    next_seed = _batch_seed_source(seed)

    def views(x, *rest):
        pair = tf_two_views(x, seed=next_seed(), augmentations=augmentations)
        return (pair, *rest) if rest else pair

    return views


# --------------------------------------------------------------------------- reference walk
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
    _check_strength("time_sd", time_sd)
    _check_strength("radius", radius)
    _check_int("smooth_window", smooth_window, low=1)
    n, timesteps, channels = references.shape
    if smooth_window > timesteps:
        raise ValueError(
            f"smooth_window={smooth_window} is longer than the series ({timesteps} timesteps)"
        )
    rng = np.random.default_rng(seed)
    out = np.empty(references.shape, references.dtype)
    for start in range(0, n, _REFERENCE_WALK_CHUNK):
        chunk = slice(start, min(start + _REFERENCE_WALK_CHUNK, n))
        time_noise, value_noise = _draw_reference_walk_noise(
            rng, chunk.stop - chunk.start, timesteps, channels
        )
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


# --------------------------------------------------------------------------- oversampling
@dataclasses.dataclass(frozen=True, eq=False)
class OversampleResult:
    """A training set grown by :func:`oversample`, with the provenance of every row.

    Real rows come first, in input order; synthetic rows follow, grouped by class (ascending).

    Attributes:
        x: ``(n_real + n_synthetic, timesteps, channels)``, the dtype of the input.
        y: ``(n_real + n_synthetic,)`` labels, the dtype of the input.
        is_synthetic: bool ``(n_rows,)``; ``False`` for the first ``n_real`` rows.
        origin: int64 ``(n_rows,)``; a real row's own index in the input, a synthetic row's
            parent (the input row it was copied, augmented, walked or interpolated from).
        partner: int64 ``(n_rows,)``; the second parent of an ``"interpolate"`` row, ``-1``
            everywhere else.
        method: the method that made the synthetic rows.
    """

    x: np.ndarray
    y: np.ndarray
    is_synthetic: np.ndarray
    origin: np.ndarray
    partner: np.ndarray
    method: str

    @property
    def n_real(self) -> int:
        return int(np.count_nonzero(~self.is_synthetic))

    @property
    def n_synthetic(self) -> int:
        return int(np.count_nonzero(self.is_synthetic))


def _check_training_arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = _as_series(x)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n,); got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class labels; got dtype {y.dtype}")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} series but y has {len(y)} labels")
    if len(x) == 0:
        raise ValueError("x is empty: there is nothing to oversample")
    finite = np.isfinite(x).all(axis=(1, 2))
    if not finite.all():
        rows = np.flatnonzero(~finite)
        raise ValueError(
            f"x contains NaN or inf values (series {rows[:5].tolist()}"
            f"{' ...' if len(rows) > 5 else ''}); clean or impute the data first"
        )
    return x, y


def _resolve_targets(target, classes: np.ndarray, counts: np.ndarray) -> dict[int, int]:
    """Target count per class; classes not named by a dict target keep their count."""
    current = {int(c): int(n) for c, n in zip(classes, counts)}
    if isinstance(target, str):
        if target != "max":
            raise ValueError(
                f"target must be 'max', an int or a dict {{class: count}}; got {target!r}"
            )
        return dict.fromkeys(current, max(current.values()))
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        _check_target_count("target", target)
        return dict.fromkeys(current, int(target))
    if isinstance(target, Mapping):
        unknown = [c for c in target if c not in current]
        if unknown:
            raise ValueError(
                f"target names class(es) {unknown} not present in y; classes are "
                f"{sorted(current)}"
            )
        resolved = dict(current)
        for cls, count in target.items():
            _check_target_count(f"target[{cls!r}]", count)
            resolved[int(cls)] = int(count)
        return resolved
    raise ValueError(f"target must be 'max', an int or a dict {{class: count}}; got {target!r}")


def _check_target_count(name: str, count) -> None:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise ValueError(f"{name} must be an integer count; got {count!r}")
    if count < 1:
        raise ValueError(f"{name} must be >= 1; got {count}")


def _random_parents(members: np.ndarray, needed: int, rng: np.random.Generator) -> np.ndarray:
    return members[rng.integers(0, len(members), needed)]


def _generate_random(x, members, needed, rng, **_):
    origin = _random_parents(members, needed, rng)
    return x[origin], origin, np.full(needed, -1, np.int64)


def _generate_augment(x, members, needed, rng, *, augmentations, **_):
    origin = _random_parents(members, needed, rng)
    return apply_augmentations(x[origin], augmentations, seed=rng), origin, np.full(needed, -1)


def _generate_reference_walk(x, members, needed, rng, *, time_sd, radius, smooth_window, **_):
    origin = _random_parents(members, needed, rng)
    synthetic = reference_walk(
        x[origin], seed=rng, time_sd=time_sd, radius=radius, smooth_window=smooth_window
    )
    return synthetic, origin, np.full(needed, -1)


def _nearest_same_class(flat: np.ndarray, k: int) -> np.ndarray:
    """Indices (into ``flat``) of each row's ``k`` nearest other rows, by Euclidean distance."""
    squared_norms = np.einsum("ij,ij->i", flat, flat)
    distances = squared_norms[:, None] + squared_norms[None, :] - 2.0 * flat @ flat.T
    np.fill_diagonal(distances, np.inf)  # a series is not its own neighbour
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def _generate_interpolate(x, members, needed, rng, *, k_neighbors, cls, **_):
    if len(members) < 2:
        raise ValueError(
            f"method='interpolate' needs at least 2 training series in class {cls} to "
            f"interpolate between, found {len(members)}; use method='random' or 'augment' "
            "(or drop the class)"
        )
    k = min(k_neighbors, len(members) - 1)
    flat = x[members].reshape(len(members), -1).astype(np.float64)
    neighbours = _nearest_same_class(flat, k)
    parent = rng.integers(0, len(members), needed)
    partner = neighbours[parent, rng.integers(0, k, needed)]
    weight = rng.random(needed)[:, None, None]
    start, end = flat[parent].reshape(-1, *x.shape[1:]), flat[partner].reshape(-1, *x.shape[1:])
    synthetic = (start + weight * (end - start)).astype(x.dtype)
    return synthetic, members[parent], members[partner]


_GENERATORS = {
    "random": _generate_random,
    "interpolate": _generate_interpolate,
    "augment": _generate_augment,
    "reference_walk": _generate_reference_walk,
}


def oversample(
    x,
    y,
    *,
    method: str,
    target="max",
    seed=None,
    k_neighbors: int = 5,
    augmentations=OVERSAMPLE_AUGMENTATIONS,
    time_sd: float = 3.3,
    radius: float = 0.01,
    smooth_window: int = 3,
) -> OversampleResult:
    """Grow the minority classes of a *training* set with synthetic series.

    Pass the training split only; evaluate on untouched real test series. Each class below its
    target count gets ``target - count`` synthetic rows; a class already at or above its target
    is left exactly as it is (oversampling never drops a real series).

    Methods (each synthetic row derives from training rows of its own class only):
        * ``"random"``: a copy of a random series of the class.
        * ``"interpolate"``: SMOTE for series: ``x_a + lam * (x_b - x_a)``, ``x_a`` a random
          series of the class, ``x_b`` one of its ``k_neighbors`` nearest same-class series
          (Euclidean distance on the flattened series; fewer if the class is smaller),
          ``lam ~ U(0, 1)``. A class that needs rows but has a single series raises
          ValueError (there is nothing to interpolate with; choose another method). Memory:
          one ``(m, m)`` distance matrix for a class of ``m`` series.
        * ``"augment"``: ``augmentations`` applied to a random series of the class (default
          jitter + scaling + magnitude warp, see :data:`OVERSAMPLE_AUGMENTATIONS`).
        * ``"reference_walk"``: the study's generator, :func:`reference_walk` of a random
          series of the class (``time_sd``, ``radius``, ``smooth_window``).

    Args:
        x: float array ``(n, timesteps, channels)``, no NaN/inf; not modified.
        y: integer labels ``(n,)``; not modified.
        method: one of :data:`OVERSAMPLE_METHODS`.
        target: ``"max"`` (every class up to the largest class's count), an int (every class
            up to that count), or a dict ``{class: count}`` (classes not named keep their
            count). Counts must be >= 1.
        seed: int, ``np.random.Generator`` or ``None``.
        k_neighbors: neighbours for ``"interpolate"`` (>= 1).
        augmentations: chain for ``"augment"`` (see :func:`apply_augmentations`).
        time_sd, radius, smooth_window: parameters of ``"reference_walk"``.

    Returns:
        :class:`OversampleResult` with new arrays (real rows first, then synthetic rows).

    Raises:
        ValueError: x not 3-D or not float, y not 1-D integer, length mismatch, NaN/inf in x,
            unknown method, bad target, or a one-series class for ``"interpolate"``.
    """
    x, y = _check_training_arrays(x, y)
    if method not in _GENERATORS:
        raise ValueError(f"unknown method {method!r}; allowed: {', '.join(OVERSAMPLE_METHODS)}")
    _check_int("k_neighbors", k_neighbors, low=1)
    if method == "augment":
        _parse_augmentations(augmentations)
    if method == "reference_walk":
        _check_strength("time_sd", time_sd)
        _check_strength("radius", radius)
        _check_int("smooth_window", smooth_window, low=1)
    classes, counts = np.unique(y, return_counts=True)
    targets = _resolve_targets(target, classes, counts)
    rng = np.random.default_rng(seed)
    options = dict(
        k_neighbors=k_neighbors,
        augmentations=augmentations,
        time_sd=time_sd,
        radius=radius,
        smooth_window=smooth_window,
    )
    parts_x, parts_y = [x], [y]
    parts_origin, parts_partner = [np.arange(len(x))], [np.full(len(x), -1)]
    for cls, count in zip(classes.tolist(), counts.tolist()):
        needed = targets[cls] - count
        if needed <= 0:
            continue
        members = np.flatnonzero(y == cls)
        generate = _GENERATORS[method]
        synthetic, origin, partner = generate(x, members, needed, rng, cls=cls, **options)
        parts_x.append(synthetic.astype(x.dtype, copy=False))
        parts_y.append(np.full(needed, cls, dtype=y.dtype))
        parts_origin.append(origin)
        parts_partner.append(partner)
    n_rows = sum(len(part) for part in parts_y)
    return OversampleResult(
        x=np.concatenate(parts_x),
        y=np.concatenate(parts_y),
        is_synthetic=np.arange(n_rows) >= len(x),
        origin=np.concatenate(parts_origin).astype(np.int64),
        partner=np.concatenate(parts_partner).astype(np.int64),
        method=method,
    )


def oversample_dataset(
    dataset: TimeSeriesDataset, *, method: str, target="max", seed=None, **options
) -> tuple[TimeSeriesDataset, OversampleResult]:
    """Oversample a dataset's training split; its test split is passed through untouched.

    Args:
        dataset: a :class:`~tslearnkit.data.TimeSeriesDataset`.
        method, target, seed, options: as in :func:`oversample`.

    Returns:
        ``(new_dataset, result)``: ``new_dataset`` has ``x_train, y_train = result.x,
        result.y`` and the same test arrays; ``result`` says which rows are synthetic.
    """
    result = oversample(
        dataset.x_train, dataset.y_train, method=method, target=target, seed=seed, **options
    )
    return dataset.replace(x_train=result.x, y_train=result.y), result


# --------------------------------------------------------------------------- imbalance
def _requested_count(cls: int, name: str, value, available: int) -> int:
    """An int is a count; a float is a fraction of the class's available training series."""
    label = f"class {cls} ({name!r})"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{label}: expected an int count or a float ratio; got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if not (np.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(
            f"{label}: a float is a ratio of the class's {available} training series and "
            f"must lie in (0, 1]; got {value!r} (give an int for an absolute count)"
        )
    return int(np.floor(value * available + 0.5))


def make_imbalanced(
    dataset: TimeSeriesDataset, counts, *, seed=None, min_count: int = 2
) -> TimeSeriesDataset:
    """Carve a long-tailed training split out of a balanced one; the test split is untouched.

    ``counts`` gives, per class, either an **int: the number of training series to keep**, or a
    **float in (0, 1]: the fraction of the class's current training series to keep** (rounded
    to the nearest count, halves up). It is a dict ``{class: int | float}`` (classes not named
    keep all their series) or a sequence with one entry per class (``len == n_classes``).
    E.g. the study's proportions 1113 : 1029 : 666 : 189 on a 4-class dataset:
    ``[1.0, 1029 / 1113, 666 / 1113, 189 / 1113]``; :func:`long_tail_ratios` makes such
    lists for any number of classes. Kept series are drawn without replacement and keep their
    original order.

    Args:
        dataset: a :class:`~tslearnkit.data.TimeSeriesDataset`.
        counts: dict or sequence as described.
        seed: int, ``np.random.Generator`` or ``None``.
        min_count: fewest series a class may keep (default 2: a P×K batch needs two series of
            a class for a positive pair, and ``"interpolate"`` needs a neighbour).

    Returns:
        A new dataset whose ``x_train``/``y_train`` are the kept rows; the test arrays, name and
        class names are those of ``dataset``.

    Raises:
        ValueError (naming the class): a count above the class's available series or below
            ``min_count``, a ratio outside (0, 1], an unknown class, or a sequence of the
            wrong length.
    """
    _check_int("min_count", min_count, low=1)
    y_train = np.asarray(dataset.y_train)
    n_classes = len(dataset.class_names)
    if isinstance(counts, Mapping):
        unknown = [
            c for c in counts if not (isinstance(c, numbers.Integral) and 0 <= c < n_classes)
        ]
        if unknown:
            raise ValueError(
                f"counts names unknown class(es) {unknown}; classes are 0..{n_classes - 1}"
            )
        requested = {int(c): v for c, v in counts.items()}
    else:
        counts = list(counts)
        if len(counts) != n_classes:
            raise ValueError(
                f"counts has {len(counts)} entries but the dataset has {n_classes} classes"
            )
        requested = dict(enumerate(counts))
    rng = np.random.default_rng(seed)
    keep = []
    for cls in range(n_classes):
        members = np.flatnonzero(y_train == cls)
        if cls not in requested:
            keep.append(members)
            continue
        name = dataset.class_names[cls]
        count = _requested_count(cls, name, requested[cls], len(members))
        if count > len(members):
            raise ValueError(
                f"class {cls} ({name!r}): asked for {count} training series but only "
                f"{len(members)} are available"
            )
        if count < min_count:
            raise ValueError(
                f"class {cls} ({name!r}): {count} series requested, fewer than "
                f"min_count={min_count} (P×K batches need at least 2 per class)"
            )
        keep.append(rng.choice(members, size=count, replace=False))
    rows = np.sort(np.concatenate(keep))
    return dataset.replace(x_train=dataset.x_train[rows], y_train=y_train[rows])


def long_tail_ratios(n_classes: int, *, smallest: float = 189 / 1113) -> list[float]:
    """Geometrically decaying keep-ratios ``1.0 ... smallest`` for :func:`make_imbalanced`.

    The default ``smallest`` is the study's smallest-to-largest class ratio (189 / 1113).

    Args:
        n_classes: number of classes (>= 1); class 0 keeps everything.
        smallest: ratio of the last class, in (0, 1].

    Returns:
        ``n_classes`` floats in (0, 1], non-increasing.
    """
    _check_int("n_classes", n_classes, low=1)
    _check_strength("smallest", smallest, high=1.0, high_inclusive=True)
    if smallest == 0:
        raise ValueError("smallest must be > 0")
    if n_classes == 1:
        return [1.0]
    return [float(smallest ** (i / (n_classes - 1))) for i in range(n_classes)]
