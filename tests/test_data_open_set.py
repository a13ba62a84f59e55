"""tk.data.open_set_split: classes split into seen (training) and unseen (queries + gallery)."""

import numpy as np
import pytest

from tslearnkit import data

PARTS = ("train", "seen_test", "query", "gallery")


def make_dataset(train_counts=(6, 5, 4, 7, 3, 8), test_counts=(3, 4, 2, 5, 2, 1), *, name="toy"):
    """Series whose first value is their pooled position, so every row can be traced back."""
    y_train = np.repeat(np.arange(len(train_counts)), train_counts)
    y_test = np.repeat(np.arange(len(test_counts)), test_counts)
    n_train, n_test = len(y_train), len(y_test)
    x = np.zeros((n_train + n_test, 5, 2), np.float32)
    x[:, 0, 0] = np.arange(n_train + n_test)
    x[:, 1:, :] = np.random.default_rng(1).normal(size=(n_train + n_test, 4, 2))
    names = tuple(f"c{i}" for i in range(len(train_counts)))
    return data.TimeSeriesDataset(name, x[:n_train], y_train, x[n_train:], y_test, names)


DATASET = make_dataset()
POOLED_Y = np.concatenate([DATASET.y_train, DATASET.y_test])
N_TRAIN = len(DATASET.y_train)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_series_lands_in_exactly_one_part(seed):
    split = data.open_set_split(DATASET, seed=seed)
    positions = np.concatenate([getattr(split, f"{part}_index") for part in PARTS])
    assert np.array_equal(np.sort(positions), np.arange(len(POOLED_Y)))  # none lost, none doubled
    for part in PARTS:
        index = getattr(split, f"{part}_index")
        assert np.array_equal(getattr(split, f"x_{part}")[:, 0, 0], index)  # rows are those positions
        assert np.array_equal(getattr(split, f"y_{part}"), POOLED_Y[index])
        assert getattr(split, f"x_{part}").dtype == np.float32


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_unseen_classes_never_reach_training(seed):
    split = data.open_set_split(DATASET, seed=seed)
    seen, unseen = set(split.seen_classes.tolist()), set(split.unseen_classes.tolist())
    assert seen.isdisjoint(unseen) and seen | unseen == set(range(6))
    assert set(split.y_train.tolist()) == seen and set(split.y_seen_test.tolist()) <= seen
    assert set(split.y_query.tolist()) == unseen and set(split.y_gallery.tolist()) == unseen
    assert not np.isin(split.y_train, split.unseen_classes).any()
    # training series come from the dataset's training split only; seen test series stay held out
    assert (split.train_index < N_TRAIN).all() and (split.seen_test_index >= N_TRAIN).all()


def test_queries_and_gallery_are_stratified_from_both_splits():
    split = data.open_set_split(DATASET, unseen_fraction=0.5, query_fraction=0.5, seed=3)
    assert len(split.unseen_classes) == 3
    for cls in split.unseen_classes:
        n_class = int((POOLED_Y == cls).sum())
        n_query = int((split.y_query == cls).sum())
        assert n_query == min(max(round(n_class * 0.5), 1), n_class - 1)
        assert int((split.y_gallery == cls).sum()) == n_class - n_query
    unseen_positions = np.concatenate([split.query_index, split.gallery_index])
    assert (unseen_positions < N_TRAIN).any() and (unseen_positions >= N_TRAIN).any()


def test_the_same_seed_gives_the_same_split_and_seeds_differ():
    first, again = data.open_set_split(DATASET, seed=5), data.open_set_split(DATASET, seed=5)
    for part in PARTS:
        assert np.array_equal(getattr(first, f"{part}_index"), getattr(again, f"{part}_index"))
    splits = {tuple(data.open_set_split(DATASET, seed=s).query_index) for s in range(6)}
    assert len(splits) > 1


def test_unseen_fraction_rounds_the_class_count():
    assert len(data.open_set_split(DATASET, unseen_fraction=1 / 3).unseen_classes) == 2
    assert len(data.open_set_split(DATASET, unseen_fraction=0.6).unseen_classes) == 4


