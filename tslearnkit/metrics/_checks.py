"""Input checks of the metrics, and the names of the metrics they accept."""

from __future__ import annotations

import numpy as np

KNN_METRIC_NAMES = (
    "precision_at_1",
    "r_precision",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "mean_reciprocal_rank",
    "legacy_map_at_k",
)
CLUSTERING_METRIC_NAMES = ("NMI", "AMI")
METRIC_NAMES = KNN_METRIC_NAMES[:5] + CLUSTERING_METRIC_NAMES + KNN_METRIC_NAMES[5:]


def _check_labels(y, n: int, name: str, embeddings_name: str) -> np.ndarray:
    """Return labels as a vector ``(n,)``; ``(n, 1)`` is flattened."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n,) or (n, 1); got shape {y.shape}")
    if len(y) != n:
        raise ValueError(f"{name} has {len(y)} labels but {embeddings_name} has {n} rows; lengths must match")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{name} has NaN or infinite labels")
    return y


def _encode_labels(*label_arrays: np.ndarray) -> list[np.ndarray]:
    """Map labels (any comparable dtype) to shared integer codes ``0 .. n_labels - 1``."""
    sizes = [len(y) for y in label_arrays]
    try:
        _, codes = np.unique(np.concatenate(label_arrays), return_inverse=True)
    except TypeError as error:
        raise ValueError(f"labels of query and reference cannot be compared: {error}") from None
    return np.split(codes.reshape(-1).astype(np.int64), np.cumsum(sizes)[:-1])


def _check_reference_prefix(query, query_labels, reference, reference_labels) -> None:
    """``ref_includes_query=True`` promises ``reference[:len(query)] == query``; check it."""
    n = len(query)
    if len(reference) < n:
        raise ValueError(
            f"ref_includes_query=True needs the reference to start with the {n} queries, but "
            f"it has only {len(reference)} rows"
        )
    # tolerance as PML's check (torch.allclose defaults)
    close = np.isclose(reference[:n], query, rtol=1e-5, atol=1e-8).all(axis=1)
    if not close.all():
        row = int(np.flatnonzero(~close)[0])
        raise ValueError(
            f"ref_includes_query=True needs reference[:len(query)] equal to query; they differ first at row {row}"
        )
    same = np.asarray(reference_labels[:n] == query_labels)
    if not same.all():
        row = int(np.flatnonzero(~same)[0])
        raise ValueError(
            "ref_includes_query=True needs reference_labels[:len(query)] equal to query_labels; "
            f"they differ first at row {row}"
        )


def _is_positive_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1


def _check_include(include) -> tuple[str, ...]:
    if include is None:
        return METRIC_NAMES
    if isinstance(include, str):
        include = (include,)
    unknown = [name for name in include if name not in METRIC_NAMES]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose from {list(METRIC_NAMES)}")
    return tuple(name for name in METRIC_NAMES if name in include)


def _resolve_k(k, n_relevant_max: int, n_candidates: int) -> int:
    """Number of neighbours to rank, from PML's ``k`` (None, "max_bin_count" or an int).

    Args:
        n_relevant_max: largest R over the query labels (self already subtracted).
        n_candidates: references a query can be ranked against (self excluded).
    """
    if k is None:
        return n_candidates
    if isinstance(k, str) and k == "max_bin_count":
        return n_relevant_max
    if not _is_positive_int(k):
        raise ValueError(f"k must be None, 'max_bin_count' or an integer >= 1; got {k!r}")
    if k > n_candidates:
        raise ValueError(f"k={k} exceeds the {n_candidates} references each query can be ranked against")
    return int(k)
