"""Lesson 7's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at. A small synthetic open-set split and a fixed random
projection (no training) stand in for the lesson's data and search model."""

import dataclasses

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.course.exercises import NotYet, lesson07

TIMESTEPS, CHANNELS = 12, 2


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(6), 8)
    t = np.linspace(0, 1, TIMESTEPS)

    def series(y):
        x = rng.normal(0.0, 0.7, (len(y), TIMESTEPS, CHANNELS))  # noisy: some queries miss
        x[:, :, 0] += np.sin(2 * np.pi * (1 + 0.5 * y[:, None]) * t)
        return x.astype(np.float32)

    names = tuple(chr(65 + c) for c in range(6))  # names unlike indices: class 1 is "B"
    data = tk.data.TimeSeriesDataset("toy", series(labels), labels, series(labels), labels, names)
    return tk.data.open_set_split(data, unseen_classes=[1, 3, 4], seed=0)


@pytest.fixture(scope="module")
def protocol(split):
    """The lesson's parts: training classes, validation classes (one seen class here), unseen classes."""
    held_out = split.seen_classes[-1]
    is_fit = split.y_train != held_out
    validation_rows = split.y_seen_test == held_out
    validation = {
        "query": (split.x_seen_test[validation_rows], split.y_seen_test[validation_rows]),
        "gallery": (split.x_train[~is_fit], split.y_train[~is_fit]),
    }
    return split.y_train[is_fit], validation


@pytest.fixture(scope="module")
def model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((TIMESTEPS, CHANNELS)), keras.layers.Flatten(), keras.layers.Dense(8, use_bias=False)]
    )


@pytest.fixture(scope="module")
def search(split, model):
    index = tk.search.SearchIndex(model, split.x_gallery, split.y_gallery)
    found = index.query(split.x_query, k=3)
    p_at_1 = tk.training.evaluate_embedding(model, split.x_gallery, split.y_gallery, split.x_query, split.y_query)
    return index, found, p_at_1["precision_at_1"]


# --------------------------------------------------------------------------- 7.1
def _shared_names(labels_a, labels_b, class_names):
    return [class_names[c] for c in np.intersect1d(labels_a, labels_b)]


def test_shared_class_names_right_answer_passes(split, protocol, capsys):
    y_fit, validation = protocol
    lesson07.check_shared_class_names(_shared_names, y_fit, validation, split)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "'B'" in out  # the unseen classes, by name


def test_shared_class_names_returning_indices_is_rejected(split, protocol):
    y_fit, validation = protocol
    with pytest.raises(NotYet, match="look like class indices"):
        lesson07.check_shared_class_names(
            lambda a, b, names: sorted(set(a.tolist()) & set(b.tolist())), y_fit, validation, split
        )


def test_shared_class_names_once_per_series_is_rejected(split, protocol):
    y_fit, validation = protocol
    with pytest.raises(NotYet, match="name each shared class once"):
        lesson07.check_shared_class_names(
            lambda a, b, names: [names[c] for c in a if c in set(b.tolist())], y_fit, validation, split
        )


def test_shared_class_names_of_the_first_array_only_is_rejected(split, protocol):
    y_fit, validation = protocol
    with pytest.raises(NotYet, match="occurs at least once in each array"):
        lesson07.check_shared_class_names(
            lambda a, b, names: [names[c] for c in np.unique(a)], y_fit, validation, split
        )


# --------------------------------------------------------------------------- 7.2
def _recall_at_k(neighbours, query_labels):
    return float(np.mean((neighbours.labels == np.asarray(query_labels)[:, None]).any(axis=1)))


def test_recall_at_k_right_answer_and_prediction_pass(split, search, capsys):
    _, found, p_at_1 = search
    lesson07.check_recall_at_k(_recall_at_k, found, split.y_query, True, p_at_1)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "Your prediction held" in out


def test_recall_at_k_with_a_wrong_prediction_still_passes_and_says_so(split, search, capsys):
    _, found, p_at_1 = search
    lesson07.check_recall_at_k(_recall_at_k, found, split.y_query, False, p_at_1)
    assert "did not hold" in capsys.readouterr().out


