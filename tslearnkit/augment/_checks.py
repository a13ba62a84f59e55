"""Parameter and array checks shared by the augmentation, oversampling and imbalance modules."""

from __future__ import annotations

import numpy as np

from ..data.checks import _check_int, _check_strength  # noqa: F401  (shared with data.shaping)


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
