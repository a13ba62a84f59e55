"""Search a gallery of labelled series by embedding distance: find the nearest known series.

``tk.search.SearchIndex(model, series, labels)`` embeds a gallery with a trained embedding model;
``index.query(new_series, k)`` returns a :class:`Neighbours` result (``indices``, ``distances``,
``labels``, each ``(n, k)``); ``index.save(folder)`` and ``SearchIndex.load(folder)`` carry it to
another process. The distance is the Euclidean distance the retrieval metrics rank by.

Where things live
    ``exact`` (:class:`ExactSearch`: brute force in NumPy, the metrics' tie rule),
    ``approximate`` (:class:`HNSWSearch`: an HNSW graph from faiss, the optional
    ``tslearnkit[search]`` extra, imported only when used) and ``index`` (:class:`SearchIndex`,
    :class:`Neighbours`: the model, the gallery's labels, saving and loading).
"""

from .approximate import HNSW_DEFAULTS, HNSWSearch
from .exact import ExactSearch
from .index import BACKENDS, Neighbours, SearchIndex

__all__ = ["BACKENDS", "HNSW_DEFAULTS", "ExactSearch", "HNSWSearch", "Neighbours", "SearchIndex"]
