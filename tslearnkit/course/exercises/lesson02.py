"""Checks for lesson 2 (cross-entropy): MAP@R of one ranking predicted, a classifier built with
``tk.models``, Precision@1 by hand."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require

#: The ranking of exercise 2.1: classes of the ten references, nearest first; the query is a "B".
RANKING = ("B", "A", "B", "C", "B", "A", "C", "A", "C", "A")
QUERY_CLASS = "B"


def _ranking_scores() -> dict:
    """The kit's scores of :data:`RANKING` (distances 0, 1, ..., 9 give that order)."""
    from ...metrics import retrieval_metrics_from_distances

    distances = np.arange(len(RANKING), dtype=float)[None, :]
    return retrieval_metrics_from_distances(distances, np.array([QUERY_CLASS]), np.array(RANKING))


def check_map_at_r(predicted_precision_at_1, predicted_map_at_r) -> None:
    """Exercise 2.1: P@1 and MAP@R of the ranking ``B A B C B A C A C A`` for a query of class B."""
    p1 = float(defined(predicted_precision_at_1, "predicted_precision_at_1"))
    map_r = float(defined(predicted_map_at_r, "predicted_map_at_r"))
    expected = _ranking_scores()
    want_p1, want_map = expected["precision_at_1"], expected["mean_average_precision_at_r"]
    require(
        abs(p1 - want_p1) < 0.01,
        f"P@1 {p1:.3f} is not it: P@1 looks at the nearest reference only. Which class is first in the ranking?",
    )
    r = RANKING.count(QUERY_CLASS)
    hits = [i for i, c in enumerate(RANKING, start=1) if c == QUERY_CLASS]
    all_hits = sum(k / i for k, i in enumerate(hits, start=1)) / r  # MAP without the cut at R
    hits_in_r = [i for i in hits if i <= r]
    per_hit = sum(k / i for k, i in enumerate(hits_in_r, start=1)) / max(len(hits_in_r), 1)
    require(
        abs(map_r - all_hits) >= 0.01,
        "that counts every B in the ranking; MAP@R stops after the first R places (R = the number of "
        "references of the query's class).",
    )
    require(
        abs(map_r - per_hit) >= 0.01,
        "close: you divided by the number of hits within the first R places; MAP@R divides by R itself, so "
        "a same-class reference ranked after R still costs.",
    )
    require(
        abs(map_r - len(hits_in_r) / r) >= 0.01,
        "that is the share of hits among the first R places (R-precision); MAP@R weights each hit by the "
        "precision at its place.",
    )
    require(
        abs(map_r - want_map) < 0.01,
        f"MAP@R {map_r:.3f} is not it. How many B references are there (that is R)? At each of the first R "
        "places that holds a B, what share of the places so far hold a B? Add those shares up and divide by R.",
    )
    passed(
        f"P@1 {want_p1:.2f} and MAP@R {want_map:.2f}: a right nearest neighbour is not a clean neighbourhood — "
        "MAP@R also sees the B that came late and the A that came between."
    )


def check_classifier(my_classifier, data) -> None:
    """Exercise 2.2: a ``tk.models`` classifier for this dataset's shape and classes."""
    import keras

    model = defined(my_classifier, "my_classifier")
    require(
        isinstance(model, keras.Model),
        f"`my_classifier` should be a Keras model; got {type(model).__name__}. Build the encoder, then the "
        "classification head on it, both from tk.models.",
    )
    require(
        tuple(model.input_shape[1:]) == data.x_train.shape[1:],
        f"the input must be one series, (timesteps, channels) = {data.x_train.shape[1:]}; "
        f"got {tuple(model.input_shape[1:])}. Look at the shape you gave the encoder.",
    )
    require(
        model.output_shape[-1] == data.n_classes,
        f"one logit per class: the last layer needs {data.n_classes} units, not {model.output_shape[-1]}. "
        "Is the head on the encoder, and does it know the number of classes?",
    )
    passed(f"{model.count_params():,} weights, {data.n_classes} logits.")


def check_precision_at_1(precision_at_1) -> None:
    """Exercise 2.3: the share of queries whose nearest reference has the same class."""
    from ...metrics import retrieval_metrics

    rng = np.random.default_rng(0)
    ref, queries = rng.normal(size=(40, 5)), rng.normal(size=(15, 5))
    ref_labels, query_labels = rng.integers(0, 3, 40), rng.integers(0, 3, 15)
    got = call(precision_at_1, "precision_at_1", queries, query_labels, ref, ref_labels)
    expected = retrieval_metrics(queries, query_labels, ref, ref_labels, include=["precision_at_1"])["precision_at_1"]
    require(
        close(got, expected),
        f"on a random test case you returned {got}, expected {expected:.4f}: for each query take the label of "
        "the closest reference (smallest Euclidean distance), compare it with the query's label, then average.",
    )
    passed("Precision@1 by hand equals tk.metrics.retrieval_metrics.")
