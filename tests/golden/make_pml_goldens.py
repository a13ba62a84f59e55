"""Write the pytorch-metric-learning goldens that tests/test_metrics.py compares against.

    bash bench/envs/torch.sh && .venvs/torch/bin/python tests/golden/make_pml_goldens.py

Runs under the torch venv (PyTorch + pytorch-metric-learning 2.x + faiss-cpu) made by
``bench/envs/torch.sh``; it never imports tslearnkit. For the study's legacy MAP@k it re-runs
itself under the PML 0.9.99 venv (``$TORCH_LEGACY_PYTHON``, default
``.venvs/torch-pml0999/bin/python``) when that exists.

Writes
    ``tests/golden/pml_cases.npz``: the inputs of every case (``float32`` embeddings, ``int64``
    labels) and the k-means cluster labels PML got from the seeded scikit-learn k-means.
    ``tests/golden/pml_expected.json``: per case its settings and the values of
    ``AccuracyCalculator(k=k, knn_func=FaissKNN() (PML's default), kmeans_func=<sklearn
    KMeans(n_clusters, n_init=1, random_state=seed)>).get_accuracy(query, query_labels,
    reference, reference_labels, ref_includes_query)``; the same with
    ``knn_func=CustomKNN(LpDistance(normalize_embeddings=False))`` (torch.topk, to show where
    tie order is implementation-defined); and PML 0.9.99's values, plus the library versions.

Embeddings of the "grid"/"clustered" cases are small integers, so every distance is exact in
``float32`` whatever the summation order: the only ambiguity left is the order of *exactly*
tied distances, which these cases create on purpose (duplicates, points on a coarse grid).
faiss ranks ties by reference index, lower first. The "gaussian" cases use continuous random
values, where near-ties could in principle rank differently under different rounding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES_FILE = HERE / "pml_cases.npz"
EXPECTED_FILE = HERE / "pml_expected.json"
KMEANS_N_INIT = 1
PML2_METRICS = (
    "precision_at_1",
    "r_precision",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "mean_reciprocal_rank",
    "NMI",
    "AMI",
)
LEGACY_METRICS = ("precision_at_1", "r_precision", "mean_average_precision_at_r", "mean_average_precision")


# --------------------------------------------------------------------------- inputs
def gaussian(rng, n, d, n_classes, spread=1.0, n_reference=0):
    """Continuous float32 embeddings with weak class structure.

    With ``n_reference > 0`` returns ``(query, labels, reference, reference_labels)`` drawn
    around the same class centres.
    """
    labels = rng.integers(0, n_classes, n + n_reference)
    centers = rng.standard_normal((n_classes, d)) * spread
    points = (centers[labels] + rng.standard_normal((n + n_reference, d))).astype(np.float32)
    return _split(points, labels, n, n_reference)


def clustered(rng, n, d, n_classes, weights=None, noise=16, n_reference=0):
    """Integer-valued clusters (exact float32 distances); ``weights`` unbalance the classes."""
    labels = rng.choice(n_classes, size=n + n_reference, p=weights)
    centers = rng.integers(-8, 9, (n_classes, d)) * 3
    points = centers[labels] + rng.integers(-noise, noise + 1, (n + n_reference, d))
    return _split(points.astype(np.float32), labels, n, n_reference)


def grid(rng, n, d, n_classes, side=3, n_reference=0):
    """Points on a tiny integer grid: many exact ties and duplicates across labels."""
    points = rng.integers(0, side, (n + n_reference, d)).astype(np.float32)
    return _split(points, rng.integers(0, n_classes, n + n_reference), n, n_reference)


def _split(points, labels, n, n_reference):
    if n_reference == 0:
        return points, labels
    return points[:n], labels[:n], points[n:], labels[n:]


def make_cases() -> list[dict]:
    """Every golden case: inputs, ``k``, ``ref_includes_query`` and a one-line description."""
    rng = np.random.default_rng(20240604)
    cases = []

    def add(
        name,
        description,
        query,
        query_labels,
        reference=None,
        reference_labels=None,
        k=None,
        ref_includes_query=False,
        seed=0,
    ):
        cases.append(
            dict(
                name=name,
                description=description,
                query=query,
                query_labels=np.asarray(query_labels, dtype=np.int64),
                reference=reference,
                reference_labels=None if reference_labels is None else np.asarray(reference_labels, dtype=np.int64),
                k=k,
                ref_includes_query=ref_includes_query,
                seed=seed,
            )
        )

    q, y = gaussian(rng, 200, 16, 5)
    add("loo_gaussian_knone", "leave-one-out, continuous, 5 classes, k=None", q, y)
    q, y, r, yr = gaussian(rng, 150, 32, 4, spread=0.3, n_reference=300)
    add("sep_gaussian_knone", "separate query/reference, continuous, k=None", q, y, r, yr)
    q, y = gaussian(rng, 50, 8, 10, spread=3.0)
    add("loo_gaussian_small_k3", "leave-one-out, 50 points, 10 classes, k=3", q, y, k=3)

    q, y = clustered(rng, 300, 8, 6)
    add("loo_clustered_k3", "leave-one-out, clustered, 6 classes, k=3 (the study's)", q, y, k=3, seed=1)
    q, y, r, yr = clustered(rng, 100, 8, 10, n_reference=400)
    add("sep_clustered_k3", "separate, clustered, 10 classes, k=3", q, y, r, yr, k=3)
    weights = np.array([0.5, 0.25, 0.15, 0.1])
    q, y = clustered(rng, 250, 4, 4, weights)
    add("loo_clustered_maxbin", "leave-one-out, unbalanced classes, k='max_bin_count'", q, y, k="max_bin_count")
    q, y, r, yr = clustered(rng, 120, 4, 3, weights[:3] / weights[:3].sum(), n_reference=360)
    add("sep_clustered_maxbin", "separate, unbalanced, k='max_bin_count'", q, y, r, yr, k="max_bin_count")
    q, y = clustered(rng, 500, 4, 2, noise=30)
    add("loo_clustered_k5_lt_r", "leave-one-out, 2 classes of ~250, k=5 < R", q, y, k=5)
    q, y = clustered(rng, 400, 6, 8, noise=20)
    add("loo_clustered_knone", "leave-one-out, clustered, 8 classes, k=None", q, y, seed=3)

    q, y = grid(rng, 120, 2, 3)
    add("loo_grid_ties_knone", "leave-one-out on a 3x3 grid: ties and duplicates, k=None", q, y)
    q, y, r, yr = grid(rng, 80, 2, 3, n_reference=200)
    add("sep_grid_ties_k3", "separate, 3x3 grid: ties across the k=3 cut", q, y, r, yr, k=3)
    q, y, r, yr = grid(rng, 90, 3, 4, side=2, n_reference=150)
    add("sep_grid_ties_knone", "separate, 2x2x2 grid, k=None", q, y, r, yr)

    q, y, r, yr = clustered(rng, 60, 4, 5, n_reference=200)
    keep = yr != 4  # label 4 appears among the queries only
    add("sep_lone_label_knone", "separate; one query label absent from the reference", q, y, r[keep], yr[keep])
    q, y = clustered(rng, 80, 4, 4)
    y[[3, 17]] = [7, 9]  # two labels held by a single query each
    add("loo_lone_label_k3", "leave-one-out; two labels with one member each, k=3", q, y, k=3)
    q, y, extra, y_extra = clustered(rng, 70, 5, 4, n_reference=130)
    add(
        "prefix_ref_includes_query",
        "reference = queries + 130 more, ref_includes_query",
        q,
        y,
        np.concatenate([q, extra]),
        np.concatenate([y, y_extra]),
        ref_includes_query=True,
    )
    q, y, more, y_more = clustered(rng, 100, 4, 3, n_reference=160)
    r = np.concatenate([q[:40], more])
    yr = np.concatenate([(y[:40] + 1) % 3, y_more])
    add(
        "sep_duplicates_other_label",
        "40 queries duplicated in the reference with another label: distance-0 ties across labels",
        q,
        y,
        r,
        yr,
        k=3,
    )
    return cases


# --------------------------------------------------------------------------- PML runners
def sklearn_kmeans_func(seed):
    import torch
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    def kmeans(x, n_clusters):
        x = x.cpu().numpy().astype(np.float32)
        with threadpool_limits(limits=1, user_api="openmp"):  # same labels, faster when busy
            labels = KMeans(n_clusters=n_clusters, n_init=KMEANS_N_INIT, random_state=seed).fit_predict(x)
        return torch.from_numpy(labels.astype(np.int64))

    return kmeans


def run_pml2(case, knn):
    """Values of PML 2.x's AccuracyCalculator for one case, and the k-means labels used."""
    import torch
    from pytorch_metric_learning.distances import LpDistance
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    from pytorch_metric_learning.utils.inference import CustomKNN, FaissKNN

    knn_func = FaissKNN() if knn == "faiss" else CustomKNN(LpDistance(normalize_embeddings=False))
    recorded = {}
    kmeans = sklearn_kmeans_func(case["seed"])

    def recording_kmeans(x, n_clusters):
        recorded["labels"] = kmeans(x, n_clusters)
        return recorded["labels"]

    calculator = AccuracyCalculator(
        include=PML2_METRICS, k=case["k"], device=torch.device("cpu"), knn_func=knn_func, kmeans_func=recording_kmeans
    )
    if case["reference"] is None:
        values = calculator.get_accuracy(case["query"], case["query_labels"])
    else:
        values = calculator.get_accuracy(
            case["query"], case["query_labels"], case["reference"], case["reference_labels"], case["ref_includes_query"]
        )
    return {k: float(v) for k, v in values.items()}, recorded["labels"].numpy()


