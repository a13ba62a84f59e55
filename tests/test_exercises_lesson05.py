"""Lesson 5's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.course.exercises import NotYet, lesson05


@pytest.fixture(scope="module")
def long_tail():
    """A long-tailed training split: classes of 12, 6 and 3 distinct series."""
    rng = np.random.default_rng(5)
    y = np.repeat([0, 1, 2], [12, 6, 3])
    x = (rng.normal(size=(len(y), 10, 2)) + y[:, None, None]).astype(np.float32)
    return x, y


# --------------------------------------------------------------------------- 5.1
def test_imbalance_ratio_right_answer_passes(long_tail, capsys):
    _, y = long_tail
    lesson05.check_imbalance_ratio(4.0, y)
    assert capsys.readouterr().out.startswith("✓")


def test_imbalance_ratio_upside_down_is_rejected(long_tail):
    _, y = long_tail
    with pytest.raises(NotYet, match="divide the largest count by the smallest"):
        lesson05.check_imbalance_ratio(0.25, y)


# --------------------------------------------------------------------------- 5.2
def test_distinct_after_random_right_prediction_passes(long_tail, capsys):
    x, y = long_tail
    balanced = tk.augment.oversample(x, y, method="random", seed=0)
    lesson05.check_distinct_after_random(3, balanced, x, y)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "12 rows but still 3 different series" in out


def test_distinct_after_random_on_a_split_already_balanced_passes(capsys):
    # A tiny dataset's "long-tailed" split can stay balanced (two series in every class): nothing to add.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 5, 1)).astype(np.float32), np.repeat([0, 1, 2, 3], 2)
    balanced = tk.augment.oversample(x, y, method="random", seed=0)
    lesson05.check_distinct_after_random(2, balanced, x, y)
    assert "2 rows but still 2 different series" in capsys.readouterr().out


def test_distinct_after_random_row_count_is_rejected(long_tail):
    x, y = long_tail
    balanced = tk.augment.oversample(x, y, method="random", seed=0)
    with pytest.raises(NotYet, match="the number of rows the rarest class has now"):
        lesson05.check_distinct_after_random(12, balanced, x, y)


def test_distinct_after_random_other_wrong_count_is_rejected(long_tail):
    x, y = long_tail
    balanced = tk.augment.oversample(x, y, method="random", seed=0)
    with pytest.raises(NotYet, match="holds 3 different series in 12 rows"):
        lesson05.check_distinct_after_random(9, balanced, x, y)


def test_distinct_after_random_needs_the_random_method(long_tail):
    x, y = long_tail
    augmented = tk.augment.oversample(x, y, method="augment", seed=0)
    with pytest.raises(NotYet, match="method='random'"):
        lesson05.check_distinct_after_random(3, augmented, x, y)


def test_distinct_after_random_needs_the_oversample_result(long_tail):
    x, y = long_tail
    balanced = tk.augment.oversample(x, y, method="random", seed=0)
    with pytest.raises(NotYet, match="keep what tk.augment.oversample returns"):
        lesson05.check_distinct_after_random(3, (balanced.x, balanced.y), x, y)
    with pytest.raises(NotYet, match="not set yet"):
        lesson05.check_distinct_after_random(..., balanced, x, y)


def test_distinct_after_random_needs_every_class_balanced(long_tail):
    x, y = long_tail
    partly = tk.augment.oversample(x, y, method="random", target=6, seed=0)
    with pytest.raises(NotYet, match="reaches the largest class's count"):
        lesson05.check_distinct_after_random(3, partly, x, y)


# --------------------------------------------------------------------------- 5.3
def test_leaky_synthetic_share_right_prediction_passes(long_tail, capsys):
    _, y = long_tail
    lesson05.check_leaky_synthetic_share(1 - 21 / 36, y)  # 21 real rows, 3 classes of 12 after oversampling
    assert capsys.readouterr().out.startswith("✓")


def test_leaky_synthetic_share_of_zero_is_rejected(long_tail):
    _, y = long_tail
    with pytest.raises(NotYet, match="split comes \\*after\\* the oversampling"):
        lesson05.check_leaky_synthetic_share(0.0, y)


def test_leaky_synthetic_share_as_a_percentage_is_rejected(long_tail):
    _, y = long_tail
    with pytest.raises(NotYet, match="not a percentage"):
        lesson05.check_leaky_synthetic_share(41.7, y)


def test_leaky_synthetic_share_of_the_wrong_count_is_rejected(long_tail):
    _, y = long_tail
    synthetic_over_real = 15 / 21  # added rows divided by the real ones, not by the grown pool
    with pytest.raises(NotYet, match="grown to the largest class's count"):
        lesson05.check_leaky_synthetic_share(synthetic_over_real, y)


def test_leaky_synthetic_share_must_be_one_number(long_tail):
    _, y = long_tail
    with pytest.raises(NotYet, match="should be one number"):
        lesson05.check_leaky_synthetic_share([0.4, 0.5], y)
