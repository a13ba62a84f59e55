"""Figures that compare methods: same- vs different-class distance distributions, and the
nearest-neighbour confusion matrix (part of :mod:`tslearnkit.plots`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._checks import class_indices, rows_of


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _pairwise_euclidean(a, b):
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(sq, 0.0))


def plot_distance_distributions(
    embeddings: Mapping[str, np.ndarray], labels, *, bins: int = 40, max_points: int = 600, seed: int = 0, title=""
):
    """Same-class vs different-class Euclidean distances, one panel per method.

    A good embedding puts the two histograms apart; their overlap is where retrieval fails.
    Each panel's distances are divided by that method's median distance, so raw series and
    unit-length embeddings share one axis.

    Args:
        embeddings: ``{method name: (n, d) array}``, all of the same ``n`` series (e.g. the
            test split, raw series flattened or embedded).
        labels: ``(n,)`` class labels.
        max_points: at most this many series (a seeded, uniform subsample) enter the pairs.

    Returns:
        ``(figure, separation)``: ``separation[name]`` is the probability that a random
        same-class pair is closer than a random different-class pair (ROC AUC; 0.5 = no
        separation, 1.0 = every same-class pair closer); NaN where the series hold no same-class
        pair (no class with two of them) or no different-class pair.
    """
    from sklearn.metrics import roc_auc_score

    plt = _plt()
    if not isinstance(embeddings, Mapping):
        raise TypeError(
            "embeddings must be a dict {method name: (n, d) array}, e.g. {'raw': x.reshape(len(x), -1)}; "
            f"got {type(embeddings).__name__}"
        )
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:  # (n, 1), as the other figures take
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D (n,) or (n, 1); got shape {labels.shape}")
    embeddings = {
        name: rows_of(emb, len(labels), f"embeddings[{name!r}]", "labels") for name, emb in embeddings.items()
    }
    if not embeddings:
        raise ValueError("embeddings must map at least one method name to an (n, d) array; got an empty mapping")
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(labels), size=min(max_points, len(labels)), replace=False))
    same = labels[keep][:, None] == labels[keep][None, :]
    upper = np.triu(np.ones_like(same), k=1).astype(bool)
    fig, axes = plt.subplots(1, len(embeddings), figsize=(3.4 * len(embeddings), 3.0), sharey=True, squeeze=False)
    separation = {}
    for ax, (name, emb) in zip(axes[0], embeddings.items()):
        emb = emb[keep]
        dist = _pairwise_euclidean(emb, emb)[upper]
        pos = same[upper]
        scale = float(np.median(dist)) or 1.0
        separation[name] = float(roc_auc_score(pos, -dist)) if 0 < pos.sum() < len(pos) else float("nan")
        edges = np.linspace(0, float(np.percentile(dist / scale, 99.5)) + 1e-9, bins + 1)
        ax.hist(dist[pos] / scale, bins=edges, density=True, alpha=0.6, color="tab:green", label="same class")
        ax.hist(dist[~pos] / scale, bins=edges, density=True, alpha=0.6, color="tab:red", label="different classes")
        shown = f"{separation[name]:.2f}" if np.isfinite(separation[name]) else "undefined: needs pairs of both kinds"
        ax.set_title(f"{name}\nseparation (AUC) {shown}", fontsize=9)
        ax.set_xlabel("distance / median distance")
    axes[0, 0].set_ylabel("density")
    axes[0, -1].legend(fontsize=8)
    fig.suptitle(title or "Distances between series: same class vs different classes")
    fig.tight_layout()
    return fig, separation


def plot_nn_confusion(
    query_embeddings, query_labels, reference_embeddings, reference_labels, class_names, *, ax=None, title=""
):
    """Nearest-neighbour confusion matrix: for each query, the class of its nearest reference.

    Rows are true classes, columns the nearest neighbour's class; each row is normalised to 1,
    so the diagonal is per-class P@1 (1-NN accuracy) and an off-diagonal cell says which class
    a query is mistaken for.

    Args:
        query_embeddings: ``(n, d)`` (or raw series ``(n, t, c)``, flattened); query_labels: ``(n,)``
            ints indexing ``class_names``, or the class names themselves.
        reference_embeddings: ``(m, d)``; reference_labels: ``(m,)``, as ``query_labels``.

    Returns:
        ``(figure, matrix)`` with ``matrix`` the ``(n_classes, n_classes)`` row-normalised counts.
    """
    plt = _plt()
    query_labels = class_indices(query_labels, class_names, name="query_labels")
    reference_labels = class_indices(reference_labels, class_names, name="reference_labels")
    q = rows_of(query_embeddings, len(query_labels), "query_embeddings", "query_labels")
    r = rows_of(reference_embeddings, len(reference_labels), "reference_embeddings", "reference_labels")
    if q.shape[1] != r.shape[1]:
        raise ValueError(f"query and reference embeddings differ in width: {q.shape[1]} vs {r.shape[1]}")
    from ..metrics import knn_predict

    predicted = knn_predict(r, reference_labels, q)  # the retrieval metrics' ranking and ties
    n = len(class_names)
    counts = np.zeros((n, n))
    np.add.at(counts, (query_labels, predicted), 1)
    matrix = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.0 + 0.38 * n, 0.8 + 0.38 * n))
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ax.grid(False)  # a lesson's grid style would draw lines across the cells
    if n <= 15:
        for i in range(n):
            for j in range(n):
                if counts[i, j]:
                    ax.text(
                        j,
                        i,
                        f"{matrix[i, j]:.2f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if matrix[i, j] > 0.5 else "black",
                    )
        ax.set_xticks(range(n), [str(c) for c in class_names], rotation=90, fontsize=7)
        ax.set_yticks(range(n), [str(c) for c in class_names], fontsize=7)
    ax.set_xlabel("class of the nearest neighbour")
    ax.set_ylabel("true class")
    ax.set_title(title or "1-NN confusion (rows sum to 1)", fontsize=9)
    return (fig if fig is not None else ax.figure), matrix