def run_pml0999(case):
    """PML 0.9.99's values (the study's version; argument order q, ref, q_labels, ref_labels)."""
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator

    calculator = AccuracyCalculator(include=LEGACY_METRICS, k=case["k"])
    if case["reference"] is None:
        args = (case["query"], case["query"], case["query_labels"], case["query_labels"], True)
    else:
        args = (
            case["query"],
            case["reference"],
            case["query_labels"],
            case["reference_labels"],
            case["ref_includes_query"],
        )
    return {k: float(v) for k, v in calculator.get_accuracy(*args).items()}


def versions() -> dict:
    import faiss
    import pytorch_metric_learning
    import sklearn
    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "pytorch_metric_learning": pytorch_metric_learning.__version__,
        "faiss": faiss.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
    }


def has_foreign_duplicate(case) -> bool:
    """Does some query have a distance-0 reference other than its own row?

    PML 0.9.99 dropped the *first* neighbour as "self" in leave-one-out; only such queries can
    make that differ from dropping the query's own row.
    """
    query = case["query"]
    reference = query if case["reference"] is None else case["reference"]
    same = (query[:, None, :] == reference[None, :, :]).all(axis=2)
    if case["reference"] is None or case["ref_includes_query"]:
        same[np.arange(len(query)), np.arange(len(query))] = False
        return bool(same.any())
    return False  # no row is dropped when the reference does not include the queries


