"""Lesson 2's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.course.exercises import NotYet, lesson02


# --------------------------------------------------------------------------- 2.1
def test_map_at_r_right_prediction_passes(capsys):
    lesson02.check_map_at_r(1.0, (1 / 1 + 2 / 3) / 3)
    assert capsys.readouterr().out.startswith("✓ P@1 1.00 and MAP@R 0.56")


def test_map_at_r_agrees_with_the_kit_on_the_ranking():
    scores = lesson02._ranking_scores()
    assert scores["precision_at_1"] == 1.0
    assert scores["mean_average_precision_at_r"] == pytest.approx(5 / 9)


@pytest.mark.parametrize(
    ("map_at_r", "feedback"),
    [
        ((1 + 2 / 3 + 3 / 5) / 3, "counts every B"),  # MAP: no cut at R
        ((1 + 2 / 3) / 2, "divided by the number of hits"),
        (2 / 3, "R-precision"),
        (1.0, "How many B references"),  # P@1 copied
    ],
)
def test_map_at_r_plausible_wrong_predictions_are_rejected(map_at_r, feedback):
    with pytest.raises(NotYet, match=feedback):
        lesson02.check_map_at_r(1.0, map_at_r)


def test_map_at_r_wrong_precision_at_1_is_rejected():
    with pytest.raises(NotYet, match="nearest reference only"):
        lesson02.check_map_at_r(1 / 3, 5 / 9)


# --------------------------------------------------------------------------- 2.2
class _Data:
    x_train = np.zeros((6, 20, 3), np.float32)
    n_classes = 4


@pytest.fixture(scope="module")
def encoder():
    return tk.models.build_encoder("fcn", _Data.x_train.shape[1:])


def test_classifier_right_answer_passes(encoder, capsys):
    lesson02.check_classifier(tk.models.classifier_model(encoder, _Data.n_classes), _Data)
    assert capsys.readouterr().out.startswith("✓")


def test_classifier_without_its_head_is_rejected(encoder):
    with pytest.raises(NotYet, match="one logit per class"):
        lesson02.check_classifier(encoder, _Data)


def test_classifier_for_another_input_shape_is_rejected():
    transposed = tk.models.build_encoder("fcn", (3, 20))  # (channels, timesteps): the other way round
    with pytest.raises(NotYet, match="the shape you gave the encoder"):
        lesson02.check_classifier(tk.models.classifier_model(transposed, _Data.n_classes), _Data)


def test_classifier_not_a_model_is_rejected():
    with pytest.raises(NotYet, match="should be a Keras model"):
        lesson02.check_classifier("fcn", _Data)


# --------------------------------------------------------------------------- 2.3
def _precision_at_1(queries, query_labels, reference, reference_labels):
    distances = np.linalg.norm(queries[:, None, :] - reference[None, :, :], axis=-1)
    return float(np.mean(reference_labels[distances.argmin(axis=1)] == query_labels))


def test_precision_at_1_right_answer_passes(capsys):
    lesson02.check_precision_at_1(_precision_at_1)
    assert capsys.readouterr().out.startswith("✓")


def test_precision_at_1_farthest_neighbour_is_rejected():
    def farthest(queries, query_labels, reference, reference_labels):
        distances = np.linalg.norm(queries[:, None, :] - reference[None, :, :], axis=-1)
        return float(np.mean(reference_labels[distances.argmax(axis=1)] == query_labels))

    with pytest.raises(NotYet, match="smallest Euclidean distance"):
        lesson02.check_precision_at_1(farthest)


def test_precision_at_1_by_dot_product_is_rejected():
    def most_similar(queries, query_labels, reference, reference_labels):
        return float(np.mean(reference_labels[(queries @ reference.T).argmax(axis=1)] == query_labels))

    with pytest.raises(NotYet, match="closest reference"):
        lesson02.check_precision_at_1(most_similar)
