"""Nearest neighbours in query chunks: squared distances, ranking with the tie rule, k-NN scores.

Queries are processed in chunks of about `_CHUNK_DISTANCES` distances, so no
`n_query x n_reference` matrix ever exists.
"""

from __future__ import annotations

import numpy as np

from ._checks import _is_positive_int, _resolve_k

# A query chunk holds about this many distances (float32 block, sort keys and relevance flags:
# roughly 10 bytes each, i.e. ~80 MB), whatever the reference size.
_CHUNK_DISTANCES = 2**23
_EXCLUDED_64 = np.uint64(0xFFFFFFFFFFFFFFFF)  # sort key of the query's own row: after all
LOW_32 = np.uint64(0xFFFFFFFF)


def _chunk_rows(n_reference: int, chunk_size: int | None) -> int:
    if chunk_size is None:
        return max(1, _CHUNK_DISTANCES // max(n_reference, 1))
    if not _is_positive_int(chunk_size):
        raise ValueError(f"chunk_size must be None or an integer >= 1; got {chunk_size!r}")
    return int(chunk_size)


def squared_distances(queries: np.ndarray, reference: np.ndarray, reference_sq: np.ndarray):
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


def smallest_sorted(keys: np.ndarray, n_keep: int) -> np.ndarray:
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
    keys = smallest_sorted(_sort_keys(distances, None, None), n_ranked)
    return ((keys & LOW_32) >> np.uint64(1)).astype(np.int64)


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
    keys = smallest_sorted(keys, n_ranked)
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


def _knn_metrics(query, query_codes, reference, reference_codes, ref_includes_query, k, names, chunk_size):
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
        distances = squared_distances(query[rows], reference, reference_sq)
        relevant = query_codes[rows, None] == reference_codes[None, :]
        ranked = _ranked_relevance(distances, relevant, rows if ref_includes_query else None, n_ranked)
        del distances, relevant
        scores = _per_query_scores(ranked, n_relevant[rows])
        for name in names:
            sums[name] += float(scores[name].sum())
    return {name: sums[name] / valid.size for name in names}
