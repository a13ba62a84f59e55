"""k-nearest-neighbour classification accuracy on embeddings."""

from __future__ import annotations

import numpy as np

from ..checks import check_embeddings
from . import neighbours
from ._checks import _check_labels, _encode_labels, _is_positive_int


def knn_accuracy(train_embeddings, train_labels, test_embeddings, test_labels, k: int = 1) -> float:
    """Accuracy of a k-nearest-neighbour majority vote (Euclidean) on the training embeddings.

    Tie rules: neighbours at equal distance are ranked by training index, lower first (as in
    :func:`retrieval_metrics`); when several classes share the most votes, the class of the
    nearest neighbour among them wins. So the result is deterministic, and ``k=1`` is the
    nearest neighbour's label.

    Args:
        train_embeddings: ``(n_train, d)`` embeddings (used as ``float32``).
        train_labels: ``(n_train,)`` labels, integers or strings.
        test_embeddings: ``(n_test, d)`` embeddings.
        test_labels: ``(n_test,)`` labels; a label absent from training is always wrong.
        k: neighbours voting, ``1 <= k <= n_train``.

    Returns:
        Fraction of test embeddings whose predicted label equals their label, in ``[0, 1]``.

    Raises:
        ValueError: bad shapes, NaN/inf, mismatched lengths or widths, or a bad ``k``.
    """
    train = check_embeddings(train_embeddings, "train_embeddings")
    test = check_embeddings(test_embeddings, "test_embeddings")
    train_labels = _check_labels(train_labels, len(train), "train_labels", "train_embeddings")
    test_labels = _check_labels(test_labels, len(test), "test_labels", "test_embeddings")
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"test_embeddings have {test.shape[1]} dimensions but train_embeddings {train.shape[1]}")
    if not _is_positive_int(k) or k > len(train):
        raise ValueError(f"k must be an integer in [1, {len(train)}] (the training size); got {k!r}")
    train_codes, test_codes = _encode_labels(train_labels, test_labels)
    n_codes = int(max(train_codes.max(), test_codes.max())) + 1
    return float(np.mean(_predicted_codes(train, train_codes, test, int(k), n_codes) == test_codes))


def knn_predict(train_embeddings, train_labels, test_embeddings, k: int = 1) -> np.ndarray:
    """The label :func:`knn_accuracy` predicts for each test embedding (same ranking and ties).

    Args:
        train_embeddings: ``(n_train, d)``; train_labels: ``(n_train,)`` integers or strings.
        test_embeddings: ``(n_test, d)``.
        k: neighbours voting, ``1 <= k <= n_train``; ``k=1`` is the nearest neighbour's label.

    Returns:
        ``(n_test,)`` array of training labels.
    """
    train = check_embeddings(train_embeddings, "train_embeddings")
    test = check_embeddings(test_embeddings, "test_embeddings")
    train_labels = _check_labels(train_labels, len(train), "train_labels", "train_embeddings")
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"test_embeddings have {test.shape[1]} dimensions but train_embeddings {train.shape[1]}")
    if not _is_positive_int(k) or k > len(train):
        raise ValueError(f"k must be an integer in [1, {len(train)}] (the training size); got {k!r}")
    (train_codes,) = _encode_labels(train_labels)
    codes = _predicted_codes(train, train_codes, test, int(k), int(train_codes.max()) + 1)
    first_of_code = {int(c): i for i, c in reversed(list(enumerate(train_codes)))}
    return train_labels[[first_of_code[int(c)] for c in codes]]


def _predicted_codes(train, train_codes, test, k: int, n_codes: int) -> np.ndarray:
    """Majority-vote label codes of the ``k`` nearest training rows of every test row."""
    train_sq = np.einsum("ij,ij->i", train, train)
    step = neighbours._chunk_rows(len(train), None)
    predicted = []
    for start in range(0, len(test), step):
        distances = neighbours.squared_distances(test[start : start + step], train, train_sq)
        predicted.append(_majority_vote(train_codes[neighbours._ranked_neighbours(distances, k)], n_codes))
    return np.concatenate(predicted)


def _majority_vote(neighbour_codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Most frequent code per row of ``(m, k)`` ranked codes; ties -> the nearest such code."""
    m, k = neighbour_codes.shape
    flat = (np.arange(m)[:, None] * n_codes + neighbour_codes).reshape(-1)
    votes = np.bincount(flat, minlength=m * n_codes).reshape(m, n_codes)
    is_top = votes == votes.max(axis=1, keepdims=True)
    first_top = np.argmax(np.take_along_axis(is_top, neighbour_codes, axis=1), axis=1)
    return neighbour_codes[np.arange(m), first_top]
