"""Non-deep references: nearest neighbours on the raw series (Euclidean and DTW) and MiniRocket.

Every lesson compares its embedding against these, so a student can see whether learning
helped at all. Euclidean distances are NumPy's; DTW comes from ``aeon.distances`` (numba-compiled)
and MiniRocket is aeon's classifier (random convolutional features + ridge), the strongest cheap
non-deep reference. aeon is the ``aeon`` extra: without it, DTW and MiniRocket say how to install it.

DTW costs ``n_query · n_reference · timesteps²`` cell updates. :func:`plan_dtw` keeps that
under a budget (``DTW_CELLS``, a fiftieth of it in quick mode): first with a Sakoe-Chiba warping
window (cells shrink to about ``2 · window · timesteps²``, window at least 5 % of the length),
then, if that is not enough, by scoring a seeded, stratified subsample of the queries. The plan
says what it did, and the lessons print it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .data import check_labels, check_series
from .data.catalogue import AEON_EXTRA

__all__ = ["raw_distances", "nearest_neighbour_scores", "plan_dtw", "DtwPlan", "minirocket_scores", "DTW_CELLS"]

DTW_CELLS = 1.5e10  # cell updates one DTW baseline may cost (about a minute on one core)
MIN_WINDOW = 0.05


@dataclasses.dataclass(frozen=True)
class DtwPlan:
    """How a DTW baseline is computed: ``window`` (fraction of the length, None: full) and the
    number of queries scored (``n_queries`` of ``n_queries_total``)."""

    window: float | None
    n_queries: int
    n_queries_total: int

    def describe(self) -> str:
        parts = ["full warping" if self.window is None else f"Sakoe-Chiba window {self.window:.0%} of the length"]
        if self.n_queries < self.n_queries_total:
            parts.append(f"a stratified subsample of {self.n_queries} of {self.n_queries_total} test queries")
        return "DTW with " + " and ".join(parts)


def plan_dtw(
    n_query: int, n_reference: int, timesteps: int, *, quick: bool = False, budget: float | None = None
) -> DtwPlan:
    """Choose a warping window and query subsample so DTW stays within ``budget`` cell updates."""
    budget = float(budget if budget is not None else DTW_CELLS / (50 if quick else 1))
    pairs = float(n_query) * float(n_reference)
    full = pairs * float(timesteps) ** 2
    if full <= budget:
        return DtwPlan(None, n_query, n_query)
    window = budget / (2.0 * full)
    if window >= MIN_WINDOW:
        return DtwPlan(round(window, 3), n_query, n_query)
    cells_per_query = n_reference * 2.0 * MIN_WINDOW * float(timesteps) ** 2
    n_keep = int(max(1, min(n_query, budget // cells_per_query)))
    return DtwPlan(MIN_WINDOW, n_keep, n_query)


def _import_aeon(module: str, what: str):
    """``module`` of aeon, or an ImportError saying what needed it and how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"{what} needs {AEON_EXTRA}; importing aeon failed: {err}") from err


def _stratified_subsample(y, n_keep: int, seed: int) -> np.ndarray:
    if n_keep >= len(y):
        return np.arange(len(y))
    from .data import stratified_split_indices

    _, kept = stratified_split_indices(y, n_keep / len(y), seed=seed)
    return kept


def _check_same_shape(a, b, names: tuple[str, str], *, length: bool) -> None:
    """Series of ``a`` and ``b`` must have the same channels (and, where ``length``, the same length)."""
    if a.shape[2] != b.shape[2] or (length and a.shape[1] != b.shape[1]):
        need = "the same length and channels" if length else "the same channels (DTW aligns lengths)"
        raise ValueError(
            f"{names[0]} has (timesteps, channels) = {a.shape[1:]} but {names[1]} has {b.shape[1:]}; they need {need}: "
            "preprocess both splits alike (tk.data.resample_series, tk.data.pad_series)"
        )


