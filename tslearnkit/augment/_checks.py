"""Parameter and array checks shared by the augmentation, oversampling and imbalance modules."""

from __future__ import annotations

import numbers

import numpy as np


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


def _check_scales(scales) -> tuple[float, ...]:
    try:
        values = tuple(float(s) for s in scales)
    except TypeError:
        raise ValueError(f"scales must be a sequence of positive numbers; got {scales!r}") from None
    if not values or not all(np.isfinite(s) and s > 0 for s in values):
        raise ValueError(f"scales must be a non-empty sequence of positive numbers; got {scales!r}")
    return values


def _as_series(x, *, name: str = "x") -> np.ndarray:
    """Check a NumPy batch of series: 3-D, floating point. Returns it without copying."""
    x = np.asarray(x)
    if x.ndim != 3:
        hint = " (one series (t, c) needs x[None])" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 3-D (n, timesteps, channels); got shape {x.shape}{hint}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} must be a floating-point array; got dtype {x.dtype}")
    return x

