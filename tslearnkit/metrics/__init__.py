"""Retrieval and clustering metrics for embeddings, as pytorch-metric-learning defines them.

The study reported Precision@1, MAP and NMI from pytorch-metric-learning's (PML)
``AccuracyCalculator``. :func:`retrieval_metrics` gives the same numbers for the same inputs
without PyTorch, in memory that grows with the number of references, not its square, so it can
run every epoch (:class:`RetrievalMetricsCallback`).

Where things live
    ``retrieval`` (:func:`retrieval_metrics`, :func:`retrieval_metrics_from_distances`),
    ``neighbours`` (chunked distances, ranking with the tie rule, per-query k-NN scores),
    ``clustering`` (:func:`kmeans_cluster_labels`, :func:`cluster_scores`: NMI/AMI/ARI),
    ``evaluation`` (:func:`embedding_scores`: what every lesson reports), ``knn`` (:func:`knn_accuracy`),
    ``callback`` (:class:`RetrievalMetricsCallback`, the one module that imports Keras: loaded
    on first use, so importing the metrics never imports TensorFlow) and ``_checks`` (input
    checks, metric names).

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

from ._checks import CLUSTERING_METRIC_NAMES, KNN_METRIC_NAMES, METRIC_NAMES
from .clustering import cluster_scores, fit_kmeans, kmeans_cluster_labels
from .evaluation import embedding_scores
from .knn import knn_accuracy, knn_predict
from .retrieval import retrieval_metrics, retrieval_metrics_from_distances

__all__ = [
    "METRIC_NAMES",
    "KNN_METRIC_NAMES",
    "CLUSTERING_METRIC_NAMES",
    "retrieval_metrics",
    "retrieval_metrics_from_distances",
    "knn_accuracy",
    "knn_predict",
    "kmeans_cluster_labels",
    "fit_kmeans",
    "cluster_scores",
    "embedding_scores",
    "RetrievalMetricsCallback",
]


def __getattr__(name: str):
    # PEP 562: load the Keras callback on first use, so that the metrics above never import
    # TensorFlow (``import tslearnkit`` promises the same).
    if name == "RetrievalMetricsCallback":
        from .callback import RetrievalMetricsCallback

        return RetrievalMetricsCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"RetrievalMetricsCallback"})
