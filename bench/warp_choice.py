"""Would cross-validation inside the training split have picked time warping where it helps? (issue 27)

Run from the repository root::

    .venv/bin/python bench/warp_choice.py [--datasets ACSF1 ...] [--seeds 0 1 2]
        [--out bench/warp_choice.json] [--table]

The benchmark's ``triplet semi-hard + time warp`` row (``docs/benchmark.md``) raises MAP@R on most
offline datasets and lowers it a lot on ACSF1. A rule must decide from the training split alone.
The candidate rule: the benchmark's ``CV choice`` (raw Euclidean, raw DTW or semi-hard, by 3-fold
CV MAP@R inside the training split) with a fourth candidate, semi-hard + time warp, scored on
the same folds.

This script fits the fourth candidate on those folds (``bench/tiny_warp.py``'s ``fold_rows``;
its records already hold the folds of UnitTest, PickupGestureWiimoteZ and Covid3Month_disc, so
by default it runs the other offline datasets) and writes every fold to ``--out``. The other
candidates' fold means are read from the benchmark's ``CV choice`` records, made with the same
splitter, seed, recipe, loss and encoder. No fit is repeated for the test split: the
chosen candidate's test scores are those of the benchmark's record of that candidate, on the same
dataset and seed, which is the fit the rule would make. ``--table`` prints, per dataset, what
the rule chose on each seed and its test scores against the raw series' and the current CV
choice, without running.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tiny_warp import fold_rows

import tslearnkit as tk
from tslearnkit.course.results import load_results

ROOT = Path(__file__).resolve().parent.parent
WARP = {"+ time warp": "time_warp"}
CANDIDATES = ("euclidean", "dtw", "learned", "learned + time warp")  # ties go to the earlier one
RECORD_OF = {
    "euclidean": "1-NN Euclidean (raw)",
    "dtw": "1-NN DTW (raw)",
    "learned": "triplet semi-hard",
    "learned + time warp": "triplet semi-hard + time warp",
}
CURRENT = "CV choice: raw or semi-hard"
METRICS = ("precision_at_1", "mean_average_precision_at_r")


def _records(folder: Path) -> dict:
    """``{(method, dataset, seed): record}`` of the benchmark's records."""
    return {(r["method"], r["dataset"], r["seed"]): r for r in load_results(folder, on_error="raise")}


def choices(rows: list[dict], records: dict) -> list[dict]:
    """Per (dataset, seed): each candidate's CV MAP@R, the choice, and the chosen record's test scores."""
    out = []
    for dataset, seed in dict.fromkeys((r["dataset"], r["seed"]) for r in rows):
        warped = [r["mean_average_precision_at_r"] for r in rows if (r["dataset"], r["seed"]) == (dataset, seed)]
        current = records[CURRENT, dataset, seed]
        cv = {**current["cv_map_at_r"], "learned + time warp": float(np.mean(warped))}
        chosen = next(c for c in CANDIDATES if cv[c] >= max(cv.values()) - 1e-12)
        test = records[RECORD_OF[chosen], dataset, seed]["metrics"]
        out.append({"dataset": dataset, "seed": seed, "cv": cv, "chosen": chosen, **{m: test[m] for m in METRICS}})
    return out


def _cell(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.3f} ± {values.std(ddof=1) if len(values) > 1 else 0:.3f}"


def table(rows: list[dict], folder: Path = ROOT / "results" / "benchmark") -> str:
    records = _records(folder)
    lines = [
        "| dataset | chosen per seed | P@1 | MAP@R | CV choice now: P@1 | MAP@R | best raw P@1 |",
        "|---|---|---|---|---|---|---|",
    ]
    picked = choices(rows, records)
    for dataset in sorted({p["dataset"] for p in picked}):
        mine = [p for p in picked if p["dataset"] == dataset]
        seeds = [p["seed"] for p in mine]
        now = [records[CURRENT, dataset, s]["metrics"] for s in seeds]
        raw = max(
            np.mean([records[RECORD_OF[c], dataset, s]["metrics"]["precision_at_1"] for s in seeds])
            for c in ("euclidean", "dtw")
        )
        cells = [
            ", ".join(p["chosen"] for p in mine),
            *(_cell([p[m] for p in mine]) for m in METRICS),
            *(_cell([n[m] for n in now]) for m in METRICS),
            f"{raw:.3f}",
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
