"""Exact nearest-neighbour search over embeddings, with the distance and tie rule of the metrics.

Distance: squared Euclidean, computed in ``float32`` as ``|q|² − 2 q·r + |r|²`` and clipped at
+0.0, exactly as :func:`tslearnkit.metrics.retrieval_metrics` ranks references (and faiss's
``IndexFlatL2``). Equal distances are ranked by gallery index, lower first. So the neighbours
returned here are the ones the retrieval metrics score.

Memory: queries are processed in chunks and the gallery in blocks, so one block of distances
(about ``_BLOCK_DISTANCES`` values, ~100 MB with its sort keys) exists at a time, whatever the
gallery size; each block keeps only its ``k`` best candidates per query before the merge.
"""

from __future__ import annotations

import numpy as np

from ..metrics.neighbours import LOW_32, smallest_sorted, squared_distances

__all__ = ["ExactSearch"]

_QUERY_CHUNK = 256  # queries per chunk: enough rows for the matrix product to run at BLAS speed
_BLOCK_DISTANCES = 2**23  # distances per (query chunk x gallery block), ~32 MB of float32


class ExactSearch:
    """Brute-force k-NN over a growing gallery of ``float32`` embeddings.

    Args:
        dim: embedding width ``d``.
    """

    def __init__(self, dim: int):
        self.dim = int(dim)
        self._blocks: list[np.ndarray] = []
        self._gallery = np.zeros((0, self.dim), np.float32)
        self._gallery_sq = np.zeros(0, np.float32)

    def __len__(self) -> int:
        return len(self._gallery) + sum(len(block) for block in self._blocks)

    @property
    def embeddings(self) -> np.ndarray:
        """The gallery, ``float32 (size, d)``, in insertion order."""
        if self._blocks:  # added blocks are joined once, at the next search, not at every add
            self._gallery = np.concatenate([self._gallery, *self._blocks])
            self._gallery_sq = np.einsum("ij,ij->i", self._gallery, self._gallery)
            self._blocks = []
        return self._gallery

    def add(self, embeddings: np.ndarray) -> None:
        """Append ``float32 (n, d)`` finite embeddings (checked by the caller)."""
        if len(self) + len(embeddings) >= 2**32:
            raise ValueError("an exact index holds fewer than 2**32 embeddings (the sort key carries the index)")
        self._blocks.append(np.ascontiguousarray(embeddings, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest gallery rows of each query.

        Args:
            queries: ``float32 (m, d)``.
            k: ``1 <= k <= size``.

        Returns:
            ``(indices, squared_distances)``: ``int64 (m, k)`` gallery rows, nearest first
            (ties by lower index), and their ``float32 (m, k)`` squared Euclidean distances.
        """
        gallery, gallery_sq = self.embeddings, self._gallery_sq
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        block = max(k, _BLOCK_DISTANCES // _QUERY_CHUNK)
        keys = np.empty((len(queries), k), np.uint64)
        for q_start in range(0, len(queries), _QUERY_CHUNK):
            chunk = queries[q_start : q_start + _QUERY_CHUNK]
            candidates = []
            for g_start in range(0, len(gallery), block):
                distances = squared_distances(
                    chunk, gallery[g_start : g_start + block], gallery_sq[g_start : g_start + block]
                )
                candidates.append(smallest_sorted(_keys(distances, g_start), min(k, distances.shape[1])))
            merged = candidates[0] if len(candidates) == 1 else np.concatenate(candidates, axis=1)
            keys[q_start : q_start + len(chunk)] = smallest_sorted(merged, k)
        indices = (keys & LOW_32).astype(np.int64)
        squared = (keys >> np.uint64(32)).astype(np.uint32).view(np.float32)
        return indices, squared


def _keys(distances: np.ndarray, offset: int) -> np.ndarray:
    """``uint64`` sort keys ``distance bits << 32 | gallery index``: order by distance, then index.

    Non-negative ``float32`` values order like their bit patterns (the distances are clipped at
    +0.0), so sorting the keys applies the tie rule with no second sort.
    """
    keys = distances.view(np.uint32).astype(np.uint64)
    keys <<= np.uint64(32)
    keys |= np.arange(offset, offset + distances.shape[1], dtype=np.uint64)
    return keys
