"""Retrieval and clustering metrics for embeddings, as pytorch-metric-learning defines them.

The study reported Precision@1, MAP and NMI from pytorch-metric-learning's (PML)
``AccuracyCalculator``. :func:`retrieval_metrics` gives the same numbers for the same inputs
without PyTorch, in memory that grows with the number of references, not its square, so it can
run every epoch (:class:`RetrievalMetricsCallback`).

How a score is computed
    Every query is ranked against the reference set by squared Euclidean distance, computed in
    ``float32`` as ``|q|² − 2 q·r + |r|²`` (what faiss's ``IndexFlatL2``, PML's default k-NN,
    computes). Queries are processed in chunks; each chunk's distance block is sorted
    (partially when ``k`` is small), turned into a relevance row (same label or not) and reduced
    to per-query sums at once, so no ``n_query × n_reference`` matrix ever exists.

Tie rule
    Equal distances are ranked by reference index, lower first. faiss's ``IndexFlatL2`` (PML's
    default ``knn_func``) orders ties the same way; ``torch.topk`` (PML's ``CustomKNN``) leaves
    their order unspecified, so with that k-NN PML's numbers on tied data are themselves
    implementation-defined. With ``ref_includes_query`` the query's own row in the reference is
    removed by *index* (not "the first neighbour"), as PML 2.x does, so a duplicate of the query
    stays in its ranking.

Definitions (PML 2.x, ``avg_of_avgs=False``)
    For a query with label ``y``, ``R`` is the number of references labelled ``y`` (minus the
    query itself when the reference includes it) and ``K`` the number of neighbours retrieved
    (``k``). Queries with ``R = 0`` ("lone query labels") are left out of every k-NN metric;
    each metric is the mean over the remaining queries (``nan`` when none remain).

    * ``precision_at_1``: nearest neighbour has label ``y``.
    * ``r_precision``: relevant items among the first ``min(R, K)``, divided by ``min(R, K)``.
    * ``mean_average_precision_at_r``: sum of precision@i over relevant ranks ``i ≤ min(R, K)``,
      divided by ``R`` (also when ``K < R``).
    * ``mean_average_precision``: sum of precision@i over relevant ranks ``i ≤ K``, divided by
      ``R`` (also when ``K < R``). With ``k=None`` this is the usual average precision.
    * ``mean_reciprocal_rank``: ``1 / rank`` of the first relevant item within ``K``, else 0.
    * ``NMI``, ``AMI``: mutual information between the query labels and a k-means clustering
      of all query embeddings with as many clusters as query labels (scikit-learn ``KMeans``,
      ``random_state=seed``; PML's default is faiss k-means, see :func:`kmeans_cluster_labels`).
    * ``legacy_map_at_k``: the study's "MaP" (PML 0.9.99, see :func:`retrieval_metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "METRIC_NAMES",
    "KNN_METRIC_NAMES",
    "CLUSTERING_METRIC_NAMES",
    "retrieval_metrics",
    "retrieval_metrics_from_distances",
    "knn_accuracy",
    "kmeans_cluster_labels",
    "RetrievalMetricsCallback",
]

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

# A query chunk holds about this many distances (float32 block, sort keys and relevance flags:
# roughly 10 bytes each, i.e. ~80 MB), whatever the reference size.
_CHUNK_DISTANCES = 2**23
_EXCLUDED_64 = np.uint64(0xFFFFFFFFFFFFFFFF)  # sort key of the query's own row: after all
_LOW_32 = np.uint64(0xFFFFFFFF)


# --------------------------------------------------------------------------- input checks
def _check_embeddings(x, name: str) -> np.ndarray:
    """Return ``x`` as a C-contiguous ``float32`` matrix ``(n, d)`` of finite values."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, d) of embeddings; got shape {x.shape}")
    if x.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold numbers; got dtype {x.dtype}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {x.shape}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(
            f"{name} has NaN or infinite values (as float32) in {int((~finite).sum())} row(s), "
            f"first at row {row}"
        )
    return x