def test_recall_at_k_as_precision_at_k_is_rejected(split, search):
    _, found, p_at_1 = search
    with pytest.raises(NotYet, match="that is precision@k"):
        lesson07.check_recall_at_k(
            lambda n, y: float(np.mean(n.labels == np.asarray(y)[:, None])), found, split.y_query, True, p_at_1
        )


def test_recall_at_k_from_the_nearest_neighbour_only_is_rejected(split, search):
    _, found, p_at_1 = search
    with pytest.raises(NotYet, match="nearest neighbour only"):
        lesson07.check_recall_at_k(
            lambda n, y: float(np.mean(n.labels[:, 0] == np.asarray(y))), found, split.y_query, True, p_at_1
        )


def test_recall_at_k_prediction_must_be_true_or_false(split, search):
    _, found, p_at_1 = search
    with pytest.raises(NotYet, match="True or False"):
        lesson07.check_recall_at_k(_recall_at_k, found, split.y_query, "yes", p_at_1)


# --------------------------------------------------------------------------- 7.3
NEW_CLASS = 3


def _grow(split, model, *, add="gallery", remove_first=True):
    """The exercise's steps; ``add``/``remove_first`` make the plausible slips."""
    in_new = split.y_gallery == NEW_CLASS
    keep = ~in_new if remove_first else np.ones_like(in_new)
    grown = tk.search.SearchIndex(model, split.x_gallery[keep], split.y_gallery[keep])
    queries = split.x_query[split.y_query == NEW_CLASS]
    before = float(np.mean(grown.query(queries, k=1).labels[:, 0] == NEW_CLASS))
    if remove_first:
        series = split.x_gallery[in_new] if add == "gallery" else queries
        grown.add(series, np.full(len(series), NEW_CLASS))
    after = float(np.mean(grown.query(queries, k=1).labels[:, 0] == NEW_CLASS))
    return grown, before, after


def test_new_class_right_answer_passes(split, model, search, capsys):
    reloaded = search[0]
    grown, before, after = _grow(split, model)
    lesson07.check_new_class(0.0, before, after, grown, reloaded, split, NEW_CLASS)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "You predicted it" in out and "class D" in out


def test_new_class_with_a_wrong_prediction_passes_and_corrects_it(split, model, search, capsys):
    grown, before, after = _grow(split, model)
    lesson07.check_new_class(0.5, before, after, grown, search[0], split, NEW_CLASS)
    assert "You predicted 50%; it is 0% before" in capsys.readouterr().out


def test_new_class_adding_the_query_series_is_rejected(split, model, search):
    assert np.sum(split.y_query == NEW_CLASS) == np.sum(split.y_gallery == NEW_CLASS)  # same count: only distances tell
    grown, before, after = _grow(split, model, add="queries")
    with pytest.raises(NotYet, match="you added the query series themselves"):
        lesson07.check_new_class(0.0, before, after, grown, search[0], split, NEW_CLASS)


def test_new_class_measured_with_the_class_already_in_the_index_is_rejected(split, model, search):
    grown, before, after = _grow(split, model, remove_first=False)
    assert before > 0
    with pytest.raises(NotYet, match="measure it while `grown` does not hold class D"):
        lesson07.check_new_class(0.0, before, after, grown, search[0], split, NEW_CLASS)


def test_new_class_share_over_all_queries_is_rejected(split, model, search):
    grown, before, _ = _grow(split, model)
    all_queries = float(np.mean(search[0].query(split.x_query, k=1).labels[:, 0] == split.y_query))
    assert abs(all_queries - _grow(split, model)[2]) > 0.05  # the slip gives another number here
    with pytest.raises(NotYet, match="share over all queries"):
        lesson07.check_new_class(0.0, before, all_queries, grown, search[0], split, NEW_CLASS)


def test_new_class_prediction_must_be_a_share(split, model, search):
    grown, before, after = _grow(split, model)
    with pytest.raises(NotYet, match="a number between 0 and 1"):
        lesson07.check_new_class("zero", before, after, grown, search[0], split, NEW_CLASS)


def test_the_split_fixture_keeps_names_apart_from_indices(split):
    # the 7.1 tests rely on it: index 1 is "B", not "1"
    assert dataclasses.is_dataclass(split) and split.class_names[1] == "B"
