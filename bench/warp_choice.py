"""Would cross-validation inside the training split have picked time warping where it helps? (issue 27)

Run from the repository root::

    .venv/bin/python bench/warp_choice.py [--datasets ACSF1 ...] [--seeds 0 1 2]
        [--out bench/warp_choice.json] [--table]

The trial that led to the fourth candidate of :func:`tslearnkit.selection.cross_validated_choice`.
The benchmark's ``triplet semi-hard + time warp`` row (``docs/benchmark.md``) raises MAP@R on most
offline datasets and lowers it a lot on ACSF1, so a rule must decide from the training split
alone. The trial: the benchmark's ``CV choice`` as it then was (raw Euclidean, raw DTW or
semi-hard, by 3-fold CV MAP@R inside the training split) with a fourth candidate, semi-hard +
time warp, scored on the same folds.

This script fits the fourth candidate on those folds (``bench/tiny_warp.py``'s ``fold_rows``;
its records already hold the folds of UnitTest, PickupGestureWiimoteZ and Covid3Month_disc, so
by default it runs the other offline datasets) and writes every fold to ``--out``. The other
candidates' fold means are read from the records of the ``CV choice`` before the fourth
candidate (``bench/warp_choice_before/``, moved out of ``results/benchmark/`` when the rule
changed), made with the same splitter, seed, recipe, loss and encoder. No fit is repeated for the
test split: the chosen candidate's test scores are those of the benchmark's record of that
candidate, on the same dataset and seed, which is the fit the rule would make. ``--table`` prints,
per dataset, what the trial chose on each seed and its test scores against the raw series' and
the ``CV choice`` before, and what the adopted rule (the benchmark's ``CV choice`` records now)
chose on each seed and scored, without running.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from benchmark_before import benchmark_records
from tiny_warp import fold_rows, warped

import tslearnkit as tk
from tslearnkit.course.benchmark import METHOD_NAMES
from tslearnkit.course.results import load_results

ROOT = Path(__file__).resolve().parent.parent
WARP = {"+ time warp": warped("time_warp")}
RECORD_OF = {
    "euclidean": "1-NN Euclidean (raw)",
    "dtw": "1-NN DTW (raw)",
    "learned": "triplet semi-hard",
    "learned + time warp": "triplet semi-hard + time warp",
}
BEFORE = "CV choice: raw or semi-hard"  # the rule before the fourth candidate
BEFORE_DIR = ROOT / "bench" / "warp_choice_before"
NOW = METHOD_NAMES["cv_choice"]
METRICS = ("precision_at_1", "mean_average_precision_at_r")


def _records(folder: Path | None = None) -> dict:
    """``{(method, dataset, seed): record}`` of the records in ``folder``; without one, of the benchmark's as
    this study was made against (``bench/benchmark_before.py``)."""
    records = benchmark_records() if folder is None else load_results(folder, on_error="raise")
    return {(r["method"], r["dataset"], r["seed"]): r for r in records}


def choices(rows: list[dict], records: dict, before: dict) -> list[dict]:
    """Per (dataset, seed): each candidate's CV MAP@R, the choice, and the chosen record's test scores.

    ``records`` are the benchmark's, ``before`` the ``CV choice`` records before the fourth candidate.
    """
    out = []
    for dataset, seed in dict.fromkeys((r["dataset"], r["seed"]) for r in rows):
        warped = [r["mean_average_precision_at_r"] for r in rows if (r["dataset"], r["seed"]) == (dataset, seed)]
        cv = {**before[BEFORE, dataset, seed]["cv_map_at_r"], "learned + time warp": float(np.mean(warped))}
        means = {"MAP@R": {c: [v] for c, v in cv.items()}}  # the kit's rule, ties to the simpler candidate
        chosen = tk.selection.CrossValidatedChoice("", means, folds=0, loss="semihard").chosen_by("MAP@R")
        test = records[RECORD_OF[chosen], dataset, seed]["metrics"]
        out.append({"dataset": dataset, "seed": seed, "cv": cv, "chosen": chosen, **{m: test[m] for m in METRICS}})
    return out


def _cell(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.3f} ± {values.std(ddof=1) if len(values) > 1 else 0:.3f}"


def table(rows: list[dict], folder: Path | None = None, before_dir: Path = BEFORE_DIR) -> str:
    records, before = _records(folder), _records(before_dir)
    lines = [
        "| dataset | trial: chosen per seed | P@1 | MAP@R | CV choice before: P@1 | MAP@R | best raw P@1 "
        "| CV choice now chose | P@1 | MAP@R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    picked = choices(rows, records, before)
    for dataset in sorted({p["dataset"] for p in picked}):
        mine = [p for p in picked if p["dataset"] == dataset]
        seeds = [p["seed"] for p in mine]
        then = [before[BEFORE, dataset, s]["metrics"] for s in seeds]
        raw = max(
            np.mean([records[RECORD_OF[c], dataset, s]["metrics"]["precision_at_1"] for s in seeds])
            for c in ("euclidean", "dtw")
        )
        now = [records[NOW, dataset, s] for s in seeds if (NOW, dataset, s) in records]
        cells = [
            ", ".join(p["chosen"] for p in mine),
            *(_cell([p[m] for p in mine]) for m in METRICS),
            *(_cell([t[m] for t in then]) for m in METRICS),
            f"{raw:.3f}",
            ", ".join(n["chosen"] for n in now) or "–",
            *(_cell([n["metrics"][m] for n in now]) if now else "–" for m in METRICS),
        ]
        lines.append(f"| {dataset} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _all_rows(out: Path) -> list[dict]:
    """This script's folds and the time-warp folds of ``bench/tiny_warp.json``."""
    earlier = json.loads((ROOT / "bench" / "tiny_warp.json").read_text())
    mine = json.loads(out.read_text()) if out.exists() else []
    return [r for r in earlier if r["setting"] in WARP] + mine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=None, help="default: every offline dataset not yet measured")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("warp_choice.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    out = Path(args.out)
    if not args.table:
        done = {r["dataset"] for r in _all_rows(out)}
        datasets = [d for d in args.datasets or tk.data.list_datasets()["offline"] if d not in done]
        if args.datasets and len(datasets) < len(args.datasets):
            print(f"already measured, not fitted again: {sorted(set(args.datasets) - set(datasets))}")
        rows = json.loads(out.read_text()) if out.exists() else []
        for dataset in datasets:
            for seed in args.seeds:
                rows += fold_rows(dataset, seed, WARP)
                out.write_text(json.dumps(rows, indent=1) + "\n")
    print(table(_all_rows(out)))


if __name__ == "__main__":
    main()