def _check_labels(y, n: int, name: str, embeddings_name: str) -> np.ndarray:
    """Return labels as a vector ``(n,)``; ``(n, 1)`` is flattened."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n,) or (n, 1); got shape {y.shape}")
    if len(y) != n:
        raise ValueError(
            f"{name} has {len(y)} labels but {embeddings_name} has {n} rows; lengths must match"
        )
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
            "ref_includes_query=True needs reference[:len(query)] equal to query; "
            f"they differ first at row {row}"
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
        raise ValueError(
            f"k={k} exceeds the {n_candidates} references each query can be ranked against"
        )
    return int(k)


def _chunk_rows(n_reference: int, chunk_size: int | None) -> int:
    if chunk_size is None:
        return max(1, _CHUNK_DISTANCES // max(n_reference, 1))
    if not _is_positive_int(chunk_size):
        raise ValueError(f"chunk_size must be None or an integer >= 1; got {chunk_size!r}")
    return int(chunk_size)


# --------------------------------------------------------------------------- neighbours
def _squared_distances(queries: np.ndarray, reference: np.ndarray, reference_sq: np.ndarray):
    """Squared Euclidean distances ``(m, n)`` in float32, clipped at +0.0.

    ``|q|² − 2 q·r + |r|²``, the expansion faiss's ``IndexFlatL2`` uses. Rounding can make it
    slightly negative for near-duplicates; those become +0.0 (never −0.0, whose bit pattern
    would sort last).
    """
    distances = queries @ reference.T
    distances *= -2.0
    distances += np.einsum("ij,ij->i", queries, queries)[:, None]
    distances += reference_sq[None, :]
    np.maximum(distances, 0.0, out=distances)
    distances += 0.0  # -0.0 + 0.0 == +0.0
    return distances


def _smallest_sorted(keys: np.ndarray, n_keep: int) -> np.ndarray:
    """The ``n_keep`` smallest keys of each row, ascending. ``keys`` may be overwritten."""
    if 2 * n_keep < keys.shape[1]:
        keys = np.partition(keys, n_keep - 1, axis=1)[:, :n_keep]
    keys.sort(axis=1)
    return keys[:, :n_keep]


def _sort_keys(distances, self_columns, low_bits) -> np.ndarray:
    """One unique ``uint64`` sort key per (row, reference): ``distance bits | index | flag``.

    Non-negative ``float32`` values order like their bit patterns, so the key orders by
    distance, then by reference index (the tie rule); ``low_bits`` (0 or 1 per element, below
    the index) carries a flag through the sort. The query's own column gets the largest key.
    """
    m, n = distances.shape
    keys = np.empty((m, n), dtype=np.uint64)
    np.copyto(keys, distances.view(np.uint32))
    keys <<= np.uint64(32)
    keys |= np.arange(0, 2 * n, 2, dtype=np.uint64)  # index << 1 (n < 2**31)
    if low_bits is not None:
        keys |= low_bits
    if self_columns is not None:
        keys[np.arange(m), self_columns] = _EXCLUDED_64
    return keys


def _ranked_neighbours(distances, n_ranked: int) -> np.ndarray:
    """Column indices of the ``n_ranked`` nearest references per row, by (distance, index).

    Args:
        distances: ``float32 (m, n)``, non-negative.
        n_ranked: neighbours to keep, ``1 <= n_ranked <= n``.

    Returns:
        ``int64 (m, n_ranked)``, nearest first; equal distances in increasing column order.
    """
    keys = _smallest_sorted(_sort_keys(distances, None, None), n_ranked)
    return ((keys & _LOW_32) >> np.uint64(1)).astype(np.int64)


def _ranked_relevance(distances, relevant, self_columns, n_ranked: int) -> np.ndarray:
    """Relevance (same label or not) of each row's ``n_ranked`` nearest references.

    Ranking is by (distance, reference index): the relevance flag rides in the lowest bit of
    the sort key, so no gather is needed after the sort. (A 32-bit key without the index is
    faster to sort, but ``float32`` distances tie often: with 10,000 references most rows have
    equal distances, so the index has to be in the key.)

    Args:
        distances: ``float32 (m, n)``, non-negative.
        relevant: ``bool (m, n)``, reference has the query's label.
        self_columns: ``int (m,)`` column removed from each row (the query itself), or None.
        n_ranked: ``K``, at most the number of candidates per row.

    Returns:
        ``bool (m, n_ranked)``, relevance of the neighbours in rank order.
    """
    keys = _sort_keys(distances, self_columns, ~relevant)  # low bit 0 = relevant
    keys = _smallest_sorted(keys, n_ranked)
    np.bitwise_and(keys, np.uint64(1), out=keys)
    return keys == 0


def _per_query_scores(ranked: np.ndarray, n_relevant: np.ndarray) -> dict[str, np.ndarray]:
    """Every k-NN metric for each query, from its ranked relevance flags.

    Args:
        ranked: ``bool (m, K)``, relevance of the ``K`` nearest references, nearest first.
        n_relevant: ``int (m,)``, ``R`` per query (``>= 1``).

    Returns:
        ``{metric name: float64 (m,)}``.
    """
    m, n_ranked = ranked.shape
    rows, columns = np.nonzero(ranked)  # row-major: each row's hits in rank order
    found = np.bincount(rows, minlength=m)
    first_hit = np.cumsum(found) - found  # offset of each row's first hit in rows/columns
    hit_number = np.arange(rows.size) - first_hit[rows] + 1
    precision_at_hit = hit_number / (columns + 1.0)
    within_r = columns < n_relevant[rows]

    precision_sum = np.bincount(rows, weights=precision_at_hit, minlength=m)
    precision_sum_at_r = np.bincount(rows, weights=precision_at_hit * within_r, minlength=m)
    hits_at_r = np.bincount(rows, weights=within_r, minlength=m)
    reciprocal_rank = np.zeros(m)
    has_hit = found > 0
    reciprocal_rank[has_hit] = 1.0 / (columns[first_hit[has_hit]] + 1.0)
    return {
        "precision_at_1": ranked[:, 0].astype(np.float64),
        "r_precision": hits_at_r / np.minimum(n_relevant, n_ranked),
        "mean_average_precision_at_r": precision_sum_at_r / n_relevant,
        "mean_average_precision": precision_sum / n_relevant,
        "mean_reciprocal_rank": reciprocal_rank,
        "legacy_map_at_k": precision_sum / np.maximum(found, 1),
    }


def _knn_metrics(query, query_codes, reference, reference_codes, ref_includes_query, k, names,
                 chunk_size):
    """Mean of each k-NN metric in ``names`` over the queries whose label has R >= 1."""
    self_count = int(ref_includes_query)
    reference_counts = np.bincount(reference_codes, minlength=query_codes.max() + 1)
    n_relevant = reference_counts[query_codes] - self_count
    valid = np.flatnonzero(n_relevant > 0)  # PML leaves "lone query labels" out
    n_candidates = len(reference) - self_count
    n_ranked = _resolve_k(k, int(n_relevant.max(initial=0)), n_candidates)
    if valid.size == 0 or n_ranked == 0:
        return {name: float("nan") for name in names}

    reference_sq = np.einsum("ij,ij->i", reference, reference)
    sums = dict.fromkeys(names, 0.0)
    step = _chunk_rows(len(reference), chunk_size)
    for start in range(0, valid.size, step):
        rows = valid[start : start + step]
        distances = _squared_distances(query[rows], reference, reference_sq)
        relevant = query_codes[rows, None] == reference_codes[None, :]
        ranked = _ranked_relevance(distances, relevant, rows if ref_includes_query else None,
                                   n_ranked)
        del distances, relevant
        scores = _per_query_scores(ranked, n_relevant[rows])
        for name in names:
            sums[name] += float(scores[name].sum())
    return {name: sums[name] / valid.size for name in names}


# --------------------------------------------------------------------------- clustering
def kmeans_cluster_labels(embeddings, n_clusters: int, *, seed: int = 0, n_init: int = 1):
    """k-means cluster index of each embedding (scikit-learn ``KMeans``).

    PML's default ``kmeans_func`` is faiss k-means (one run of 20 iterations); the goldens
    pass PML this function instead (``KMeans(n_clusters, n_init=n_init, random_state=seed)`` on
    the ``float32`` embeddings), so NMI and AMI agree exactly. k-means runs on one OpenMP
    thread: its result does not depend on the thread count, and on a busy machine (a training
    job, a shared CI runner) several spinning OpenMP threads are many times slower than one.

    Args:
        embeddings: ``(n, d)`` array, used as ``float32``.
        n_clusters: number of clusters, ``1 <= n_clusters <= n``.
        seed: ``random_state`` of k-means.
        n_init: k-means++ restarts; the best inertia wins (1 = scikit-learn's default).

    Returns:
        ``int32 (n,)`` cluster indices.
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    x = np.asarray(embeddings, dtype=np.float32)
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=n_clusters, n_init=n_init, random_state=seed).fit_predict(x)


