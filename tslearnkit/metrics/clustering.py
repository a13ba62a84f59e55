"""Clustering scores: k-means of the embeddings against the labels (NMI, AMI, ARI).

One k-means (:func:`fit_kmeans`) serves both the scores and the pictures: lesson 06 draws the
regions of the very clustering it scores.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_embeddings, check_int
from ..data import check_labels


def fit_kmeans(embeddings, n_clusters: int, *, seed: int = 0, n_init: int = 1):
    """The fitted scikit-learn ``KMeans`` behind :func:`kmeans_cluster_labels` (same arguments),
    for callers that also need its centres or ``predict`` (e.g. to draw cluster regions)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    x = check_embeddings(embeddings, "embeddings")
    check_int("n_clusters", n_clusters, low=1)
    check_int("n_init", n_init, low=1)
    check_int("seed", seed, low=0)
    if n_clusters > len(x):
        raise ValueError(f"n_clusters={n_clusters} is more than the {len(x)} embeddings to cluster")
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=n_clusters, n_init=n_init, random_state=seed).fit(x)


def cluster_scores(
    embeddings,
    labels,
    *,
    n_clusters: int | None = None,
    seed: int = 0,
    n_init: int = 1,
    return_assignments: bool = False,
):
    """k-means on ``embeddings`` (as many clusters as classes), scored against ``labels``.

    Args:
        embeddings: ``(n, d)``; labels: ``(n,)`` ints.
        n_clusters: default the number of distinct labels.
        seed, n_init: as in :func:`fit_kmeans`; the defaults are the ones
            :func:`~tslearnkit.metrics.retrieval_metrics` uses, so NMI/AMI agree with it.
        return_assignments: also return the ``(n,)`` cluster index of each embedding.

    Returns:
        ``{"NMI", "AMI", "ARI"}`` (and the assignments when asked).
    """
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

    labels = check_labels(labels, len(embeddings), name="labels")
    n_clusters = len(np.unique(labels)) if n_clusters is None else n_clusters
    assigned = fit_kmeans(embeddings, n_clusters, seed=seed, n_init=n_init).labels_
    scores = {
        "NMI": float(normalized_mutual_info_score(labels, assigned)),
        "AMI": float(adjusted_mutual_info_score(labels, assigned)),
        "ARI": float(adjusted_rand_score(labels, assigned)),
    }
    return (scores, assigned) if return_assignments else scores


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
    return fit_kmeans(embeddings, n_clusters, seed=seed, n_init=n_init).labels_


def _clustering_metrics(query, query_labels, names, seed, n_init):
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    cluster_labels = kmeans_cluster_labels(query, len(np.unique(query_labels)), seed=seed, n_init=n_init)
    scorers = {"NMI": normalized_mutual_info_score, "AMI": adjusted_mutual_info_score}
    return {name: float(scorers[name](query_labels, cluster_labels)) for name in names}