def _check_distance(distance, window) -> None:
    """``distance`` is ``"euclidean"`` or ``"dtw"``; ``window`` is None or a fraction of the length, DTW only."""
    if distance not in ("euclidean", "dtw"):
        raise ValueError(f"distance must be 'euclidean' or 'dtw'; got {distance!r}")
    if window is None:
        return
    if isinstance(window, np.ndarray) and window.ndim == 0:  # np.array(0.1) is a number too
        window = window[()]
    number = isinstance(window, (int, float, np.integer, np.floating)) and not isinstance(window, bool)
    if not number or not 0 <= window <= 1:  # NaN fails too (aeon took it as no band)
        raise ValueError(f"window must be None or a fraction of the length between 0 and 1; got {window!r}")
    if distance != "dtw":
        raise ValueError(f"window={window!r} is a DTW warping band; distance={distance!r} has none (leave it None)")


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
    _check_distance(distance, window)
    x_query = check_series(x_query, name="x_query")
    x_reference = check_series(x_reference, name="x_reference")
    _check_same_shape(x_query, x_reference, ("x_query", "x_reference"), length=distance != "dtw")
    if distance == "euclidean":
        q = x_query.reshape(len(x_query), -1).astype(np.float64)
        r = x_reference.reshape(len(x_reference), -1).astype(np.float64)
        sq = (q**2).sum(1)[:, None] + (r**2).sum(1)[None, :] - 2 * q @ r.T
        return np.sqrt(np.maximum(sq, 0.0))
    import warnings

    dtw_pairwise_distance = _import_aeon("aeon.distances", "the DTW baseline").dtw_pairwise_distance

    # aeon is channels-first: (n, channels, timesteps). numba, compiling aeon's loop on the
    # first call with an empty cache, warns of a harmless integer cast; a lesson shows it as
    # a red "Warning" the student can do nothing about.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unsafe cast from uint64 to int64")
        return dtw_pairwise_distance(
            np.ascontiguousarray(x_query.transpose(0, 2, 1), np.float64),
            np.ascontiguousarray(x_reference.transpose(0, 2, 1), np.float64),
            window=window,
        )


def nearest_neighbour_scores(
    x_train,
    y_train,
    x_test,
    y_test,
    *,
    distance: str = "euclidean",
    window=None,
    plan: DtwPlan | None = None,
    seed: int = 0,
) -> dict:
    """1-NN accuracy and retrieval scores of raw test series against raw training series.

    For DTW, ``plan`` (from :func:`plan_dtw`) sets the window and, when it subsamples, which
    test queries are scored (seeded, stratified by class); ``window`` alone sets the window.

    Returns:
        ``{"knn_accuracy", "precision_at_1", "mean_average_precision_at_r",
        "mean_average_precision", "r_precision"}`` computed from the distance matrix with the
        same definitions as :func:`tslearnkit.metrics.retrieval_metrics` (no clustering
        scores: raw series have no embedding to cluster).
    """
    from .metrics import retrieval_metrics_from_distances

    _check_distance(distance, window)
    x_train, x_test = check_series(x_train, name="x_train"), check_series(x_test, name="x_test")
    _check_same_shape(x_test, x_train, ("x_test", "x_train"), length=distance != "dtw")
    y_train = check_labels(y_train, len(x_train), name="y_train")
    y_test = check_labels(y_test, len(x_test), name="y_test")
    if plan is not None and distance == "dtw":
        window = plan.window
        rows = _stratified_subsample(y_test, plan.n_queries, seed)
        x_test, y_test = np.asarray(x_test)[rows], y_test[rows]
    dist = raw_distances(x_test, x_train, distance=distance, window=window)
    scores = retrieval_metrics_from_distances(dist, y_test, y_train)
    nearest = y_train[np.argmin(dist, axis=1)]
    scores["knn_accuracy"] = float(np.mean(nearest == y_test))
    return {k: float(v) for k, v in scores.items()}


def minirocket_scores(x_train, y_train, x_test, y_test, *, seed: int = 0) -> dict:
    """Test accuracy of aeon's MiniRocket classifier fitted on the training split.

    Returns:
        ``{"accuracy", "fit_seconds"}``. MiniRocket is a classifier, not an embedding: it has
        no retrieval scores.
    """
    import time

    convolution_based = _import_aeon("aeon.classification.convolution_based", "the MiniRocket baseline")
    x_train = check_series(x_train, name="x_train")
    x_test = check_series(x_test, name="x_test")
    y_train = check_labels(y_train, len(x_train), name="y_train")
    y_test = check_labels(y_test, len(x_test), name="y_test")
    _check_same_shape(x_test, x_train, ("x_test", "x_train"), length=True)
    if x_train.shape[1] < 9:
        # MiniRocket's kernels have length 9; shorter series are repeated-last padded to 9.
        pad = 9 - x_train.shape[1]
        x_train = np.concatenate([x_train, np.repeat(x_train[:, -1:], pad, axis=1)], axis=1)
        x_test = np.concatenate([x_test, np.repeat(x_test[:, -1:], pad, axis=1)], axis=1)
    start = time.perf_counter()
    model = convolution_based.MiniRocketClassifier(random_state=seed)
    model.fit(np.ascontiguousarray(x_train.transpose(0, 2, 1), np.float64), y_train)  # aeon: channels first
    predicted = model.predict(np.ascontiguousarray(x_test.transpose(0, 2, 1), np.float64))
    return {
        "accuracy": float(np.mean(np.asarray(predicted).astype(np.int64) == y_test)),
        "fit_seconds": float(time.perf_counter() - start),
    }
