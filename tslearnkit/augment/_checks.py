"""Parameter and array checks shared by the augmentation, oversampling and imbalance modules."""

from __future__ import annotations

import numbers

import numpy as np


def _check_scales(scales) -> tuple[float, ...]:
    try:
        values = tuple(float(s) for s in scales)
    except TypeError:
        raise ValueError(f"scales must be a sequence of positive numbers; got {scales!r}") from None
    if not values or not all(np.isfinite(s) and s > 0 for s in values):
        raise ValueError(f"scales must be a non-empty sequence of positive numbers; got {scales!r}")
    return values


def _as_series(x, *, name: str = "x") -> np.ndarray:
    """Check a NumPy batch of series: 3-D, floating point, finite. Returns it without copying."""
    x = np.asarray(x)
    if x.ndim != 3:
        hint = " (one series (t, c) needs x[None])" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 3-D (n, timesteps, channels); got shape {x.shape}{hint}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} must be a floating-point array; got dtype {x.dtype}")
    _check_finite(x, name, "; clean or impute the data first")
    return x


def _check_finite(x: np.ndarray, name: str, advice: str) -> None:
    if not np.isfinite(x).all():
        series, step, channel = np.argwhere(~np.isfinite(x))[0]
        raise ValueError(
            f"{name} contains NaN or inf (first at series {series}, step {step}, channel {channel}){advice}"
        )


def _rng(seed) -> np.random.Generator:
    """``np.random.default_rng(seed)`` for ``seed`` None, an integer >= 0, a Generator or a 1-D array of
    non-negative integers; anything else gets a clear error."""
    if isinstance(seed, np.random.Generator) or seed is None:
        return np.random.default_rng(seed)
    if isinstance(seed, np.ndarray) and seed.ndim == 1 and seed.dtype.kind in "iu" and (seed >= 0).all():
        return np.random.default_rng(seed)  # the words of a stateless TensorFlow seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be None, an integer >= 0 or a numpy.random.Generator; got {seed!r}")
    return np.random.default_rng(int(seed))
