"""The public retrieval metrics: `retrieval_metrics` (k-NN and clustering scores of embeddings)
and `retrieval_metrics_from_distances` (k-NN scores of a precomputed distance matrix)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..checks import check_embeddings
from . import clustering, neighbours
from ._checks import (
    CLUSTERING_METRIC_NAMES,
    KNN_METRIC_NAMES,
    _check_include,
    _check_labels,
    _check_reference_prefix,
    _encode_labels,
    _resolve_k,
)


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
    query = check_embeddings(query, "query")
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
        reference = check_embeddings(reference, "reference")
        reference_labels = _check_labels(reference_labels, len(reference), "reference_labels", "reference")
        if reference.shape[1] != query.shape[1]:
            raise ValueError(f"query has {query.shape[1]} dimensions but reference has {reference.shape[1]}")
        ref_includes_query = bool(ref_includes_query)
        if ref_includes_query:
            _check_reference_prefix(query, query_labels, reference, reference_labels)

    query, reference = _common_scale(query, reference, same=reference is query)
    query_codes, reference_codes = _encode_labels(query_labels, reference_labels)
    results = {}
    knn_names = [name for name in names if name in KNN_METRIC_NAMES]
    if knn_names:
        results.update(
            neighbours._knn_metrics(
                query, query_codes, reference, reference_codes, ref_includes_query, k, knn_names, chunk_size
            )
        )
    cluster_names = [name for name in names if name in CLUSTERING_METRIC_NAMES]
    if cluster_names:
        results.update(clustering._clustering_metrics(query, query_codes, cluster_names, seed, kmeans_n_init))
    return {name: results[name] for name in names}


def _common_scale(query, reference, *, same):
    """Rescale both sets by one power of two when their magnitude would overflow or underflow
    float32 squared distances (|x| above ~1e15 or below ~1e-15). A power of two is exact and
    common to both, so every ranking and clustering is unchanged; within that range nothing is
    touched, so the numbers stay bit-identical to pytorch-metric-learning's."""
    largest = float(max(np.abs(query).max(initial=0.0), np.abs(reference).max(initial=0.0)))
    if largest == 0.0 or 1e-15 <= largest <= 1e15:
        return query, reference
    factor = np.float32(2.0 ** -np.round(np.log2(largest)))
    query = (query.astype(np.float64) * float(factor)).astype(np.float32)
    return query, query if same else (reference.astype(np.float64) * float(factor)).astype(np.float32)


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
    if 0 in distances.shape:
        raise ValueError(f"distances must have at least one query and one reference; got shape {distances.shape}")
    if not np.isfinite(distances).all() or (distances < 0).any():
        raise ValueError("distances must be finite and non-negative")
    query_labels = np.asarray(query_labels).reshape(-1)
    reference_labels = np.asarray(reference_labels).reshape(-1)
    if len(query_labels) != distances.shape[0] or len(reference_labels) != distances.shape[1]:
        raise ValueError(
            f"distances {distances.shape} do not match {len(query_labels)} query and "
            f"{len(reference_labels)} reference labels"
        )
    for labels, name in ((query_labels, "query_labels"), (reference_labels, "reference_labels")):
        _check_labels(labels, len(labels), name, "distances")  # NaN labels
    query_codes, reference_codes = _encode_labels(query_labels, reference_labels)
    n_relevant = np.bincount(reference_codes, minlength=query_codes.max() + 1)[query_codes]
    valid = np.flatnonzero(n_relevant > 0)
    n_ranked = _resolve_k(k, int(n_relevant.max(initial=0)), distances.shape[1])
    if valid.size == 0 or n_ranked == 0:
        return {name: float("nan") for name in KNN_METRIC_NAMES}
    sums = dict.fromkeys(KNN_METRIC_NAMES, 0.0)
    step = neighbours._chunk_rows(distances.shape[1], None)
    for start in range(0, valid.size, step):
        rows = valid[start : start + step]
        block = np.ascontiguousarray(distances[rows], dtype=np.float32) + 0.0  # -0.0 -> +0.0
        relevant = query_codes[rows, None] == reference_codes[None, :]
        scores = neighbours._per_query_scores(
            neighbours._ranked_relevance(block, relevant, None, n_ranked), n_relevant[rows]
        )
        for name in KNN_METRIC_NAMES:
            sums[name] += float(scores[name].sum())
    return {name: sums[name] / valid.size for name in KNN_METRIC_NAMES}
