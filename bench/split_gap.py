"""Does the training split predict the test split? Raw 1-NN inside the training split and on the test split (issue 27).

Run from the repository root::

    .venv/bin/python bench/split_gap.py [--datasets offline] [--out bench/split_gap.json] [--table]

Every rule the kit may adopt is chosen inside the training split (cross-validation, a validation
share), so a rule can only be as good as the training split is a picture of the test split. On the
tiny sets where the best learned P@1 stays below 1-NN DTW's, cross-validation inside the training
split put the learned embedding above DTW (``bench/cv_criterion.py``, ``bench/tiny_warp.py``). Is that
the learned model's optimism, or do the splits differ? A raw 1-NN has nothing fitted, so it can tell:
this script scores 1-NN Euclidean and 1-NN DTW on the raw series

* leave-one-out inside the training split: each training series is a query, every other training
  series the reference (no fold takes a third of the reference away);
* on the test split, with the whole training split as the reference (as the benchmark scores them);

with one DTW window for both, the benchmark's plan for the test split (``tk.baselines.plan_dtw``).
Where the records of ``bench/cv_criterion.py`` and ``bench/tiny_warp.py`` have the dataset (the tiny
sets), the table adds, on the same 3-fold CV inside the training split, 1-NN DTW's, semi-hard's and
semi-hard + time warp's P@1, beside the two embeddings' test P@1 (the benchmark's rows). It reads the
test split to report; nothing in the kit is chosen from it. ``--table`` prints the table of the
records in ``--out`` without running.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from benchmark_before import benchmark_records

import tslearnkit as tk

ROOT = Path(__file__).resolve().parent.parent
DISTANCES = ("euclidean", "dtw")


def leave_one_out_p1(x, y, distance: str, window) -> float:
    """1-NN accuracy of each training series against all the others (ties: the lower index, as the metrics)."""
    d = tk.baselines.raw_distances(x, x, distance=distance, window=window)
    np.fill_diagonal(d, np.inf)
    return float(np.mean(y[np.argmin(d, axis=1)] == y))


def dataset_row(name: str) -> dict:
    data = tk.data.load_dataset(name)
    plan = tk.baselines.plan_dtw(len(data.x_test), len(data.x_train), data.timesteps)
    row = {"dataset": name, "train": len(data.x_train), "test": len(data.x_test), "dtw_window": plan.window}
    for distance in DISTANCES:
        window = plan.window if distance == "dtw" else None
        row[f"{distance}_loo"] = leave_one_out_p1(data.x_train, data.y_train, distance, window)
        test = tk.baselines.nearest_neighbour_scores(
            data.x_train, data.y_train, data.x_test, data.y_test, distance=distance, window=window
        )
        row[f"{distance}_test"] = float(test["precision_at_1"])
    print(json.dumps(row), flush=True)
    return row


def cross_validated(dataset: str) -> dict | None:
    """3-fold CV P@1 inside the training split (means over seeds 0-2) of 1-NN DTW and semi-hard
    (``bench/cv_criterion.json``) and semi-hard + time warp (``bench/tiny_warp.json``), on the same folds, and
    the test P@1 of the benchmark's ``triplet semi-hard`` and ``triplet semi-hard + time warp`` rows; None
    where those records do not hold the dataset."""
    cv = [r for r in json.loads((ROOT / "bench" / "cv_criterion.json").read_text()) if r["dataset"] == dataset]
    if not cv:
        return None
    seeds = sorted(r["seed"] for r in cv)
    warp = [r for r in json.loads((ROOT / "bench" / "tiny_warp.json").read_text()) if r["dataset"] == dataset]
    test = {}
    for r in benchmark_records():
        if r["dataset"] == dataset and r["seed"] in seeds:
            test.setdefault(r["method"], []).append(r["metrics"].get("precision_at_1"))

    def fold_mean(name):
        return float(np.mean([np.mean(r["fold_scores"]["P@1"][name]) for r in cv]))

    warp_cv = [
        np.mean([r["precision_at_1"] for r in warp if r["seed"] == s and r["setting"] == "+ time warp"]) for s in seeds
    ]
    return {
        "dtw_cv": fold_mean("dtw"),
        "semihard_cv": fold_mean("learned"),
        "warp_cv": float(np.mean(warp_cv)),
        "semihard_test": float(np.mean(test["triplet semi-hard"])),
        "warp_test": float(np.mean(test["triplet semi-hard + time warp"])),
    }


def table(rows: list[dict]) -> str:
    header = ["dataset", "train / test series"]
    header += [f"{n} P@1: {where}" for n in ("1-NN Euclidean", "1-NN DTW") for where in ("training LOO", "test")]
    header += ["1-NN DTW P@1: 3-fold CV", "semi-hard P@1: 3-fold CV / test", "+ time warp P@1: 3-fold CV / test"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cv = cross_validated(r["dataset"])
        cells = [r["dataset"], f"{r['train']} / {r['test']}"]
        cells += [f"{r[f'{d}_{w}']:.3f}" for d in DISTANCES for w in ("loo", "test")]
        if cv:
            cells += [f"{cv['dtw_cv']:.3f}", f"{cv['semihard_cv']:.3f} / {cv['semihard_test']:.3f}"]
            cells += [f"{cv['warp_cv']:.3f} / {cv['warp_test']:.3f}"]
        else:
            cells += ["—", "—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["offline"], help="names, or offline for all ten")
    parser.add_argument("--out", default=str(Path(__file__).with_name("split_gap.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    names = tk.data.list_datasets()["offline"] if args.datasets == ["offline"] else args.datasets
    rows = [dataset_row(name) for name in names]
    Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
