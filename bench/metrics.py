"""Time and peak memory of ``retrieval_metrics`` beside pytorch-metric-learning's AccuracyCalculator.

    bash bench/envs/torch.sh && python bench/metrics.py

(run from the repository root with the project's Python; ``--sizes 1000 10000`` for a short
run, ``--no-pml`` to skip the PyTorch side.)

Each case runs in a fresh subprocess, so its peak memory is that process's max RSS
(``ru_maxrss``) and nothing leaks from one case into the next. Cases: ``n`` queries against an
equal, separate reference (``ref_includes_query=False``), ``d = 128``, 10 classes, ``k=None``
(all references ranked), every metric. Timed in two parts: the k-NN metrics and the k-means
behind NMI/AMI (the same seeded scikit-learn k-means on both sides, so that part is equal by
construction). The PML side uses its defaults (faiss ``IndexFlatL2`` k-NN) plus that k-means as
``kmeans_func``, under ``$TORCH_PYTHON`` (default ``.venvs/torch/bin/python``).

PML with ``k=None`` materialises ``n × n`` distances, indices and several ``n × n`` float64
intermediates; at n = 50,000 that is far beyond the 24 GB machine. So the PML worker runs under
an address-space limit (``--pml-memory-gib``, default 10) and a timeout, and a case that hits
either is reported as such instead of taking the machine down.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DIM = 128
N_CLASSES = 10
KNN_METRICS = (
    "precision_at_1",
    "r_precision",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "mean_reciprocal_rank",
)
CLUSTER_METRICS = ("NMI", "AMI")


def make_data(n: int, seed: int = 0):
    """Queries and an equal-sized reference around shared class centres, float32 (n, 128)."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((N_CLASSES, DIM)).astype(np.float32) * 0.6
    labels = rng.integers(0, N_CLASSES, 2 * n)
    points = centers[labels] + rng.standard_normal((2 * n, DIM), dtype=np.float32)
    return points[:n], labels[:n], points[n:], labels[n:]


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --------------------------------------------------------------------------- workers
def worker_ours(n: int) -> dict:
    sys.path.insert(0, str(REPO))
    import sklearn.cluster  # noqa: F401  (imported before timing, as PML's import does)
    import sklearn.metrics  # noqa: F401

    from tslearnkit import metrics

    query, query_labels, reference, reference_labels = make_data(n)
    baseline = max_rss_mib()
    start = time.perf_counter()
    values = metrics.retrieval_metrics(query, query_labels, reference, reference_labels, include=KNN_METRICS)
    knn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    values.update(metrics.retrieval_metrics(query, query_labels, include=CLUSTER_METRICS))
    return {
        "knn_s": knn_seconds,
        "kmeans_s": time.perf_counter() - start,
        "baseline_mib": baseline,
        "peak_mib": max_rss_mib(),
        "values": values,
    }


def worker_pml(n: int) -> dict:
    import torch
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    def kmeans(x, n_clusters):  # the k-means tslearnkit uses, so NMI/AMI match
        with threadpool_limits(limits=1, user_api="openmp"):
            labels = KMeans(n_clusters=n_clusters, n_init=1, random_state=0).fit_predict(
                x.cpu().numpy().astype(np.float32)
            )
        return torch.from_numpy(labels.astype(np.int64))

    query, query_labels, reference, reference_labels = make_data(n)
    device = torch.device("cpu")
    baseline = max_rss_mib()
    start = time.perf_counter()
    calculator = AccuracyCalculator(include=KNN_METRICS, k=None, device=device)
    values = calculator.get_accuracy(query, query_labels, reference, reference_labels, False)
    knn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    calculator = AccuracyCalculator(include=CLUSTER_METRICS, device=device, kmeans_func=kmeans)
    values.update(calculator.get_accuracy(query, query_labels))
    return {
        "knn_s": knn_seconds,
        "kmeans_s": time.perf_counter() - start,
        "baseline_mib": baseline,
        "peak_mib": max_rss_mib(),
        "values": {k: float(v) for k, v in values.items()},
    }


