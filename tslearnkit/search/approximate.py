"""Approximate nearest-neighbour search for large galleries: an HNSW graph from faiss.

An optional extra: ``pip install 'tslearnkit[search]'`` installs ``faiss-cpu``; it is imported
only when an approximate index is built or loaded.

Why faiss and not usearch: both are maintained HNSW libraries with CPU wheels, and
``bench/search.py`` measured both on the same 2-core machine, embeddings and HNSW parameters
(tables in ``bench/README.md``). At 100,000 embeddings faiss's ``IndexHNSWFlat`` answered more
queries per second at the same recall@10 in most settings (e.g. M=32, ef_search=32 on
low-dimensional embeddings: recall 0.985 at 10,800 queries/s against usearch's 0.984 at 2,500),
and it held less memory per vector (656 to 784 bytes for 128-d against 849 to 1185 reported by
usearch). usearch built some graphs faster (M=16 on low-dimensional data: 18 s against 33 s)
and others slower (M=32 on Gaussian data: 188 s against 120 s). faiss's ``IndexFlatL2`` also
defines the distance and tie rule the kit's metrics follow, and pytorch-metric-learning uses
faiss for its k-NN.

Distance: squared Euclidean (``METRIC_L2``), as the exact search. HNSW returns each query's
neighbours ordered by distance but may miss some true neighbours (recall < 1); the order of
equal distances is the graph's, not the gallery index. The graph is built with faiss's own
threads, whose scheduling makes two builds of the same data differ slightly; a saved index is
written as is and loads to the same graph, so a loaded index answers like the saved one.

Parameters (HNSW, Malkov & Yashunin 2018):
    * ``m``: links per node (faiss's ``M``); more links raise recall and memory
      (about ``4 * d + 8 * m`` bytes per vector at layer 0).
    * ``ef_construction``: candidates kept while linking a new node; higher builds slower and
      better graphs.
    * ``ef_search``: candidates kept while searching; the main recall/speed knob, raised to
      ``k`` when a query asks for more neighbours.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

__all__ = ["HNSW_DEFAULTS", "HNSWSearch"]

HNSW_DEFAULTS = {"m": 32, "ef_construction": 100, "ef_search": 128}
"""Defaults of :class:`HNSWSearch` (``bench/README.md`` shows the recall they give)."""


def _import_faiss():
    try:
        import faiss
    except ImportError as error:
        raise ImportError(
            "backend='hnsw' needs faiss, an optional extra of tslearnkit: "
            "pip install 'tslearnkit[search]' (or pip install faiss-cpu); backend='exact' needs nothing more"
        ) from error
    return faiss


def check_hnsw_options(options) -> dict[str, int]:
    """``HNSW_DEFAULTS`` updated with ``options`` (a mapping or None), each an integer >= 1."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(HNSW_DEFAULTS))
    if unknown:
        raise ValueError(f"hnsw_options has unknown key(s) {unknown}; allowed are {sorted(HNSW_DEFAULTS)}")
    merged = {**HNSW_DEFAULTS, **options}
    for name, value in merged.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"hnsw_options[{name!r}] must be an integer >= 1; got {value!r}")
    return {name: int(value) for name, value in merged.items()}


class HNSWSearch:
    """An HNSW graph over ``float32`` embeddings (faiss ``IndexHNSWFlat``, squared L2).

    Args:
        dim: embedding width ``d``.
        m, ef_construction, ef_search: HNSW parameters (module docstring).
    """

    def __init__(self, dim: int, *, m: int, ef_construction: int, ef_search: int, _index=None):
        faiss = _import_faiss()
        self.dim = int(dim)
        self.options = {"m": int(m), "ef_construction": int(ef_construction), "ef_search": int(ef_search)}
        if _index is None:
            _index = faiss.IndexHNSWFlat(self.dim, self.options["m"], faiss.METRIC_L2)
            _index.hnsw.efConstruction = self.options["ef_construction"]
        self._index = _index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def embeddings(self) -> np.ndarray:
        """The gallery, ``float32 (size, d)``, in insertion order (read back from the graph's storage)."""
        return self._index.reconstruct_n(0, len(self))

    def add(self, embeddings: np.ndarray) -> None:
        """Link ``float32 (n, d)`` embeddings into the graph; they get the next gallery indices."""
        self._index.add(np.ascontiguousarray(embeddings, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """About the ``k`` nearest gallery rows of each query.

        Returns:
            ``(indices, squared_distances)``: ``int64 (m, k)`` and ``float32 (m, k)``, nearest
            first.
        """
        faiss = _import_faiss()
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(self.options["ef_search"], int(k))
        squared, indices = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), int(k), params=params)
        if (indices < 0).any():  # the graph reached fewer than k nodes (not seen with ef_search >= k)
            raise RuntimeError(
                f"the HNSW graph returned fewer than k={k} neighbours for some queries; "
                "raise hnsw_options['ef_search'] or use backend='exact'"
            )
        return indices.astype(np.int64), np.maximum(squared, 0.0).astype(np.float32)

    def save(self, path: Path) -> None:
        """Write the graph and its vectors to ``path`` (faiss's index format)."""
        _import_faiss().write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dim: int, options: dict[str, int]) -> HNSWSearch:
        """Read a graph written by :meth:`save`; ``options`` are those it was built with."""
        index = _import_faiss().read_index(str(path))
        if index.d != dim:
            raise ValueError(f"{path} holds {index.d}-d vectors but the index metadata says {dim}")
        return cls(dim, **options, _index=index)
