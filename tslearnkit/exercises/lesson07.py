"""Checks for lesson 7 (search): an honest open-set split, recall@k, a new class without retraining."""

from __future__ import annotations

import numpy as np

from ._core import call, defined, passed, require


def check_no_leak(leaked_classes, split) -> None:
    """Exercise 7.1: the classes shared by training and the unseen queries/gallery (none)."""
    leaked = set(int(c) for c in defined(leaked_classes, "leaked_classes"))
    train = set(np.unique(split.y_train).tolist())
    unseen = set(np.unique(split.y_query).tolist()) | set(np.unique(split.y_gallery).tolist())
    require(
        leaked == train & unseen,
        "compare the *sets* of classes: set(np.unique(split.y_train)) & set(...) of the query and gallery labels.",
    )
    require(not leaked, f"classes {sorted(leaked)} are in training and among the unseen: this split is not open-set.")
    passed(f"{len(train)} seen and {len(unseen)} unseen classes, none in both.")


def check_recall_at_k(recall_at_k, neighbours, query_labels) -> None:
    """Exercise 7.2: the share of queries with at least one same-class item among their k neighbours."""
    got = float(call(recall_at_k, "recall_at_k", neighbours, query_labels))
    labels = np.asarray(neighbours.labels)
    expected = float(np.mean([query_labels[i] in labels[i] for i in range(len(labels))]))
    k = labels.shape[1]
    require(
        abs(got - expected) < 1e-9,
        f"you have {got:.4f}, recall@{k} is {expected:.4f}: a query counts once if any of its {k} neighbours has its label.",
    )
    passed(f"recall@{k} = {expected:.3f}: that share of queries finds its class among the top {k}.")


def check_new_class(new_class_hits, index, split) -> None:
    """Exercise 7.3: series of a class added to the index are found by that class's other series."""
    hits = float(defined(new_class_hits, "new_class_hits"))
    cls = int(np.bincount(split.y_seen_test).argmax())  # the lesson's new_class
    require(
        np.any(np.asarray(index.labels) == cls),
        f"add the first half of class {cls}'s test series to `reloaded` (reloaded.add(series, labels)).",
    )
    require(0.0 <= hits <= 1.0, f"a share lies in [0, 1]; got {hits}.")
    passed(f"{hits:.0%} of the held-back series of class {cls} find their class first — added, not retrained.")
