"""Input checks of the figures: labels as indices into ``class_names``, and embeddings to draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..checks import check_embeddings, check_labels


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
    """``(n, d)`` embeddings as ``float64``, checked: 2-D, numeric, not empty, no NaN or inf."""
    x = np.asarray(embeddings)
    if x.dtype.kind == "f" and np.isnan(x).any():
        rows = int(np.isnan(x.reshape(len(x), -1)).any(1).sum()) if x.ndim else 1
        raise ValueError(
            f"{name} has NaN in {rows} of {len(x) if x.ndim else 1} rows: the model that made these embeddings "
            "has probably diverged (look at its training loss)"
        )
    check_embeddings(x, name)  # 2-D, numeric, not empty, finite
    return x.astype(np.float64)


def rows_of(embeddings, n: int, name: str, labels_name: str) -> np.ndarray:
    """``embeddings`` as ``float64`` rows ``(n, d)``: one per label, each flattened (raw series too)."""
    x = np.asarray(embeddings)
    if x.ndim == 0 or len(x) != n:
        rows = "a scalar" if x.ndim == 0 else f"{len(x)} rows"
        raise ValueError(f"{name} has {rows} but {labels_name} has {n}; there must be one row per label")
    return finite_embeddings(x.reshape(n, -1) if x.size else x, name)
