"""Scoring an embedding the way every lesson reports it: test queries against the training
reference, plus k-NN accuracy."""

from __future__ import annotations

import numpy as np

from ..data import check_labels
from .knn import knn_accuracy
from .retrieval import retrieval_metrics

K_VALUES = (1, 3, 5, 10)
"""The k of the k-NN accuracies reported by default (those the training reference holds)."""
LEGACY_K = 3
"""The study's MAP@k (``legacy_map_at_k``), k = 3; not scored on a training reference of fewer series."""


def embedding_scores(train_emb, y_train, test_emb, y_test, *, k_values=None, legacy_k=None, seed=0) -> dict:
    """Scores of precomputed embeddings (or raw flattened series): test queries against the
    training reference.

    Returns a flat dict with pytorch-metric-learning's retrieval metrics (``precision_at_1``,
    ``r_precision``, ``mean_average_precision_at_r``, ``mean_average_precision``,
    ``mean_reciprocal_rank``, ``NMI``, ``AMI``; k = all references), the study's
    ``legacy_map_at_k`` at ``k = legacy_k``, and ``knn_accuracy`` (k = 1) plus
    ``knn_accuracy_at_{k}`` for the other ``k_values``.

    ``k_values=None`` scores the k of :data:`K_VALUES` that the reference holds (with 6 training
    embeddings, k = 1, 3 and 5: a vote of 10 neighbours out of 6 has no meaning) and
    ``legacy_k=None`` is :data:`LEGACY_K`, left out (no ``legacy_map_at_k``) when the reference is
    smaller. A k given explicitly is checked: above the reference size it is a ``ValueError``; so is a
    ``y_test`` none of whose labels occurs in ``y_train`` (every score would be NaN).
    """
    n_reference = len(train_emb)
    if k_values is None:
        k_values = [k for k in K_VALUES if k <= n_reference]
    if legacy_k is None and n_reference >= LEGACY_K:
        legacy_k = LEGACY_K
    y_train = check_labels(y_train, len(train_emb), name="y_train")
    y_test = check_labels(y_test, len(test_emb), name="y_test")
    if len(y_test) and not np.isin(y_test, y_train).any():
        shown = [np.unique(y)[:10].tolist() for y in (y_test, y_train)]
        raise ValueError(
            f"no label of y_test {shown[0]} occurs in y_train {shown[1]} (at most 10 of each shown): no query has a "
            "reference of its class, so every retrieval score would be NaN; encode both splits' labels together "
            "(the tk.data loaders do)"
        )
    scores = retrieval_metrics(test_emb, y_test, train_emb, y_train, k=None, seed=seed)
    if legacy_k is not None:
        include = ["legacy_map_at_k"]
        legacy = retrieval_metrics(test_emb, y_test, train_emb, y_train, k=legacy_k, seed=seed, include=include)
        scores["legacy_map_at_k"] = legacy["legacy_map_at_k"]
    else:
        scores.pop("legacy_map_at_k", None)  # retrieval_metrics(k=None) scored it at k = every reference
    for k in k_values:
        key = "knn_accuracy" if k == 1 else f"knn_accuracy_at_{k}"
        scores[key] = knn_accuracy(train_emb, y_train, test_emb, y_test, k=k)
    return {key: float(value) for key, value in scores.items()}
