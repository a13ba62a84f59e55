"""Lesson 1's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.course.exercises import NotYet, lesson01


@pytest.fixture(scope="module")
def data():
    """An imbalanced little dataset (classes of 20, 10 and 5 training series), two channels on
    different scales, so an equal-share guess and a test-statistics standardisation both fail."""
    rng = np.random.default_rng(0)
    y_train = np.repeat([0, 1, 2], [20, 10, 5])
    y_test = np.repeat([0, 1, 2], [4, 6, 8])
    scale = np.array([1.0, 50.0], np.float32)
    x_train = (rng.normal(size=(len(y_train), 9, 2)) * scale + y_train[:, None, None]).astype(np.float32)
    x_test = (rng.normal(size=(len(y_test), 9, 2)) * scale + 3.0 + y_test[:, None, None]).astype(np.float32)
    return tk.data.TimeSeriesDataset("toy", x_train, y_train, x_test, y_test, ("a", "b", "c"))


# --------------------------------------------------------------------------- 1.1
def test_validation_counts_right_prediction_passes(data, capsys):
    train_counts = np.bincount(data.y_train, minlength=data.n_classes)
    lesson01.check_validation_counts(np.round(0.2 * train_counts), data, 0.2, 0)
    assert capsys.readouterr().out.startswith("✓")


def test_validation_counts_equal_shares_are_rejected(data):
    equal_shares = np.full(data.n_classes, round(0.2 * len(data.y_train) / data.n_classes))
    with pytest.raises(NotYet, match="same share of every class"):
        lesson01.check_validation_counts(equal_shares, data, 0.2, 0)


def test_validation_counts_of_the_fit_part_are_rejected(data):
    kept = np.round(0.8 * np.bincount(data.y_train, minlength=data.n_classes))
    with pytest.raises(NotYet, match="keeps.*for fitting"):
        lesson01.check_validation_counts(kept, data, 0.2, 0)


def test_validation_counts_need_one_entry_per_class(data):
    with pytest.raises(NotYet, match="one entry per class"):
        lesson01.check_validation_counts(np.array([7.0]), data, 0.2, 0)
    with pytest.raises(NotYet, match="not set yet"):
        lesson01.check_validation_counts(..., data, 0.2, 0)


# --------------------------------------------------------------------------- 1.2
def _standardize_right(x_train, x_test):
    mean = x_train.mean(axis=(0, 1), keepdims=True)
    std = x_train.std(axis=(0, 1), keepdims=True)
    return (x_train - mean) / std, (x_test - mean) / std


def test_standardize_right_answer_passes(data, capsys):
    lesson01.check_standardize(_standardize_right, data)
    assert capsys.readouterr().out.startswith("✓")


def test_standardize_with_test_statistics_is_rejected(data):
    def leaky(x_train, x_test):
        return _standardize_right(x_train, x_train)[0], _standardize_right(x_test, x_test)[0]

    with pytest.raises(NotYet, match="training\\* statistics"):
        lesson01.check_standardize(leaky, data)


def test_standardize_over_all_channels_at_once_is_rejected(data):
    def one_scale(x_train, x_test):
        mean, std = x_train.mean(), x_train.std()
        return (x_train - mean) / std, (x_test - mean) / std

    with pytest.raises(NotYet, match="per channel"):
        lesson01.check_standardize(one_scale, data)


@pytest.mark.parametrize("level", [0.0, 3.7, 1000.1])
def test_standardize_with_a_dead_channel_names_it(data, level):
    def dead_copy(x):
        x = x.copy()
        x[..., 1] = level  # the second channel never changes
        return x

    dead = tk.data.TimeSeriesDataset(
        "dead", dead_copy(data.x_train), data.y_train, dead_copy(data.x_test), data.y_test, data.class_names
    )

    def lesson_solution(x_train, x_test):
        values = x_train.astype(np.float64)
        mean, std = values.mean(axis=(0, 1), keepdims=True), values.std(axis=(0, 1), keepdims=True)
        std = np.where(std > 1e-8, std, 1.0)
        return (x_train - mean) / std, (x_test - mean) / std

    lesson01.check_standardize(lesson_solution, dead)  # the lesson's solution passes at any level

    def divides_by_zero(x_train, x_test):
        mean, std = x_train.mean(axis=(0, 1), keepdims=True), x_train.std(axis=(0, 1), keepdims=True)
        std[..., 1] = 0.0  # what float64 statistics give a dead channel without a floor
        return (x_train - mean) / std, (x_test - mean) / std

    with (
        np.errstate(invalid="ignore", divide="ignore"),
        pytest.raises(NotYet, match=r"Channel\(s\) \[1\] never change"),
    ):
        lesson01.check_standardize(divides_by_zero, dead)


def test_standardize_that_crashes_says_how(data):
    with pytest.raises(NotYet, match="raised ZeroDivisionError"):
        lesson01.check_standardize(lambda a, b: 1 / 0, data)


# --------------------------------------------------------------------------- 1.3
def _self_match(data):
    flat = data.x_train.reshape(len(data.x_train), -1)
    return tk.metrics.knn_accuracy(flat, data.y_train, flat, data.y_train, k=1)


def test_self_match_right_prediction_passes(data, capsys):
    lesson01.check_self_match(1.0, _self_match(data), data.x_train, data)
    assert capsys.readouterr().out.startswith("✓ 1.000")


def test_self_match_predicting_a_test_accuracy_is_rejected(data):
    with pytest.raises(NotYet, match="distance from a series to\\s+itself"):
        lesson01.check_self_match(0.85, _self_match(data), data.x_train, data)


def test_self_match_computed_leave_one_out_is_rejected(data):
    flat = data.x_train.reshape(len(data.x_train), -1)
    leave_one_out = tk.metrics.retrieval_metrics(flat, data.y_train, include=["precision_at_1"])["precision_at_1"]
    assert leave_one_out < 1.0
    with pytest.raises(NotYet, match="queries \\*and\\* as the reference"):
        lesson01.check_self_match(1.0, leave_one_out, data.x_train, data)
