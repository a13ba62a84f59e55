"""Checks for lesson 4 (mining): the hardest positive, a semi-hard negative, what a margin makes active."""

from __future__ import annotations

import numpy as np

from ._core import NotYet, call, close, defined, passed, require


def _hardest_positive_brute_force(embeddings, labels):
    embeddings, labels = np.asarray(embeddings, np.float64), np.asarray(labels)
    return np.array(
        [
            max(
                np.linalg.norm(embeddings[a] - embeddings[p])
                for p in range(len(labels))
                if p != a and labels[p] == labels[a]
            )
            for a in range(len(labels))
        ]
    )


def check_hardest_positive(hardest_positive_distance) -> None:
    """Exercise 4.1: per anchor, the largest L2 distance to another series of its class."""
    rng = np.random.default_rng(4)
    labels = np.array([0, 1, 0, 2, 1, 2, 0, 1])
    embeddings = rng.normal(size=(len(labels), 5)).astype("float32")
    embeddings[3] = embeddings[5] + 0.01  # a class whose only positive pair is close: its farthest series is elsewhere
    got = np.asarray(call(hardest_positive_distance, "hardest_positive_distance", embeddings, labels), np.float64)
    got = got.reshape(-1) if got.size == len(labels) else got
    expected = _hardest_positive_brute_force(embeddings, labels)
    require(got.shape == expected.shape, f"one value per anchor: shape {expected.shape}; got {got.shape}.")
    farthest_any = np.linalg.norm(embeddings[:, None] - embeddings[None, :], axis=-1).max(axis=1)
    require(
        not close(got, farthest_any, rtol=1e-3, atol=1e-4),
        "these are the farthest series of any class: keep only the positives (same label, not the anchor itself) "
        "before taking the maximum.",
    )
    require(
        not close(got, expected**2, rtol=1e-3, atol=1e-4),
        "these are squared distances: take the L2 distance itself (their square root).",
    )
    require(
        close(got, expected, rtol=1e-3, atol=1e-4),
        "some anchors are wrong: entries outside the positive mask must not win (move them below every kept "
        "value before taking the maximum), and an anchor is not its own positive.",
    )
    passed("your masked maximum finds the hardest positive of every anchor.")


def check_semihard_negative(semihard_negative) -> None:
    """Exercise 4.2: the closest negative farther than the positive, or the farthest if none."""
    cases = [(0.5, [0.2, 0.7, 0.9, 0.6]), (0.5, [0.1, 0.2, 0.3]), (0.0, [0.4, 0.3, 0.8]), (1.0, [1.0, 1.5, 1.2])]
    for d_ap, d_an in cases:
        d_an = np.asarray(d_an)
        farther = d_an[d_an > d_ap]
        expected = int(np.flatnonzero(d_an == farther.min())[0]) if len(farther) else int(np.argmax(d_an))
        got = call(semihard_negative, "semihard_negative", d_ap, d_an)
        require(
            int(got) == expected,
            f"d(a, p) = {d_ap}, d(a, n) = {d_an.tolist()}: you picked {got}, the semi-hard negative is {expected} (the closest one strictly farther than the positive; the farthest if none is).",
        )
    passed("your choice matches FaceNet's semi-hard rule on four anchors.")


def check_active_shares(predicted_active, embeddings, labels, *, margins, distance_metric="L2") -> None:
    """Exercise 4.3: the share of active triplets at three margins, predicted from the easy /
    semi-hard / hard counts of an untrained batch before it is measured."""
    from ...callbacks import active_triplet_fraction
    from ...losses import pairwise_distances

    predicted = defined(predicted_active, "predicted_active")
    require(
        isinstance(predicted, dict),
        f"`predicted_active` should be a dict {{margin: share}}; got {type(predicted).__name__}.",
    )
    margins = [float(m) for m in margins]
    given = {float(k): v for k, v in predicted.items()}
    missing = [m for m in margins if m not in given]
    require(not missing, f"`predicted_active` needs a share for each margin {margins}; missing {missing}.")
    for m in margins:
        value = given[m]
        require(
            isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool),
            f"the share at margin {m:g} should be a number; got {value!r}.",
        )
        require(
            0.0 <= float(value) <= 1.0,
            f"at margin {m:g} you give {value!r}: a share is a fraction between 0 and 1 (not a count, not a percentage).",
        )
    labels = np.asarray(labels).reshape(-1)
    dist = np.asarray(pairwise_distances(np.asarray(embeddings, np.float32), distance_metric), np.float64)
    widest = float(dist.max())
    for m in margins:
        actual = active_triplet_fraction(embeddings, labels, margin=m, distance_metric=distance_metric)
        guess = float(given[m])
        if abs(guess - actual) <= 0.01:
            continue
        if m == 0:
            hint = (
                "with margin 0 a triplet is active when d(a, n) < d(a, p): its negative is closer than its "
                "positive. Which category of the counts is that?"
            )
        elif m > widest:
            hint = (
                f"this margin is larger than every distance in the batch ({widest:.2f}), so d(a, p) − d(a, n) + m "
                "is above zero for every triplet, however far its negative."
            )
        else:
            hint = (
                "at this margin a triplet is active when d(a, n) < d(a, p) + margin. Which categories of the "
                "counts satisfy that — only one of them, or two?"
            )
        raise NotYet(f"at margin {m:g} you predict {guess:.1%} active; it is {actual:.1%}. {hint}")
    passed(f"all three shares right: {', '.join(f'{given[m]:.1%} at {m:g}' for m in margins)}.")
