"""Checks for lesson 3 (batch-all triplets): predicting the triplet count, distances in keras.ops, a margin."""

from __future__ import annotations

import numpy as np

from ._core import NotYet, call, close, defined, passed, require


def _valid_triplets(labels) -> int:
    """Valid (anchor, positive, negative) triplets of a batch, counted from its labels: a != p
    share a label, n has another one (ordered pairs, as the losses count them)."""
    labels = np.asarray(labels).reshape(-1)
    _, counts = np.unique(labels, return_counts=True)
    return int(sum(int(c) * (int(c) - 1) * (len(labels) - int(c)) for c in counts))


def check_valid_triplets(predicted_valid_triplets, labels) -> None:
    """Exercise 3.1: the number of valid triplets of a P×K batch, predicted before it is counted."""
    predicted = defined(predicted_valid_triplets, "predicted_valid_triplets")
    whole = isinstance(predicted, (int, float, np.integer, np.floating)) and float(predicted).is_integer()
    require(whole and not isinstance(predicted, bool), f"a number of triplets is one whole number; got {predicted!r}.")
    predicted = int(predicted)
    labels = np.asarray(labels).reshape(-1)
    b = len(labels)
    _, counts = np.unique(labels, return_counts=True)
    expected = _valid_triplets(labels)
    with_self = int(sum(int(c) ** 2 * (b - int(c)) for c in counts))
    mistakes = {
        b
        ** 3: "b³ counts every index triple of the batch; a valid one needs p of a's class (p ≠ a) and n of another class.",
        b * (b - 1) * (b - 2): "that counts every triple of distinct series; p must share a's class and n must not.",
        expected // 2: "you counted each positive pair once; the loss counts (a, p) and (p, a) as two triplets.",
        with_self: "a triplet needs p ≠ a: an anchor is not its own positive (K − 1 positives per anchor, not K).",
    }
    if predicted != expected and predicted in mistakes:
        raise NotYet(f"{predicted:,} is not it: {mistakes[predicted]}")
    require(
        predicted == expected,
        f"{predicted:,} is not the count of this batch ({b} series, {len(counts)} classes). Count the "
        "anchor–positive pairs (same class, a ≠ p, both orders) and multiply by the negatives each "
        "anchor has (series of the other classes).",
    )
    passed(f"{expected:,} valid triplets: your prediction is exact.")


def check_pairwise_l2(pairwise_l2) -> None:
    """Exercise 3.2: the (b, b) Euclidean distance matrix with ``keras.ops``."""
    from ...losses import pairwise_distances

    embeddings = np.random.default_rng(1).normal(size=(7, 4)).astype("float32")
    got = np.asarray(call(pairwise_l2, "pairwise_l2", embeddings))
    expected = np.asarray(pairwise_distances(embeddings, "L2"))
    require(got.shape == expected.shape, f"the result should be (b, b) = {expected.shape}; got {got.shape}.")
    require(np.all(np.abs(np.diag(got)) < 1e-3), "the diagonal (a point and itself) should be 0.")
    require(
        close(got, expected, atol=1e-3), "close, but not the Euclidean distance: sqrt(max(|a|² + |b|² - 2 a·b, 0))."
    )
    passed("your distance matrix equals tk.losses.pairwise_distances.")


def check_margin_for_half(margin_for_half, embeddings, labels) -> None:
    """Exercise 3.3: a margin at which about half of a batch's valid triplets are active."""
    from ...callbacks import active_triplet_fraction

    margin = float(defined(margin_for_half, "margin_for_half"))
    require(margin >= 0, f"a margin is >= 0; got {margin}.")
    share = active_triplet_fraction(embeddings, labels, margin=margin)
    direction = "a larger margin (it makes more triplets active)" if share < 0.35 else "a smaller margin"
    require(
        0.35 <= share <= 0.65,
        f"at margin {margin:.3f}, {share:.0%} of the triplets are active; aim for about half: try {direction}.",
    )
    passed(f"at margin {margin:.3f}, {share:.0%} of the batch's triplets still teach the model something.")