def _clustering_metrics(query, query_labels, names, seed, n_init):
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    cluster_labels = kmeans_cluster_labels(
        query, len(np.unique(query_labels)), seed=seed, n_init=n_init
    )
    scorers = {"NMI": normalized_mutual_info_score, "AMI": adjusted_mutual_info_score}
    return {name: float(scorers[name](query_labels, cluster_labels)) for name in names}


# --------------------------------------------------------------------------- public API
def retrieval_metrics(
    query,
    query_labels,
    reference=None,
    reference_labels=None,
    *,
    k=None,
    ref_includes_query=None,
    seed: int = 0,
    include: Sequence[str] | None = None,
    kmeans_n_init: int = 1,
    chunk_size: int | None = None,
) -> dict[str, float]:
    """pytorch-metric-learning's retrieval and clustering metrics, without PyTorch.

    Same values as ``AccuracyCalculator(k=k, kmeans_func=<sklearn k-means>).get_accuracy(query,
    query_labels, reference, reference_labels, ref_includes_query)`` of PML 2.x (argument order
    as there), for the metric definitions in the module docstring.

    ``legacy_map_at_k`` is the study's "MaP": ``mean_average_precision`` of PML 0.9.99, which
    divided the summed precision@i over the relevant items found within ``K`` by the *number of
    relevant items found within K* (1 when none was found), not by ``R``. So it ignores relevant
    items that were not retrieved: with ``k=3`` the ranking [hit, miss, miss] scores 1.0, while
    today's ``mean_average_precision`` scores ``1 / R``. The study used ``k=3``; pass ``k=3`` to
    get its number (with ``k=None`` every relevant item is found and it equals
    ``mean_average_precision``). One more 0.9.99 difference: it dropped the *first* neighbour
    as "self" in leave-one-out, which differs from dropping the query's own row only when the
    query has an exact duplicate in the reference; we always drop the query's own row.

    Args:
        query: ``(n_query, d)`` embeddings, any real dtype (used as ``float32``, as PML does).
        query_labels: ``(n_query,)`` or ``(n_query, 1)`` labels, integers or strings.
        reference: ``(n_reference, d)`` embeddings to rank; None means leave-one-out within the
            query set (reference = query, ``ref_includes_query=True``).
        reference_labels: ``(n_reference,)`` labels; given exactly when ``reference`` is.
        k: neighbours ranked per query: None = all references, ``"max_bin_count"`` = largest
            R over the query labels, or an int. With ``k < R``, ``r_precision`` and
            ``mean_average_precision_at_r`` only see the first ``k`` (as in PML).
        ref_includes_query: the first ``n_query`` rows of the reference are the queries, so
            each query's own row is left out of its ranking. None means True when
            ``reference`` is None, else False.
        seed: ``random_state`` of the k-means behind NMI and AMI.
        include: metric names to compute (default all :data:`METRIC_NAMES`); leaving out NMI
            and AMI skips k-means, leaving out the rest skips the neighbour search.
        kmeans_n_init: k-means restarts for NMI/AMI.
        chunk_size: queries per block (default: about 8 million distances per block).

    Returns:
        ``{name: float}`` for the names in ``include``, in :data:`METRIC_NAMES` order. k-NN
        metrics are ``nan`` when every query label is lone (no other reference has it).

    Raises:
        ValueError: embeddings not 2-D, empty, non-numeric or with NaN/inf; label counts that
            differ from the embedding rows; query and reference of different widths;
            ``reference`` without ``reference_labels`` (or the reverse); a reference that does
            not start with the queries when ``ref_includes_query=True``; a bad ``k``,
            ``include`` or ``chunk_size``.
    """
    names = _check_include(include)
    query = _check_embeddings(query, "query")
    query_labels = _check_labels(query_labels, len(query), "query_labels", "query")
    if (reference is None) != (reference_labels is None):
        raise ValueError("give reference and reference_labels together (or neither)")
    if reference is None:
        if ref_includes_query is False:
            raise ValueError(
                "reference=None means leave-one-out within the query set, which needs "
                "ref_includes_query=True (or None); got False"
            )
        reference, reference_labels, ref_includes_query = query, query_labels, True
    else:
        reference = _check_embeddings(reference, "reference")
        reference_labels = _check_labels(
            reference_labels, len(reference), "reference_labels", "reference"
        )
        if reference.shape[1] != query.shape[1]:
            raise ValueError(
                f"query has {query.shape[1]} dimensions but reference has {reference.shape[1]}"
            )
        ref_includes_query = bool(ref_includes_query)
        if ref_includes_query:
            _check_reference_prefix(query, query_labels, reference, reference_labels)

    query_codes, reference_codes = _encode_labels(query_labels, reference_labels)
    results = {}
    knn_names = [name for name in names if name in KNN_METRIC_NAMES]
    if knn_names:
        results.update(
            _knn_metrics(query, query_codes, reference, reference_codes, ref_includes_query,
                         k, knn_names, chunk_size)
        )
    cluster_names = [name for name in names if name in CLUSTERING_METRIC_NAMES]
    if cluster_names:
        results.update(_clustering_metrics(query, query_codes, cluster_names, seed, kmeans_n_init))
    return {name: results[name] for name in names}