def test_explicit_unseen_classes():
    split = data.open_set_split(DATASET, unseen_classes=[5, 1])
    assert split.unseen_classes.tolist() == [1, 5] and split.seen_classes.tolist() == [0, 2, 3, 4]


def test_a_query_fraction_near_the_edges_still_leaves_one_query_and_one_gallery_item():
    for fraction in (0.01, 0.99):
        split = data.open_set_split(DATASET, query_fraction=fraction, seed=2)
        for cls in split.unseen_classes:
            assert (split.y_query == cls).sum() >= 1 and (split.y_gallery == cls).sum() >= 1


def test_standardized_fits_the_seen_training_series_only():
    split = data.open_set_split(DATASET, seed=0).standardized()
    flat = split.x_train.reshape(-1, 2)
    np.testing.assert_allclose(flat.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(flat.std(axis=0), 1.0, atol=1e-4)
    raw = data.open_set_split(DATASET, seed=0)
    mean = raw.x_train.reshape(-1, 2).mean(axis=0)
    std = raw.x_train.reshape(-1, 2).std(axis=0)
    np.testing.assert_allclose(split.x_gallery, (raw.x_gallery - mean) / std, rtol=1e-4, atol=1e-4)


def test_summary_and_repr_name_the_parts():
    split = data.open_set_split(DATASET, seed=0)
    assert "gallery" in split.summary() and "seen=3" in repr(split)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"unseen_fraction": 0.0}, ValueError, r"unseen_fraction must be a number in \(0, 1\) \(exclusive\); got 0.0"),
        ({"unseen_fraction": 1.0}, ValueError, r"unseen_fraction must be a number in \(0, 1\) .*got 1.0"),
        ({"query_fraction": 1.5}, ValueError, r"query_fraction must be a number in \(0, 1\) .*got 1.5"),
        ({"query_fraction": float("nan")}, ValueError, r"query_fraction must be a number in \(0, 1\) .*got nan"),
        ({"query_fraction": "half"}, ValueError, r"query_fraction must be a number in \(0, 1\) .*got 'half'"),
        ({"seed": 1.5}, TypeError, r"seed must be an integer; got float 1.5"),
        ({"seed": "0"}, TypeError, r"seed must be an integer; got str '0'"),
        ({"seed": True}, TypeError, r"seed must be an integer; got bool True"),
        ({"seed": -1}, ValueError, r"seed must be an integer >= 0; got -1"),
        (
            {"unseen_fraction": 0.1},
            ValueError,
            r"at least 2 seen and 2 unseen classes; toy has 6 .* 5 seen and 1 unseen",
        ),
        ({"unseen_fraction": 0.9}, ValueError, r"gives 1 seen and 5 unseen with unseen_fraction=0.9"),
        ({"unseen_classes": [0, 9]}, ValueError, r"unseen_classes names class\(es\) \[9\] that have no series"),
        ({"unseen_classes": [0, 0]}, ValueError, r"unseen_classes repeats a class: \[0, 0\]"),
        ({"unseen_classes": [0.5, 1]}, TypeError, r"unseen_classes must hold integer class indices; got 0.5"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.open_set_split(DATASET, **kwargs)


def test_an_unseen_class_with_one_series_is_named():
    dataset = make_dataset(train_counts=(4, 4, 1, 4), test_counts=(2, 2, 0, 2))
    with pytest.raises(ValueError, match=r"unseen class 2 \('c2'\) has 1 series; it needs at least 2"):
        data.open_set_split(dataset, unseen_classes=[2, 3])


def test_too_few_classes_and_wrong_dataset_type():
    with pytest.raises(ValueError, match=r"toy has 3 classes with series, which gives 1 seen and 2 unseen"):
        data.open_set_split(make_dataset((3, 3, 3), (1, 1, 1)), unseen_fraction=0.5)
    with pytest.raises(TypeError, match=r"dataset must be a tk.data.TimeSeriesDataset; got dict"):
        data.open_set_split({"x": 1})
