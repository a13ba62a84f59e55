"""Checks for lesson 7 (search): an honest open-set protocol, recall@k against P@1, a new class
added to an index without retraining."""

from __future__ import annotations

import numbers

import numpy as np

from ._core import call, defined, passed, require


# --------------------------------------------------------------------------- 7.1
def _names_answer(answer, what: str) -> list:
    """The student's answer as a list of names, or NotYet saying what is off."""
    require(
        isinstance(answer, (list, tuple, set, frozenset, np.ndarray)),
        f"{what} returned {type(answer).__name__}; return a list of class names (an empty list when none).",
    )
    items = list(answer.tolist() if isinstance(answer, np.ndarray) else answer)
    require(
        all(isinstance(item, str) for item in items),
        f"{what} returned {items!r}: those look like class indices. Return names: look each index up in "
        "class_names (index 0 need not be the class called '0').",
    )
    require(
        len(set(items)) == len(items),
        f"{what} returned {len(items)} names but only {len(set(items))} different ones: name each shared "
        "class once, not once per series.",
    )
    return items


def check_shared_class_names(shared_class_names, y_fit, validation, split) -> None:
    """Exercise 7.1: the names of the classes two label arrays share; the protocol shares none."""
    names = tuple(split.class_names)
    y_fit = np.asarray(y_fit)
    y_validation = np.asarray(validation["query"][1])
    y_unseen = np.concatenate([split.y_query, split.y_gallery])
    leaky = np.concatenate([y_unseen, y_fit[:1]])  # one training series slipped among the unseen ones
    cases = [
        ("training and unseen labels", y_fit, y_unseen),
        ("training labels and unseen labels with one training series among them", y_fit, leaky),
        ("the training labels with themselves", y_fit, y_fit),
        ("validation and unseen labels", y_validation, y_unseen),
    ]
    for what, labels_a, labels_b in cases:
        got = _names_answer(call(shared_class_names, "shared_class_names", labels_a, labels_b, names), f"for {what} it")
        expected = [names[c] for c in np.intersect1d(labels_a, labels_b)]
        require(
            set(got) == set(expected),
            f"for {what} shared_class_names returned {sorted(got)}; the classes in both are {expected}. "
            "A class is shared when it occurs at least once in each array.",
        )
    for what, labels_a in (("training", y_fit), ("validation", y_validation)):
        shared = np.intersect1d(labels_a, y_unseen)
        require(not shared.size, f"the {what} data hold unseen classes {[names[c] for c in shared]}: not open-set.")
    unseen_names = [names[c] for c in np.unique(y_unseen)]
    passed(f"the unseen classes {unseen_names} share nothing with the training or validation data.")


# --------------------------------------------------------------------------- 7.2
def _neighbours(labels):
    from ...search import Neighbours

    labels = np.asarray(labels)
    indices = np.arange(labels.size, dtype=np.int64).reshape(labels.shape)
    distances = np.tile(np.linspace(0.1, 1.0, labels.shape[1], dtype=np.float32), (labels.shape[0], 1))
    return Neighbours(indices, distances, labels)


def _recall_hint(got: float, labels: np.ndarray, query_labels: np.ndarray) -> str:
    matches = labels == query_labels[:, None]
    if abs(got - float(matches.mean())) < 1e-9:
        return "you averaged over all k neighbours (that is precision@k); recall@k counts a query once if *any* neighbour matches."
    if abs(got - float(matches[:, 0].mean())) < 1e-9:
        return "you looked at the nearest neighbour only; recall@k looks at all k of them."
    return "count, per query, whether any of its k neighbours has its label, then take the share of queries."


def check_recall_at_k(recall_at_k, neighbours, query_labels, recall_at_1_is_p_at_1, p_at_1) -> None:
    """Exercise 7.2: recall@k from ``Neighbours``, and the prediction "recall@1 equals P@1"."""
    prediction = defined(recall_at_1_is_p_at_1, "recall_at_1_is_p_at_1")
    require(
        isinstance(prediction, (bool, np.bool_)),
        f"recall_at_1_is_p_at_1 is {prediction!r}; store your prediction as True or False.",
    )
    query_labels = np.asarray(query_labels)
    small_labels = np.array([[0, 1, 1], [1, 1, 1], [2, 2, 0], [0, 0, 0]])
    small_queries = np.array([1, 0, 2, 1])  # recall@3 0.5, P@1 0.25, precision@3 1/3
    for what, found, labels in (
        ("a small made-up search", _neighbours(small_labels), small_queries),
        ("the lesson's search", neighbours, query_labels),
    ):
        got = float(call(recall_at_k, "recall_at_k", found, labels))
        expected = float(np.mean((np.asarray(found.labels) == labels[:, None]).any(axis=1)))
        require(
            abs(got - expected) < 1e-9,
            f"on {what} recall_at_k gives {got:.4f}, recall@{found.labels.shape[1]} is {expected:.4f}: "
            + _recall_hint(got, np.asarray(found.labels), labels),
        )
    k = neighbours.labels.shape[1]
    nearest = _neighbours(np.asarray(neighbours.labels)[:, :1])
    recall_1 = float(call(recall_at_k, "recall_at_k", nearest, query_labels))
    equal = abs(recall_1 - float(p_at_1)) < 1e-9
    verdict = "Your prediction held" if bool(prediction) == equal else "Your prediction did not hold"
    why = (
        "the index ranks by the same distance, with the same tie rule, as the retrieval metrics, so each "
        "query's nearest neighbour — hence recall@1 — is what P@1 scores"
        if equal
        else "the index and the metrics disagree on some nearest neighbours (ties or another distance)"
    )
    passed(
        f"recall@{k} = {float(recall_at_k(neighbours, query_labels)):.3f}. {verdict}: recall@1 = {recall_1:.3f}, "
        f"P@1 = {float(p_at_1):.3f} — {why}."
    )