def retrieval_metrics_from_distances(distances, query_labels, reference_labels, *, k=None) -> dict:
    """The k-NN metrics of :func:`retrieval_metrics` from a precomputed distance matrix.

    For references that are not embeddings, e.g. DTW distances between raw series. The
    reference must not contain the queries (no self-exclusion is done). Ranking and ties follow
    :func:`retrieval_metrics` (by distance, then reference index); no NMI/AMI (nothing to
    cluster).

    Args:
        distances: ``(m, n)`` non-negative, finite distances from each query to each reference.
        query_labels: ``(m,)``; reference_labels: ``(n,)``.
        k: as in :func:`retrieval_metrics`.

    Returns:
        ``{name: float}`` for the names in ``KNN_METRIC_NAMES``.
    """
    distances = np.asarray(distances)
    if distances.ndim != 2:
        raise ValueError(f"distances must be a 2-D (queries, references) matrix; got shape {distances.shape}")
    if not np.isfinite(distances).all() or (distances < 0).any():
        raise ValueError("distances must be finite and non-negative")
    query_labels = np.asarray(query_labels).reshape(-1)
    reference_labels = np.asarray(reference_labels).reshape(-1)
    if len(query_labels) != distances.shape[0] or len(reference_labels) != distances.shape[1]:
        raise ValueError(
            f"distances {distances.shape} do not match {len(query_labels)} query and "
            f"{len(reference_labels)} reference labels"
        )
    query_codes, reference_codes = _encode_labels(query_labels, reference_labels)
    n_relevant = np.bincount(reference_codes, minlength=query_codes.max() + 1)[query_codes]
    valid = np.flatnonzero(n_relevant > 0)
    n_ranked = _resolve_k(k, int(n_relevant.max(initial=0)), distances.shape[1])
    if valid.size == 0 or n_ranked == 0:
        return {name: float("nan") for name in KNN_METRIC_NAMES}
    sums = dict.fromkeys(KNN_METRIC_NAMES, 0.0)
    step = _chunk_rows(distances.shape[1], None)
    for start in range(0, valid.size, step):
        rows = valid[start : start + step]
        block = np.ascontiguousarray(distances[rows], dtype=np.float32) + 0.0  # -0.0 -> +0.0
        relevant = query_codes[rows, None] == reference_codes[None, :]
        scores = _per_query_scores(_ranked_relevance(block, relevant, None, n_ranked), n_relevant[rows])
        for name in KNN_METRIC_NAMES:
            sums[name] += float(scores[name].sum())
    return {name: sums[name] / valid.size for name in KNN_METRIC_NAMES}


