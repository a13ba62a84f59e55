"""Checks for lesson 3 (batch-all triplets): counting triplets, distances in keras.ops, a margin."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


def _brute_force_triplets(labels) -> int:
    labels = np.asarray(labels)
    return sum(
        1
        for a in range(len(labels))
        for p in range(len(labels))
        for n in range(len(labels))
        if a != p and labels[a] == labels[p] and labels[a] != labels[n]
    )


def check_valid_triplets(count_valid_triplets) -> None:
    """Exercise 3.1: valid (anchor, positive, negative) triplets of a batch, ordered pairs."""
    cases = [np.repeat([0, 1], 2), np.repeat([0, 1, 2], [3, 1, 2]), np.arange(4), np.zeros(3, int)]
    cases.append(np.random.default_rng(3).integers(0, 4, 12))
    for labels in cases:
        got = call(count_valid_triplets, "count_valid_triplets", labels)
        expected = _brute_force_triplets(labels)
        require(
            got == expected,
            f"for labels {labels.tolist()} you count {got}, there are {expected}: a ≠ p with the same label, n with another label.",
        )
    passed("your count matches a brute-force enumeration on five batches.")


def check_pairwise_l2(pairwise_l2) -> None:
    """Exercise 3.2: the (b, b) Euclidean distance matrix with ``keras.ops``."""
    from ..losses import pairwise_distances

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
    from ..callbacks import active_triplet_fraction

    margin = float(defined(margin_for_half, "margin_for_half"))
    require(margin >= 0, f"a margin is >= 0; got {margin}.")
    share = active_triplet_fraction(embeddings, labels, margin=margin)
    require(
        0.35 <= share <= 0.65,
        f"at margin {margin:.3f}, {share:.0%} of the triplets are active; aim for about half (a larger margin makes more triplets active).",
    )
    passed(f"at margin {margin:.3f}, {share:.0%} of the batch's triplets still teach the model something.")