# --------------------------------------------------------------------------- driver
def run_case(python: str, side: str, n: int, memory_gib: float | None, timeout: float) -> dict:
    """One case in a fresh process; returns the worker's dict or {"error": reason}."""

    def limit_memory():
        if memory_gib:
            size = int(memory_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    command = [python, __file__, "--worker", side, "--n", str(n)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, preexec_fn=limit_memory, env=env
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout > {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        oom = re.search(r"MemoryError|bad_alloc|Cannot allocate|out of memory", done.stderr)
        if not oom:
            return {"error": f"failed: {tail[:120]}"}
        wanted = re.search(r"tried to allocate (\d+) bytes", done.stderr)
        detail = f" (one allocation of {int(wanted.group(1)) / 2**30:.1f} GiB)" if wanted else ""
        return {"error": f"OOM under the {memory_gib:g} GiB limit{detail}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def torch_python() -> str | None:
    python = os.environ.get("TORCH_PYTHON", str(REPO / ".venvs/torch/bin/python"))
    return python if Path(python).exists() else None


def fmt(result: dict, key: str, spec: str) -> str:
    return format(result[key], spec) if "error" not in result else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--no-pml", action="store_true", help="only time tslearnkit")
    parser.add_argument("--pml-memory-gib", type=float, default=10.0)
    parser.add_argument(
        "--ours-memory-gib", type=float, default=None, help="address-space cap for our worker too (off by default)"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per case")
    parser.add_argument("--worker", choices=["ours", "pml"], help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = (worker_ours if args.worker == "ours" else worker_pml)(args.n)
        print(json.dumps(result))
        return

    pml_python = None if args.no_pml else torch_python()
    if not args.no_pml and pml_python is None:
        print("no torch venv (run bench/envs/torch.sh or set TORCH_PYTHON): PML side skipped")
    print(
        f"retrieval metrics, k=None, d={DIM}, {N_CLASSES} classes, n queries vs n references; "
        f"{os.cpu_count()} CPUs; times in s, peak RSS in MiB"
    )
    header = (
        f"{'n':>6} | {'ours kNN':>8} {'k-means':>7} {'peak':>6} | {'PML kNN':>8} "
        f"{'k-means':>7} {'peak':>6} | {'kNN x':>6} {'mem x':>6} | max |diff|"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        ours = run_case(sys.executable, "ours", n, args.ours_memory_gib, args.timeout)
        pml = (
            {"error": "skipped"}
            if pml_python is None
            else run_case(pml_python, "pml", n, args.pml_memory_gib, args.timeout)
        )
        if "error" in ours:
            print(f"{n:>6} | ours: {ours['error']}")
            continue
        if "error" in pml:
            comparison = f"PML {pml['error']}"
            pml_cols = f"{'-':>8} {'-':>7} {'-':>6}"
        else:
            diff = max(abs(ours["values"][k] - pml["values"][k]) for k in pml["values"])
            comparison = f"{pml['knn_s'] / ours['knn_s']:>6.1f} {pml['peak_mib'] / ours['peak_mib']:>6.1f} | {diff:.1e}"
            pml_cols = f"{pml['knn_s']:>8.2f} {pml['kmeans_s']:>7.2f} {pml['peak_mib']:>6.0f}"
        print(
            f"{n:>6} | {ours['knn_s']:>8.2f} {ours['kmeans_s']:>7.2f} {ours['peak_mib']:>6.0f} "
            f"| {pml_cols} | {comparison}",
            flush=True,
        )
        print(
            f"{'':>6}   ours: baseline RSS after imports and data {ours['baseline_mib']:.0f} MiB; "
            f"values {json.dumps({k: round(v, 4) for k, v in ours['values'].items()})}",
            flush=True,
        )


if __name__ == "__main__":
    main()
