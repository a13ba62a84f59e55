"""Non-deep references: nearest neighbours on the raw series (Euclidean and DTW).

Every lesson compares its embedding against these, so a student can see whether learning
helped at all. Distances come from ``aeon.distances`` (numba-compiled DTW).
"""

from __future__ import annotations

import numpy as np

from .data import check_labels, check_series

__all__ = ["raw_distances", "nearest_neighbour_scores"]


def raw_distances(x_query, x_reference, *, distance: str = "euclidean", window: float | None = None) -> np.ndarray:
    """Pairwise distances between raw series.

    Args:
        x_query: ``(n, t, c)``; x_reference: ``(m, t, c)``.
        distance: ``"euclidean"`` (on the flattened series) or ``"dtw"`` (multivariate,
            dependent warping: one warping path for all channels).
        window: DTW Sakoe-Chiba band as a fraction of the length (``None``: unconstrained).

    Returns:
        ``float64`` ``(n, m)`` distances (DTW: aeon's cost, the sum of squared differences
        along the best path).
    """
    x_query = check_series(x_query, name="x_query")
    x_reference = check_series(x_reference, name="x_reference")
    if distance == "euclidean":
        q = x_query.reshape(len(x_query), -1).astype(np.float64)
        r = x_reference.reshape(len(x_reference), -1).astype(np.float64)
        sq = (q**2).sum(1)[:, None] + (r**2).sum(1)[None, :] - 2 * q @ r.T
        return np.sqrt(np.maximum(sq, 0.0))
    if distance == "dtw":
        from aeon.distances import dtw_pairwise_distance

        # aeon is channels-first: (n, channels, timesteps).
        return dtw_pairwise_distance(
            np.ascontiguousarray(x_query.transpose(0, 2, 1), np.float64),
            np.ascontiguousarray(x_reference.transpose(0, 2, 1), np.float64),
            window=window,
        )
    raise ValueError(f"distance must be 'euclidean' or 'dtw'; got {distance!r}")


def nearest_neighbour_scores(x_train, y_train, x_test, y_test, *, distance: str = "euclidean", window=None) -> dict:
    """1-NN accuracy and retrieval scores of raw test series against raw training series.

    Returns:
        ``{"knn_accuracy", "precision_at_1", "mean_average_precision_at_r",
        "mean_average_precision", "r_precision"}`` computed from the distance matrix with the
        same definitions as :func:`tslearnkit.metrics.retrieval_metrics` (no clustering
        scores: raw series have no embedding to cluster).
    """
    from .metrics import retrieval_metrics_from_distances

    y_train = check_labels(y_train, len(x_train), name="y_train")
    y_test = check_labels(y_test, len(x_test), name="y_test")
    dist = raw_distances(x_test, x_train, distance=distance, window=window)
    scores = retrieval_metrics_from_distances(dist, y_test, y_train)
    nearest = y_train[np.argmin(dist, axis=1)]
    scores["knn_accuracy"] = float(np.mean(nearest == y_test))
    return {k: float(v) for k, v in scores.items()}
