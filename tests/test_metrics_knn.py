"""Tests for tslearnkit.metrics.knn: k-NN accuracy against a brute-force vote."""

from __future__ import annotations

import numpy as np
import pytest
from metrics_helpers import grid_data

from tslearnkit import metrics


def brute_force_knn_accuracy(train, train_labels, test, test_labels, k):
    correct = 0
    for x, label in zip(np.float64(test), test_labels):
        distances = ((np.float64(train) - x) ** 2).sum(axis=1)
        ranked = train_labels[np.lexsort((np.arange(len(train)), distances))[:k]]
        votes = {c: int(np.sum(ranked == c)) for c in ranked}
        best = max(votes.values())
        prediction = next(c for c in ranked if votes[c] == best)  # nearest among tied classes
        correct += prediction == label
    return correct / len(test)


@pytest.mark.parametrize("k", [1, 2, 4, 5, 10])
def test_knn_accuracy_matches_brute_force(k):
    train, train_labels = grid_data(0, 80, side=4, n_classes=4)
    test, test_labels = grid_data(1, 50, side=4, n_classes=4)
    expected = brute_force_knn_accuracy(train, train_labels, test, test_labels, k)
    assert metrics.knn_accuracy(train, train_labels, test, test_labels, k=k) == expected


def test_knn_accuracy_tie_break_and_unknown_labels():
    train = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    train_labels = np.array([1, 0, 0, 1])
    test = np.zeros((1, 1), np.float32)
    # k=2: one vote each, the nearest (label 1) wins; k=4: 2-2, nearest again; k=3: label 0
    assert metrics.knn_accuracy(train, train_labels, test, [1], k=2) == 1.0
    assert metrics.knn_accuracy(train, train_labels, test, [1], k=4) == 1.0
    assert metrics.knn_accuracy(train, train_labels, test, [0], k=3) == 1.0
    assert metrics.knn_accuracy(train, train_labels, test, [7], k=1) == 0.0


def test_knn_accuracy_bad_input():
    train = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 5\]"):
        metrics.knn_accuracy(train, np.zeros(5), train, np.zeros(5), k=6)
    with pytest.raises(ValueError, match=r"test_labels has 4 labels but test_embeddings has 5"):
        metrics.knn_accuracy(train, np.zeros(5), train, np.zeros(4))
    with pytest.raises(ValueError, match=r"test_embeddings have 3 dimensions"):
        metrics.knn_accuracy(train, np.zeros(5), np.zeros((2, 3)), np.zeros(2))


def test_knn_predict_is_the_brute_force_nearest_label_and_agrees_with_knn_accuracy():
    import numpy as np

    from tslearnkit.metrics import knn_accuracy, knn_predict

    rng = np.random.default_rng(3)
    train, test = rng.normal(size=(40, 5)), rng.normal(size=(15, 5))
    labels = np.array(["x", "y", "z", "w"] * 10)
    truth = labels[:15]
    nearest = labels[((test[:, None] - train[None]) ** 2).sum(-1).argmin(1)]
    np.testing.assert_array_equal(knn_predict(train, labels, test), nearest)
    for k in (1, 3, 5):
        assert np.mean(knn_predict(train, labels, test, k=k) == truth) == knn_accuracy(train, labels, test, truth, k=k)


def test_embedding_scores_keep_to_the_k_a_small_training_reference_holds():
    rng = np.random.default_rng(0)
    train, test = rng.normal(size=(6, 4)), rng.normal(size=(5, 4))
    train_labels, test_labels = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 2, 0, 1])
    scores = metrics.embedding_scores(train, train_labels, test, test_labels)
    assert {"knn_accuracy", "knn_accuracy_at_3", "knn_accuracy_at_5"} <= set(scores)
    assert "knn_accuracy_at_10" not in scores  # 10 neighbours of 6: not scored
    assert scores["knn_accuracy_at_5"] == brute_force_knn_accuracy(train, train_labels, test, test_labels, 5)
    tiny = metrics.embedding_scores(train[:2], train_labels[:2] * 0 + [0, 1], test, test_labels)
    assert "knn_accuracy_at_3" not in tiny and "legacy_map_at_k" not in tiny  # MAP@3 of 2 references: not scored
    assert np.isfinite(scores["legacy_map_at_k"])
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 6\].*got 10"):
        metrics.embedding_scores(train, train_labels, test, test_labels, k_values=(1, 10))  # asked for: an error


def test_embedding_scores_refuse_test_labels_none_of_which_is_in_training():
    """Labels encoded per split (0..2 in training, 5..7 in the test split) gave every retrieval score NaN and a
    k-NN accuracy of 0, silently; some unseen labels beside seen ones are still scored."""
    rng = np.random.default_rng(0)
    train, test = rng.normal(size=(6, 4)), rng.normal(size=(5, 4))
    train_labels, test_labels = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match=r"no label of y_test \[5, 6, 7\] occurs in y_train \[0, 1, 2\]"):
        metrics.embedding_scores(train, train_labels, test, test_labels + 5)
    partly = metrics.embedding_scores(train, train_labels, test, np.array([0, 1, 2, 0, 9]))
    assert np.isfinite(partly["precision_at_1"])