# --------------------------------------------------------------------------- files
def save_cases(cases, cluster_labels):
    arrays = {}
    for case in cases:
        name = case["name"]
        for key in ("query", "query_labels", "reference", "reference_labels"):
            if case[key] is not None:
                arrays[f"{name}/{key}"] = case[key]
        arrays[f"{name}/cluster_labels"] = cluster_labels[name].astype(np.int64)
    np.savez_compressed(CASES_FILE, **arrays)


def legacy_worker(output: Path) -> None:
    """Run under the 0.9.99 venv: same cases, legacy values to ``output`` (JSON)."""
    results = {case["name"]: run_pml0999(case) for case in make_cases()}
    output.write_text(json.dumps({"values": results, "versions": versions()}))


def run_legacy() -> dict | None:
    python = os.environ.get("TORCH_LEGACY_PYTHON", str(REPO / ".venvs/torch-pml0999/bin/python"))
    if not Path(python).exists():
        print(f"no PML 0.9.99 python at {python}: legacy goldens skipped", file=sys.stderr)
        return None
    output = HERE / ".legacy_values.json"
    subprocess.run([python, __file__, "--legacy-worker", str(output)], check=True)
    result = json.loads(output.read_text())
    output.unlink()
    if result["versions"]["pytorch_metric_learning"] != "0.9.99":
        raise RuntimeError(f"legacy python has PML {result['versions']['pytorch_metric_learning']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legacy-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.legacy_worker:
        legacy_worker(args.legacy_worker)
        return

    cases = make_cases()
    legacy = run_legacy()
    expected = {
        "versions": {"pml2": versions(), "pml0999": legacy and legacy["versions"]},
        "kmeans": f"sklearn KMeans(n_clusters=#query labels, n_init={KMEANS_N_INIT}, "
        "random_state=seed) on float32 query embeddings",
        "cases": {},
    }
    cluster_labels = {}
    for case in cases:
        faiss_values, cluster_labels[case["name"]] = run_pml2(case, "faiss")
        topk_values, _ = run_pml2(case, "torch_topk")
        n_reference = len(case["query"] if case["reference"] is None else case["reference"])
        expected["cases"][case["name"]] = {
            "description": case["description"],
            "n_query": len(case["query"]),
            "n_reference": n_reference,
            "dim": int(case["query"].shape[1]),
            "leave_one_out": case["reference"] is None,
            "k": case["k"],
            "ref_includes_query": case["ref_includes_query"],
            "seed": case["seed"],
            "pml": faiss_values,
            "pml_torch_topk": topk_values,
            "pml0999": None if legacy is None else legacy["values"][case["name"]],
            "has_foreign_duplicate": has_foreign_duplicate(case),
        }
        print(f"{case['name']:30s} {faiss_values}")
    save_cases(cases, cluster_labels)
    EXPECTED_FILE.write_text(json.dumps(expected, indent=1, sort_keys=False) + "\n")
    print(f"wrote {CASES_FILE} ({CASES_FILE.stat().st_size} B) and {EXPECTED_FILE}")


if __name__ == "__main__":
    main()
