"""Checks for lesson 1 (the data): class counts, leak-free standardisation, the raw 1-NN baseline."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


def check_class_counts(train_counts, data) -> None:
    """Exercise 1.1: ``train_counts[c]`` is the number of training series of class ``c``."""
    counts = np.asarray(defined(train_counts, "train_counts"))
    expected = np.bincount(data.y_train, minlength=data.n_classes)
    require(
        counts.shape == expected.shape,
        f"`train_counts` needs one entry per class: shape {expected.shape}, got {counts.shape}.",
    )
    require(
        counts.sum() == len(data.y_train),
        "the counts should add up to the number of training series; count data.y_train, not data.y_test.",
    )
    require(
        np.array_equal(counts, expected),
        "some classes are off: np.bincount(labels, minlength=n_classes) counts each class index.",
    )
    passed(f"{data.n_classes} classes, from {expected.min()} to {expected.max()} training series each.")


def check_standardize(standardize_like_train, data) -> None:
    """Exercise 1.2: per-channel statistics from the training split, applied to both splits."""
    got = call(standardize_like_train, "standardize_like_train", data.x_train, data.x_test)
    require(isinstance(got, tuple) and len(got) == 2, "return a pair: (x_train_std, x_test_std).")
    from ..data import standardize

    x_train_std, x_test_std, _ = standardize(data.x_train, data.x_test)
    require(
        close(got[0], x_train_std, atol=1e-4),
        "the training split is not standardised per channel: mean and std over axes (0, 1).",
    )
    require(
        close(got[1], x_test_std, atol=1e-4),
        "the test split must use the *training* statistics; statistics of the test split itself leak it.",
    )
    passed("per-channel standardisation with training statistics only — no test leakage.")


def check_raw_knn(raw_knn, x_train_std, x_test_std, data) -> None:
    """Exercise 1.3: 1-NN accuracy of flattened standardised test series against the training split."""
    from ..metrics import knn_accuracy

    value = float(defined(raw_knn, "raw_knn"))
    flat = lambda x: x.reshape(len(x), -1)  # noqa: E731
    expected = knn_accuracy(flat(x_train_std), data.y_train, flat(x_test_std), data.y_test, k=1)
    require(0.0 <= value <= 1.0, f"an accuracy lies in [0, 1]; got {value}.")
    require(
        abs(value - expected) < 1e-6,
        "not quite: flatten each series to one vector, train as reference, test as queries, k=1.",
    )
    passed(f"raw-series 1-NN accuracy {value:.3f} — the bar every learned embedding must clear.")
