"""Lesson 7 chooses its search model on seen-class data only.

The lesson's two selection functions (``split_seen_classes`` and ``choose_search_model``) are
taken from the lesson source itself and run on a synthetic open-set split built so that the
seen classes and the unseen classes favour *different* candidates: channel 0 tells the seen
classes apart, channel 1 the unseen ones. A selection that looked at the unseen classes would
pick the channel-1 model; the lesson must pick the channel-0 model, whatever the unseen labels
are, and without reading any unseen attribute of the split.
"""

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

import tslearnkit as tk

LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "07_search_unseen.py"
SELECTION = ("split_seen_classes", "choose_search_model")
UNSEEN_FIELDS = ("unseen_classes", "x_query", "y_query", "x_gallery", "y_gallery", "query_index", "gallery_index")
TIMESTEPS, CHANNELS = 8, 2


def _lesson_tree():
    return ast.parse(LESSON.read_text())


@pytest.fixture(scope="module")
def selection():
    """The lesson's selection functions, compiled from its source (not copied into this test)."""
    nodes = [n for n in _lesson_tree().body if isinstance(n, ast.FunctionDef) and n.name in SELECTION]
    assert sorted(n.name for n in nodes) == sorted(SELECTION), "the lesson must define both selection functions"
    namespace = {"np": np, "tk": tk}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(LESSON), "exec"), namespace)
    return namespace["split_seen_classes"], namespace["choose_search_model"]


def _toy_dataset(n_classes=8, per_split=10, seed=0):
    """Classes 0-3 differ in channel 0 only, classes 4-7 in channel 1 only (the other channel is noise)."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(n_classes), per_split)

    def series(y):
        x = rng.normal(0.0, 1.0, (len(y), TIMESTEPS, CHANNELS))
        for i, c in enumerate(y):
            channel, level = (0, c) if c < 4 else (1, c - 4)
            x[i, :, channel] = 3.0 * level + rng.normal(0.0, 0.1, TIMESTEPS)
        return x.astype(np.float32)

    names = tuple(f"class {chr(65 + c)}" for c in range(n_classes))
    return tk.data.TimeSeriesDataset("toy", series(labels), labels, series(labels), labels, names)


def _channel_model(channel):
    """A fixed Keras model whose embedding is one channel of the series (no training needed)."""
    import keras

    model = keras.Sequential(
        [keras.Input((TIMESTEPS, CHANNELS)), keras.layers.Flatten(), keras.layers.Dense(TIMESTEPS, use_bias=False)]
    )
    kernel = np.zeros((TIMESTEPS * CHANNELS, TIMESTEPS), np.float32)
    kernel[np.arange(TIMESTEPS) * CHANNELS + channel, np.arange(TIMESTEPS)] = 1.0
    model.layers[-1].set_weights([kernel])
    return model


@pytest.fixture(scope="module")
def models():
    return {"channel 0": _channel_model(0), "channel 1": _channel_model(1)}


@pytest.fixture(scope="module")
def split():
    return tk.data.open_set_split(_toy_dataset(), unseen_classes=[4, 5, 6, 7], seed=0)


def _choose(selection, split, models, n_validation=2):
    split_seen_classes, choose_search_model = selection
    x_fit, y_fit, validation = split_seen_classes(split, n_validation, 0)
    best, scores = choose_search_model(models, validation, seed=0)
    return x_fit, y_fit, validation, best, scores


def _unseen_map_at_r(model, split):
    scores = tk.training.evaluate_embedding(model, split.x_gallery, split.y_gallery, split.x_query, split.y_query)
    return scores["mean_average_precision_at_r"]


def test_the_toy_split_would_mislead_a_choice_made_on_the_unseen_classes(split, models):
    # the premise of the tests below: on the unseen classes the *other* model is far better
    assert _unseen_map_at_r(models["channel 1"], split) > _unseen_map_at_r(models["channel 0"], split) + 0.3


def test_the_lesson_chooses_on_validation_classes_held_out_of_the_seen_ones(selection, split, models):
    x_fit, y_fit, validation, best, scores = _choose(selection, split, models)
    assert best == "channel 0" and scores["channel 0"] > scores["channel 1"] + 0.3
    validation_classes = set(np.unique(validation["query"][1]))
    assert len(validation_classes) == 2 and validation_classes == set(np.unique(validation["gallery"][1]))
    assert validation_classes <= set(split.seen_classes.tolist())
    assert not validation_classes & set(np.unique(y_fit)), "validation classes must be held out of training"
    assert set(np.unique(y_fit)) | validation_classes == set(split.seen_classes.tolist())
    assert len(x_fit) == len(y_fit)


def test_the_choice_does_not_change_when_the_unseen_labels_are_shuffled(selection, split, models):
    _, y_fit, _, best, scores = _choose(selection, split, models)
    rng = np.random.default_rng(1)
    for _ in range(3):
        shuffled = dataclasses.replace(
            split, y_query=rng.permutation(split.y_query), y_gallery=rng.permutation(split.y_gallery)
        )
        assert not np.array_equal(shuffled.y_query, split.y_query)
        _, y_fit_again, _, best_again, scores_again = _choose(selection, shuffled, models)
        assert best_again == best
        assert scores_again == scores  # bit for bit: the unseen labels play no part at all
        assert np.array_equal(y_fit_again, y_fit)


def test_the_choice_does_not_change_when_the_unseen_series_are_replaced(selection, split, models):
    _, _, _, best, scores = _choose(selection, split, models)
    rng = np.random.default_rng(2)
    noise = dataclasses.replace(
        split,
        x_query=rng.normal(size=split.x_query.shape).astype(np.float32),
        x_gallery=rng.normal(size=split.x_gallery.shape).astype(np.float32),
    )
    _, _, _, best_again, scores_again = _choose(selection, noise, models)
    assert best_again == best and scores_again == scores


class _SeenOnly:
    """A split whose unseen parts cannot be read: any access to them fails the test."""

    def __init__(self, split):
        self._split = split

    def __getattr__(self, name):
        if name in UNSEEN_FIELDS:
            raise AssertionError(f"the selection read split.{name}, a part of the unseen classes")
        return getattr(self._split, name)


@pytest.mark.parametrize("n_validation", [2, 3])
def test_the_selection_never_reads_an_unseen_attribute(selection, split, models, n_validation):
    # n_validation=3 leaves one class to train on: the fallback (the seen classes' test series) is used
    _, y_fit, validation, best, _ = _choose(selection, _SeenOnly(split), models, n_validation)
    assert best == "channel 0"
    if n_validation == 3:
        assert np.array_equal(y_fit, split.y_train) and np.array_equal(validation["query"][1], split.y_seen_test)


def test_the_lesson_takes_its_search_model_from_choose_search_model_only():
    def names_assigned(node):
        for target in node.targets:
            for name in target.elts if isinstance(target, ast.Tuple) else [target]:
                yield getattr(name, "id", None)

    assignments = [
        node for node in ast.walk(_lesson_tree()) if isinstance(node, ast.Assign) and "best" in names_assigned(node)
    ]
    assert len(assignments) == 1, "`best` (the search model) must be assigned exactly once"
    call = assignments[0].value
    assert isinstance(call, ast.Call) and getattr(call.func, "id", None) == "choose_search_model"
    assert [getattr(a, "id", None) for a in call.args] == ["models", "validation"]
    validation_source = [
        node
        for node in ast.walk(_lesson_tree())
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "split_seen_classes"
    ]
    assert len(validation_source) == 1, "the validation data come from split_seen_classes"
