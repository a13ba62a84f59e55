"""Tests for tslearnkit.data.shaping: long-tailed training splits (also reached as tk.augment.X)."""

import numpy as np
import pytest
from augment_helpers import (
    pairwise_distances,
    sentinel_dataset,
)

from tslearnkit import augment


def test_make_imbalanced_accepts_counts_ratios_and_dicts():
    dataset = sentinel_dataset()
    by_counts = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=0)
    by_ratios = augment.make_imbalanced(dataset, [1.0, 0.75, 0.45, 0.25], seed=0)  # 0.25*10 -> 3
    by_dict = augment.make_imbalanced(dataset, {3: 2, 1: 0.5}, seed=0)
    assert np.bincount(by_counts.y_train).tolist() == [10, 8, 5, 2]
    assert np.bincount(by_ratios.y_train).tolist() == [10, 8, 5, 3]
    assert np.bincount(by_dict.y_train).tolist() == [10, 5, 10, 2]
    for subset in (by_counts, by_ratios, by_dict):
        assert subset.x_test is dataset.x_test and subset.y_test is dataset.y_test
        assert subset.class_names == dataset.class_names and subset.name == dataset.name
        # every kept row is an original training row with its label, in the original order
        rows = pairwise_distances(subset.x_train, dataset.x_train).argmin(axis=1)
        assert (np.diff(rows) > 0).all()
        np.testing.assert_array_equal(subset.x_train, dataset.x_train[rows])
        np.testing.assert_array_equal(subset.y_train, dataset.y_train[rows])
    again = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=0)
    other = augment.make_imbalanced(dataset, [10, 8, 5, 2], seed=1)
    np.testing.assert_array_equal(again.x_train, by_counts.x_train)
    assert not np.array_equal(other.x_train, by_counts.x_train)


@pytest.mark.parametrize(
    "counts, message",
    [
        ([10, 11, 5, 2], r"class 1 \('b'\): asked for 11 training series but only 10"),
        ([10, 8, 5, 1], r"class 3 \('d'\): 1 series requested, fewer than min_count=2"),
        ([10, 8, 1.5, 2], r"class 2 \('c'\).*\(0, 1\]"),
        ({4: 3}, r"unknown class\(es\) \[4\]"),
        ([10, 8, 5], "3 entries but the dataset has 4 classes"),
        ([10, True, 5, 2], r"class 1 \('b'\): expected an int count or a float ratio"),
    ],
)
def test_make_imbalanced_errors_name_the_class(counts, message):
    with pytest.raises(ValueError, match=message):
        augment.make_imbalanced(sentinel_dataset(), counts, seed=0)


def test_long_tail_ratios_follow_the_study_from_one_to_its_smallest_ratio():
    ratios = augment.long_tail_ratios(9)
    assert ratios[0] == 1.0 and ratios[-1] == pytest.approx(189 / 1113)
    assert all(a >= b for a, b in zip(ratios, ratios[1:]))
    assert augment.long_tail_ratios(1) == [1.0]


def test_shrink_bounds_series_and_length_and_keeps_every_class():
    from tslearnkit import data

    long = data.load_dataset("ACSF1", max_length=None)  # 100 + 100 series of 1460 steps, 10 classes
    small = data.shrink(long, max_series=40, max_timesteps=64, seed=0)
    assert small.x_train.shape[1:] == (64, 1) and len(small.x_train) <= 40 + long.n_classes
    assert set(small.y_train) == set(long.y_train) and set(small.y_test) == set(long.y_test)
    assert np.bincount(small.y_train).min() >= 2
    assert long.x_train.shape == (100, 1460, 1)  # the input is unchanged
    again = data.shrink(long, max_series=40, max_timesteps=64, seed=0)
    np.testing.assert_array_equal(small.x_test, again.x_test)
    tiny = data.load_dataset("UnitTest")
    assert data.shrink(tiny) is tiny
    with pytest.raises(ValueError, match="max_series must be an integer >= 2; got 1"):
        data.shrink(tiny, max_series=1)