def knn_accuracy(train_embeddings, train_labels, test_embeddings, test_labels, k: int = 1) -> float:
    """Accuracy of a k-nearest-neighbour majority vote (Euclidean) on the training embeddings.

    Tie rules: neighbours at equal distance are ranked by training index, lower first (as in
    :func:`retrieval_metrics`); when several classes share the most votes, the class of the
    nearest neighbour among them wins. So the result is deterministic, and ``k=1`` is the
    nearest neighbour's label.

    Args:
        train_embeddings: ``(n_train, d)`` embeddings (used as ``float32``).
        train_labels: ``(n_train,)`` labels, integers or strings.
        test_embeddings: ``(n_test, d)`` embeddings.
        test_labels: ``(n_test,)`` labels; a label absent from training is always wrong.
        k: neighbours voting, ``1 <= k <= n_train``.

    Returns:
        Fraction of test embeddings whose predicted label equals their label, in ``[0, 1]``.

    Raises:
        ValueError: bad shapes, NaN/inf, mismatched lengths or widths, or a bad ``k``.
    """
    train = _check_embeddings(train_embeddings, "train_embeddings")
    test = _check_embeddings(test_embeddings, "test_embeddings")
    train_labels = _check_labels(train_labels, len(train), "train_labels", "train_embeddings")
    test_labels = _check_labels(test_labels, len(test), "test_labels", "test_embeddings")
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"test_embeddings have {test.shape[1]} dimensions but train_embeddings {train.shape[1]}"
        )
    if not _is_positive_int(k) or k > len(train):
        raise ValueError(f"k must be an integer in [1, {len(train)}] (the training size); "
                         f"got {k!r}")
    train_codes, test_codes = _encode_labels(train_labels, test_labels)
    n_codes = int(max(train_codes.max(), test_codes.max())) + 1

    train_sq = np.einsum("ij,ij->i", train, train)
    correct = 0
    step = _chunk_rows(len(train), None)
    for start in range(0, len(test), step):
        distances = _squared_distances(test[start : start + step], train, train_sq)
        neighbour_codes = train_codes[_ranked_neighbours(distances, int(k))]
        predicted = _majority_vote(neighbour_codes, n_codes)
        correct += int((predicted == test_codes[start : start + step]).sum())
    return correct / len(test)


