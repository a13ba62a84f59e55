"""Helpers shared by the `tests/test_metrics_*.py` modules: goldens and brute force."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tslearnkit import metrics

GOLDEN = Path(__file__).parent / "golden"


EXPECTED = json.loads((GOLDEN / "pml_expected.json").read_text())


CASES = np.load(GOLDEN / "pml_cases.npz")


PML_KEYS = (
    "precision_at_1",
    "r_precision",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "mean_reciprocal_rank",
    "NMI",
    "AMI",
)


KNN_KEYS = metrics.KNN_METRIC_NAMES


def brute_force(
    query, query_labels, reference=None, reference_labels=None, k=None, ref_includes_query=False, drop="self"
):
    """Every k-NN metric by the definitions, one query at a time, float64 distances.

    ``drop="first"`` removes the first neighbour instead of the query's own row in
    leave-one-out, as PML 0.9.99 did.
    """
    if reference is None:
        reference, reference_labels, ref_includes_query = query, query_labels, True
    query, reference = np.float64(query), np.float64(reference)
    self_count = int(ref_includes_query)
    counts = {label: int(np.sum(reference_labels == label)) - self_count for label in np.unique(query_labels)}
    per_query = {name: [] for name in KNN_KEYS}
    for i, label in enumerate(query_labels):
        n_relevant = counts[label]
        if n_relevant <= 0:  # lone query label: left out
            continue
        distances = ((reference - query[i]) ** 2).sum(axis=1)
        order = list(np.lexsort((np.arange(len(reference)), distances)))  # ties: lower index
        if ref_includes_query:
            order = order[1:] if drop == "first" else [j for j in order if j != i]
        n_ranked = {None: len(order), "max_bin_count": max(counts.values())}.get(k, k)
        relevant = [reference_labels[j] == label for j in order[:n_ranked]]
        hits = [rank for rank, is_hit in enumerate(relevant, start=1) if is_hit]
        precisions = [(number + 1) / rank for number, rank in enumerate(hits)]
        within_r = min(n_relevant, n_ranked)
        per_query["precision_at_1"].append(float(relevant[0]))
        per_query["r_precision"].append(sum(relevant[:within_r]) / within_r)
        per_query["mean_average_precision_at_r"].append(
            sum(p for p, rank in zip(precisions, hits) if rank <= n_relevant) / n_relevant
        )
        per_query["mean_average_precision"].append(sum(precisions) / n_relevant)
        per_query["mean_reciprocal_rank"].append(1 / hits[0] if hits else 0.0)
        per_query["legacy_map_at_k"].append(sum(precisions) / max(len(hits), 1))
    return {name: float(np.mean(values)) if values else float("nan") for name, values in per_query.items()}


def golden_case(name):
    get = lambda key: CASES[f"{name}/{key}"] if f"{name}/{key}" in CASES else None  # noqa: E731
    case = EXPECTED["cases"][name]
    return dict(
        query=get("query"),
        query_labels=get("query_labels"),
        reference=get("reference"),
        reference_labels=get("reference_labels"),
        cluster_labels=get("cluster_labels"),
        k=case["k"],
        seed=case["seed"],
        ref_includes_query=None if case["leave_one_out"] else case["ref_includes_query"],
    )


def ours(case, **kwargs):
    return metrics.retrieval_metrics(
        case["query"],
        case["query_labels"],
        case["reference"],
        case["reference_labels"],
        k=case["k"],
        seed=case["seed"],
        ref_includes_query=case["ref_includes_query"],
        **kwargs,
    )


def assert_metrics_close(actual, expected, keys, rtol=1e-6):
    for key in keys:
        np.testing.assert_allclose(actual[key], expected[key], rtol=rtol, atol=1e-12, err_msg=key)


def grid_data(seed, n, d=2, side=3, n_classes=3):
    rng = np.random.default_rng(seed)
    return rng.integers(0, side, (n, d)).astype(np.float32), rng.integers(0, n_classes, n)


GOLDEN_NAMES = sorted(EXPECTED["cases"])
