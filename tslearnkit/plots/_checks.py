"""Input checks of the figures: labels as indices into ``class_names``, and embeddings to draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..checks import check_labels


def class_indices(labels, class_names: Sequence[str], *, n: int | None = None, name: str = "labels") -> np.ndarray:
    """``(n,)`` labels as ``int64`` indices into ``class_names``.

    Integer labels are the indices themselves; string labels (e.g. of a string-labelled
    :class:`tslearnkit.search.SearchIndex`) are looked up among ``class_names``.

    Raises:
        ValueError: not 1-D, not ``n`` labels, or a label that names no class of ``class_names``.
    """
    labels = np.asarray(labels)
    if labels.dtype == object:  # e.g. a pandas column of strings
        labels = np.array(labels.tolist())
    if labels.dtype.kind in "US":
        index = {str(c): i for i, c in enumerate(class_names)}
        unknown = sorted({str(v) for v in labels.ravel()} - set(index))
        if unknown:
            raise ValueError(f"{name} holds {unknown[:10]}, not among class_names {list(class_names)}")
        labels = np.array([index[str(v)] for v in labels.ravel()], np.int64).reshape(labels.shape)
    labels = check_labels(labels, n, name=name)
    outside = np.unique(labels[labels >= len(class_names)])
    if outside.size:
        raise ValueError(
            f"{name} holds {outside[:10].tolist()}, outside 0..{len(class_names) - 1}: "
            f"integer labels index class_names, which has {len(class_names)} names"
        )
    return labels


def finite_embeddings(embeddings, name: str = "embeddings") -> np.ndarray:
    """``(n, d)`` embeddings as ``float64``, checked: 2-D, numeric, not empty, no NaN or inf (in float64:
    a figure need not fit float32)."""
    x = np.asarray(embeddings)
    if x.ndim != 2 or x.dtype.kind not in "fiub" or 0 in x.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (n, d) of numbers; got shape {x.shape}, dtype {x.dtype}"
        )
    x = x.astype(np.float64)
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        hint = "has probably diverged (look at its training loss)" if np.isnan(x).any() else "overflowed"
        raise ValueError(f"{name} has NaN or inf in {int(bad.sum())} of {len(x)} rows: the model that made them {hint}")
    return x


def series_to_draw(x, name: str = "x") -> np.ndarray:
    """``(n, timesteps, channels)`` numbers to draw; a NaN (a missing step) is drawn as a gap."""
    x = np.asarray(x)
    if x.ndim != 3 or x.dtype.kind not in "fiub":
        hint = " (a univariate batch (n, t) needs x[..., None])" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 3-D (n, timesteps, channels) numbers; got shape {x.shape}{hint}")
    return x


def rows_of(embeddings, n: int, name: str, labels_name: str) -> np.ndarray:
    """``embeddings`` as ``float64`` rows ``(n, d)``: one per label, each flattened (raw series too)."""
    x = np.asarray(embeddings)
    if x.ndim == 0 or len(x) != n:
        rows = "a scalar" if x.ndim == 0 else f"{len(x)} rows"
        raise ValueError(f"{name} has {rows} but {labels_name} has {n}; there must be one row per label")
    return finite_embeddings(x.reshape(n, -1) if x.size else x, name)
