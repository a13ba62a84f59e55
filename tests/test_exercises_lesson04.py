"""Lesson 4's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

from tslearnkit.course.exercises import NotYet, lesson04


# --------------------------------------------------------------------------- 4.1
def _pairwise(embeddings):
    e = np.asarray(embeddings, np.float64)
    return np.linalg.norm(e[:, None, :] - e[None, :, :], axis=-1)


def _hardest_positive_right(embeddings, labels):
    import tslearnkit as tk

    distances = np.asarray(tk.losses.pairwise_distances(embeddings, "L2"))
    positives = (labels[:, None] == labels[None, :]) & ~np.eye(len(labels), dtype=bool)
    lowest = distances.min(axis=1, keepdims=True)
    return np.where(positives, distances - lowest, 0.0).max(axis=1) + lowest[:, 0]


def test_hardest_positive_right_answer_passes(capsys):
    lesson04.check_hardest_positive(_hardest_positive_right)
    assert capsys.readouterr().out.startswith("✓")


def test_hardest_positive_without_the_mask_is_rejected():
    with pytest.raises(NotYet, match="keep only the positives"):
        lesson04.check_hardest_positive(lambda embeddings, labels: _pairwise(embeddings).max(axis=1))


def test_hardest_positive_squared_distances_are_rejected():
    with pytest.raises(NotYet, match="squared distances"):
        lesson04.check_hardest_positive(lambda embeddings, labels: _hardest_positive_right(embeddings, labels) ** 2)


def test_hardest_positive_with_the_shift_not_undone_is_rejected():
    def shift_not_undone(embeddings, labels):  # moves every entry down by the row minimum, forgets to add it back
        distances = _pairwise(embeddings)
        positives = (labels[:, None] == labels[None, :]) & ~np.eye(len(labels), dtype=bool)
        lowest = distances.min(axis=1, keepdims=True)
        return np.where(positives, distances - lowest - 0.5, 0.0).max(axis=1)

    with pytest.raises(NotYet, match="some anchors are wrong"):
        lesson04.check_hardest_positive(shift_not_undone)
    with pytest.raises(NotYet, match="one value per anchor"):
        lesson04.check_hardest_positive(lambda embeddings, labels: _pairwise(embeddings).max())


# --------------------------------------------------------------------------- 4.2
def _semihard_right(d_ap, d_an):
    d_an = np.asarray(d_an)
    farther = np.flatnonzero(d_an > d_ap)
    return int(np.argmax(d_an)) if len(farther) == 0 else int(farther[np.argmin(d_an[farther])])


def test_semihard_negative_right_answer_passes(capsys):
    lesson04.check_semihard_negative(_semihard_right)
    assert capsys.readouterr().out.startswith("✓")


def test_semihard_negative_closest_negative_is_rejected():
    with pytest.raises(NotYet, match="the closest one strictly farther than the positive"):
        lesson04.check_semihard_negative(lambda d_ap, d_an: int(np.argmin(d_an)))


def test_semihard_negative_without_the_fallback_is_rejected():
    def no_fallback(d_ap, d_an):  # "not strictly": >= instead of >, and the closest when none is farther
        d_an = np.asarray(d_an)
        farther = np.flatnonzero(d_an >= d_ap)
        return int(np.argmin(d_an)) if len(farther) == 0 else int(farther[np.argmin(d_an[farther])])

    with pytest.raises(NotYet, match="the farthest if none is"):
        lesson04.check_semihard_negative(no_fallback)


# --------------------------------------------------------------------------- 4.3
@pytest.fixture(scope="module")
def untrained_batch():
    """Random unit vectors (an untrained model's look) for a 3×4 batch, their distances and the
    easy / semi-hard / hard counts at margin 0.5, as the lesson computes them."""
    from tslearnkit.losses import pairwise_distances

    rng = np.random.default_rng(4)
    labels = np.repeat(np.arange(3), 4)
    embeddings = rng.normal(size=(12, 6))
    embeddings = (embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)).astype("float32")
    dist = np.asarray(pairwise_distances(embeddings, "L2"))
    same = labels[:, None] == labels[None, :]
    counts = {"easy": 0, "semi-hard": 0, "hard": 0}
    for a in range(12):
        for p in np.flatnonzero(same[a]):
            if p == a:
                continue
            d_neg = dist[a, ~same[a]]
            counts["hard"] += int(np.sum(d_neg < dist[a, p]))
            counts["semi-hard"] += int(np.sum((d_neg >= dist[a, p]) & (d_neg < dist[a, p] + 0.5)))
            counts["easy"] += int(np.sum(d_neg >= dist[a, p] + 0.5))
    wide = round(float(dist.max()) + 0.1, 1)
    return embeddings, labels, counts, wide


def _right_prediction(counts, wide):
    total = sum(counts.values())
    return {0.0: counts["hard"] / total, 0.5: (counts["hard"] + counts["semi-hard"]) / total, wide: 1.0}


def test_active_shares_right_prediction_passes(untrained_batch, capsys):
    embeddings, labels, counts, wide = untrained_batch
    assert counts["easy"] and counts["hard"]  # the premise: every category occurs
    lesson04.check_active_shares(
        _right_prediction(counts, wide), embeddings, labels, margins=(0.0, 0.5, wide), distance_metric="L2"
    )
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("semi-hard only", r"at margin 0\.5 .*Which categories"),
        ("nothing at zero", r"at margin 0 .*negative is closer than its positive"),
        ("easy at wide", r"larger than every distance"),
    ],
)
def test_active_shares_plausible_wrong_predictions_are_rejected(untrained_batch, change, message):
    embeddings, labels, counts, wide = untrained_batch
    total = sum(counts.values())
    predicted = _right_prediction(counts, wide)
    if change == "semi-hard only":
        predicted[0.5] = counts["semi-hard"] / total
    elif change == "nothing at zero":
        predicted[0.0] = 0.0
    else:
        predicted[wide] = 1 - counts["easy"] / total
    with pytest.raises(NotYet, match=message):
        lesson04.check_active_shares(predicted, embeddings, labels, margins=(0.0, 0.5, wide), distance_metric="L2")


def test_active_shares_counts_percentages_and_missing_margins_are_explained(untrained_batch):
    embeddings, labels, counts, wide = untrained_batch
    margins = (0.0, 0.5, wide)
    as_counts = {0.0: counts["hard"], 0.5: counts["hard"] + counts["semi-hard"], wide: sum(counts.values())}
    with pytest.raises(NotYet, match="a share is a fraction between 0 and 1"):
        lesson04.check_active_shares(as_counts, embeddings, labels, margins=margins)
    with pytest.raises(NotYet, match="missing"):
        lesson04.check_active_shares({0.0: 0.1, 0.5: 0.9}, embeddings, labels, margins=margins)
    with pytest.raises(NotYet, match="should be a dict"):
        lesson04.check_active_shares([0.1, 0.9, 1.0], embeddings, labels, margins=margins)
