"""Lesson 3's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

from tslearnkit.course.exercises import NotYet, lesson03

P, K = 4, 5
PK_LABELS = np.repeat(np.arange(P), K)  # a P×K batch
RIGHT_COUNT = P * K * (K - 1) * (P - 1) * K


# --------------------------------------------------------------------------- 3.1
def test_valid_triplets_right_prediction_passes(capsys):
    lesson03.check_valid_triplets(RIGHT_COUNT, PK_LABELS)
    lesson03.check_valid_triplets(np.int64(RIGHT_COUNT), np.random.default_rng(0).permutation(PK_LABELS))
    assert capsys.readouterr().out.startswith("✓")


def test_valid_triplets_equal_a_brute_force_count_on_a_batch_that_is_not_pk(capsys):
    labels = np.array([0, 0, 0, 1, 2, 2])
    brute = sum(
        1
        for a in range(6)
        for p in range(6)
        for n in range(6)
        if a != p and labels[a] == labels[p] and labels[n] != labels[a]
    )
    lesson03.check_valid_triplets(brute, labels)
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (RIGHT_COUNT // 2, "each positive pair once"),
        ((P * K) ** 3, "every index triple"),
        (P * K * K * (P - 1) * K, "p ≠ a"),
        (RIGHT_COUNT + 1, "Count the anchor–positive pairs"),
    ],
)
def test_valid_triplets_plausible_wrong_predictions_are_rejected(wrong, message):
    with pytest.raises(NotYet, match=message):
        lesson03.check_valid_triplets(wrong, PK_LABELS)


def test_valid_triplets_need_a_whole_number():
    with pytest.raises(NotYet, match="one whole number"):
        lesson03.check_valid_triplets(RIGHT_COUNT + 0.5, PK_LABELS)
    with pytest.raises(NotYet, match="not set yet"):
        lesson03.check_valid_triplets(..., PK_LABELS)


# --------------------------------------------------------------------------- 3.2
def _pairwise_l2_right(embeddings):
    from keras import ops

    squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
    squared = squared_norms + ops.transpose(squared_norms) - 2.0 * ops.matmul(embeddings, ops.transpose(embeddings))
    return ops.sqrt(ops.maximum(squared, 0.0))


def test_pairwise_l2_right_answer_passes(capsys):
    lesson03.check_pairwise_l2(_pairwise_l2_right)
    assert capsys.readouterr().out.startswith("✓")


def test_pairwise_l2_squared_distances_are_rejected():
    def squared_l2(embeddings):
        e = np.asarray(embeddings)
        return ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1)

    with pytest.raises(NotYet, match="not the Euclidean distance"):
        lesson03.check_pairwise_l2(squared_l2)


def test_pairwise_l2_wrong_shape_and_crash_are_explained():
    with pytest.raises(NotYet, match=r"should be \(b, b\)"):
        lesson03.check_pairwise_l2(lambda e: np.linalg.norm(np.asarray(e), axis=1))
    with pytest.raises(NotYet, match="raised ZeroDivisionError"):
        lesson03.check_pairwise_l2(lambda e: 1 / 0)


# --------------------------------------------------------------------------- 3.3
@pytest.fixture(scope="module")
def trained_batch():
    """Unit-length embeddings of a P×K batch whose classes sit apart (a trained model's look)."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(P, 8))
    embeddings = centres[PK_LABELS] + 0.4 * rng.normal(size=(P * K, 8))
    return (embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)).astype("float32"), PK_LABELS


def _half_margin(embeddings, labels):
    from tslearnkit.callbacks import active_triplet_fraction

    candidates = np.linspace(0.0, 2.0, 201)
    shares = np.array([active_triplet_fraction(embeddings, labels, margin=m) for m in candidates])
    return float(candidates[np.argmin(np.abs(shares - 0.5))])


def test_margin_for_half_right_answer_passes(trained_batch, capsys):
    lesson03.check_margin_for_half(_half_margin(*trained_batch), *trained_batch)
    assert capsys.readouterr().out.startswith("✓")


def test_margin_for_half_the_training_margin_is_rejected_with_a_direction(trained_batch):
    from tslearnkit.callbacks import active_triplet_fraction

    assert active_triplet_fraction(*trained_batch, margin=0.0) < 0.35  # the premise of this test
    with pytest.raises(NotYet, match="try a larger margin"):
        lesson03.check_margin_for_half(0.0, *trained_batch)
    with pytest.raises(NotYet, match="try a smaller margin"):
        lesson03.check_margin_for_half(2.0, *trained_batch)
    with pytest.raises(NotYet, match="a margin is >= 0"):
        lesson03.check_margin_for_half(-0.5, *trained_batch)