# --------------------------------------------------------------------------- 7.3
def _share(value, name: str) -> float:
    value = defined(value, name)
    require(
        isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 <= float(value) <= 1.0,
        f"`{name}` is {value!r}; it is a share of queries: a number between 0 and 1.",
    )
    return float(value)


def check_new_class(predicted_hits_before, hits_before, hits_after, grown, reloaded, split, new_class) -> None:
    """Exercise 7.3: an unseen class's hit rate before and after its series join the index."""
    from ...search import SearchIndex

    predicted = _share(predicted_hits_before, "predicted_hits_before")
    before = _share(hits_before, "hits_before")
    after = _share(hits_after, "hits_after")
    require(isinstance(grown, SearchIndex), f"`grown` is a {type(grown).__name__}; build a tk.search.SearchIndex.")
    name = split.class_names[new_class]
    in_new = np.asarray(split.y_gallery) == new_class
    queries = np.asarray(split.x_query)[np.asarray(split.y_query) == new_class]
    require(
        int(np.sum(np.asarray(grown.labels) == new_class)) == int(in_new.sum()),
        f"`grown` holds {int(np.sum(np.asarray(grown.labels) == new_class))} series of class {name}; add its "
        f"{int(in_new.sum())} gallery series (split.y_gallery == new_class), once.",
    )
    require(
        len(grown) == len(in_new),
        f"`grown` holds {len(grown)} series; the unseen gallery has {len(in_new)}: start from the gallery "
        f"without class {name}, then add that class's gallery series.",
    )
    nearest = grown.query(queries, k=1)
    require(
        not np.all(nearest.distances[:, 0] < 1e-6),
        f"every query of class {name} finds a series at distance 0: you added the query series themselves. "
        "Add the class's *gallery* series; the queries must stay out of the index.",
    )
    fresh = SearchIndex(reloaded.model, split.x_gallery[~in_new], split.y_gallery[~in_new])
    expected_before = float(np.mean(fresh.query(queries, k=1).labels[:, 0] == new_class))
    fresh.add(split.x_gallery[in_new], split.y_gallery[in_new])
    expected_after = float(np.mean(fresh.query(queries, k=1).labels[:, 0] == new_class))
    require(
        abs(before - expected_before) < 1e-9,
        f"hits_before is {before:.3f}; measure it while `grown` does not hold class {name} yet "
        "(build it over the gallery without that class, query, and only then add).",
    )
    if abs(after - expected_after) >= 1e-9:
        all_queries = reloaded.query(split.x_query, k=1)
        if abs(after - float(np.mean(all_queries.labels[:, 0] == split.y_query))) < 1e-9:
            hint = f"that is the share over all queries; count only the queries of class {name}."
        else:
            hint = f"query with class {name}'s queries, k=1, and take the share whose nearest series has that class."
        require(False, f"hits_after is {after:.3f}, the share is {expected_after:.3f}: {hint}")
    if abs(predicted - expected_before) < 1e-9:
        verdict = f"You predicted it: {expected_before:.0%} before"
    else:
        verdict = f"You predicted {predicted:.0%}; it is {expected_before:.0%} before"
    from_start = float(np.mean(reloaded.query(queries, k=1).labels[:, 0] == new_class))
    same = "the same as" if abs(from_start - expected_after) < 1e-9 else f"against {from_start:.0%} in"
    passed(
        f"{verdict} (a class absent from the gallery is never the nearest neighbour's); after adding its "
        f"{int(in_new.sum())} gallery series, {expected_after:.0%} of class {name}'s queries find it first — "
        f"{same} the index that held it from the start, with a model that never saw the class."
    )