def _majority_vote(neighbour_codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Most frequent code per row of ``(m, k)`` ranked codes; ties -> the nearest such code."""
    m, k = neighbour_codes.shape
    flat = (np.arange(m)[:, None] * n_codes + neighbour_codes).reshape(-1)
    votes = np.bincount(flat, minlength=m * n_codes).reshape(m, n_codes)
    is_top = votes == votes.max(axis=1, keepdims=True)
    first_top = np.argmax(np.take_along_axis(is_top, neighbour_codes, axis=1), axis=1)
    return neighbour_codes[np.arange(m), first_top]


# --------------------------------------------------------------------------- Keras callback
def _build_callback_class():
    """Define :class:`RetrievalMetricsCallback` (Keras is imported only when it is asked for)."""
    import keras

    class RetrievalMetricsCallback(keras.callbacks.Callback):
        """Adds retrieval metrics of a validation set to the epoch logs during ``fit``.

        Every ``every_n_epochs`` epochs (and at the last epoch) the queries (and the reference,
        if any) are embedded with ``embedding_model`` and :func:`retrieval_metrics` is written to
        ``logs`` as ``prefix + name``: ``val_precision_at_1``, ``val_r_precision``,
        ``val_mean_average_precision_at_r``, ``val_mean_average_precision``,
        ``val_mean_reciprocal_rank``, ``val_NMI``, ``val_AMI``, ``val_legacy_map_at_k``. The
        values then appear in the progress bar and ``History``, and ``EarlyStopping`` or
        ``ModelCheckpoint`` can monitor them (``mode="max"``) **if this callback comes before
        them in the callbacks list**: Keras calls callbacks in list order with one shared
        ``logs`` dict. On epochs that are skipped the keys are absent, and those callbacks
        warn and do nothing that epoch.

        Args:
            query_x: validation inputs, anything ``model.predict`` takes.
            query_y: their labels ``(n_query,)``.
            reference_x: inputs to rank against (e.g. the training set); None means
                leave-one-out within the queries.
            reference_y: their labels.
            every_n_epochs: compute every this many epochs (>= 1).
            prefix: prepended to each metric name in ``logs``.
            embedding_model: model mapping inputs to embeddings ``(n, d)``; default the model
                being trained (``self.model``), e.g. when it outputs the embedding itself.
            batch_size: batch size of ``predict``.
            k: as in :func:`retrieval_metrics`.
            include: metric names to compute (default all); leaving out ``"NMI"`` and
                ``"AMI"`` skips k-means each epoch.
            seed: k-means seed.

        Attributes:
            last_metrics: the most recent ``{name: value}`` (without prefix), or None.
        """

        def __init__(self, query_x, query_y, reference_x=None, reference_y=None, *,
                     every_n_epochs: int = 1, prefix: str = "val_", embedding_model=None,
                     batch_size: int = 256, k=None, include=None, seed: int = 0):
            super().__init__()
            if (reference_x is None) != (reference_y is None):
                raise ValueError("give reference_x and reference_y together (or neither)")
            if not _is_positive_int(every_n_epochs):
                raise ValueError(f"every_n_epochs must be an integer >= 1; got {every_n_epochs!r}")
            _check_lengths(query_x, query_y, "query")
            if reference_x is not None:
                _check_lengths(reference_x, reference_y, "reference")
            self.query_x, self.query_y = query_x, np.asarray(query_y)
            self.reference_x = reference_x
            self.reference_y = None if reference_y is None else np.asarray(reference_y)
            self.every_n_epochs = every_n_epochs
            self.prefix = prefix
            self.embedding_model = embedding_model
            self.batch_size = batch_size
            self.k = k
            self.include = _check_include(include)
            self.seed = seed
            self.last_metrics = None

        def _embed(self, x):
            model = self.embedding_model if self.embedding_model is not None else self.model
            embeddings = model.predict(x, batch_size=self.batch_size, verbose=0)
            if not isinstance(embeddings, np.ndarray):
                raise ValueError(
                    "the model returns several outputs; pass embedding_model= a model that "
                    "returns the embedding alone"
                )
            return embeddings.reshape(len(embeddings), -1)

        def on_epoch_end(self, epoch, logs=None):
            last_epoch = self.params.get("epochs") if self.params else None
            if (epoch + 1) % self.every_n_epochs and epoch + 1 != last_epoch:
                return
            query = self._embed(self.query_x)
            reference = None if self.reference_x is None else self._embed(self.reference_x)
            self.last_metrics = retrieval_metrics(
                query, self.query_y, reference, self.reference_y,
                k=self.k, seed=self.seed, include=self.include,
            )
            if logs is not None:
                for name, value in self.last_metrics.items():
                    logs[self.prefix + name] = value

    RetrievalMetricsCallback.__module__ = __name__
    return RetrievalMetricsCallback


def _check_lengths(x, y, name: str) -> None:
    """Same number of inputs and labels, where ``x`` has a length (arrays, dicts of arrays)."""
    try:
        n_x = len(next(iter(x.values()))) if isinstance(x, dict) else len(x)
    except TypeError:  # e.g. a tf.data.Dataset: checked when the metrics are computed
        return
    n_y = len(np.asarray(y))
    if n_x != n_y:
        raise ValueError(f"{name}_x has {n_x} samples but {name}_y has {n_y} labels")


def __getattr__(name: str):
    # PEP 562: build the Keras callback on first use, so that the metrics above never import
    # TensorFlow (``import tslearnkit`` promises the same).
    if name == "RetrievalMetricsCallback":
        cls = _build_callback_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"RetrievalMetricsCallback"})
