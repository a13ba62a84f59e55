"""Scoring an embedding the way every lesson reports it: test queries against the training
reference, plus k-NN accuracy; :func:`embed` and :func:`evaluate_embedding` do the same from a trained
model (``tk.training`` offers them too)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from ..checks import check_embeddings, check_int, check_series
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
    train_emb, test_emb = check_embeddings(train_emb, "train_emb"), check_embeddings(test_emb, "test_emb")
    n_reference = len(train_emb)
    if k_values is None:
        k_values = [k for k in K_VALUES if k <= n_reference]
    elif isinstance(k_values, (str, numbers.Number)) or not isinstance(k_values, Iterable):
        raise ValueError(f"k_values must be a list of k, e.g. [1, 5]; got {k_values!r}")
    if legacy_k is None and n_reference >= LEGACY_K:
        legacy_k = LEGACY_K
    elif legacy_k is not None:
        check_int("legacy_k", legacy_k, low=1)
        if legacy_k > n_reference:
            raise ValueError(f"legacy_k={legacy_k} is more than the {n_reference} training embeddings of the reference")
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


def embed(model, x, *, batch_size: int = 256) -> np.ndarray:
    """Embeddings of ``x`` (``(n, t, c)``) as a float32 ``(n, d)`` array (inference mode)."""
    x = check_series(x)
    check_int("batch_size", batch_size, low=1)
    expected = tuple(getattr(model, "input_shape", (None, None, None))[1:])
    if len(expected) == 2 and any(e is not None and e != got for e, got in zip(expected, x.shape[1:])):
        raise ValueError(
            f"x has series of shape (timesteps, channels) = {x.shape[1:]} but the model takes {expected}; "
            "preprocess the series the way the training split was (same dataset, resampling and channels)"
        )
    # Fixed-size chunks through Keras's cached predict step: two traces at most, ~2x eager speed (bench/train.py).
    chunks = [np.asarray(model.predict_on_batch(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 0), np.float32)


def evaluate_embedding(
    model,
    x_train,
    y_train,
    x_test,
    y_test,
    *,
    k_values: Sequence[int] | None = None,
    legacy_k: int | None = None,
    batch_size: int = 256,
    seed: int = 0,
) -> dict:
    """Score an embedding: test series are queries, training series the reference. Returns the flat dict of
    :func:`tslearnkit.metrics.embedding_scores` (``precision_at_1``, ``mean_average_precision_at_r``, ``NMI``,
    ...), whose ``k_values`` and ``legacy_k`` these are (None: the k the training reference holds)."""
    train_emb = embed(model, x_train, batch_size=batch_size)
    test_emb = embed(model, x_test, batch_size=batch_size)
    return embedding_scores(train_emb, y_train, test_emb, y_test, k_values=k_values, legacy_k=legacy_k, seed=seed)
