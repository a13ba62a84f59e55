"""Each channel also standardised per series? Measured by cross-validation inside the training split (issue 27).

Run from the repository root::

    .venv/bin/python bench/per_series.py [--datasets Covid3Month_disc UnitTest PickupGestureWiimoteZ ArrowHead]
        [--seeds 0 1 2] [--settings ...] [--out bench/per_series.json] [--table]

The kit standardises each channel over the whole training split. Where a few series dwarf the rest
(Covid3Month_disc: counts, with a median series whose standard deviation is under 1 % of the
channel's), most series reach the encoder as nearly flat lines and it cannot see their shapes,
while a 1-NN on the raw values still ranks the small series among themselves. Settings, semi-hard
with the recipe on the same folds, one change:

* ``recipe``: the recipe as it is without the rule (each channel as loaded);
* ``+ per-series channels``: the encoder also gets each channel standardised within its own series
  (:class:`tslearnkit.models.PerSeriesStandardization`, the recipe's ``per_series_channels``).
* ``+ the layer only (jitter at the dataset's scale)`` (``--settings``, run on Covid3Month_disc only): the
  same layer in front of the encoder, but the batch augmentations at the dataset's scale, as without
  the rule; it shows why the rule also augments each series at its own scale
  (:func:`tslearnkit.augment.at_series_scale`).

A run replaces the records of the datasets and settings it names and keeps the others in ``--out``.

Also printed per dataset: :func:`tslearnkit.recipe.series_spread_ratio` of the training split, the
statistic the rule reads. The folds are ``bench/tiny_warp.py``'s (same splitter and seed). Every score
is a cross-validation of the training split; the test split is never loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
from tiny_warp import fold_rows

import tslearnkit as tk


def _layer_only(shape, **config):
    """The FCN behind the per-series layer, for a recipe without the rule: augmentation at the dataset's scale."""
    return tk.models.with_per_series_channels(tk.models.build_encoder("fcn", (shape[0], 2 * shape[1]), **config))


SETTINGS = {
    "recipe": lambda recipe, seed: {"recipe": dataclasses.replace(recipe, per_series_channels=False)},
    "+ per-series channels": lambda recipe, seed: {"recipe": dataclasses.replace(recipe, per_series_channels=True)},
    "+ the layer only (jitter at the dataset's scale)": lambda recipe, seed: {
        "recipe": dataclasses.replace(recipe, per_series_channels=False),
        "encoder": _layer_only,
    },
}
DEFAULT_SETTINGS = ("recipe", "+ per-series channels")


def table(rows: list[dict]) -> str:
    """Mean ± std over seeds of each seed's fold mean, and the paired difference of the two settings."""
    lines = [
        "| dataset | smallest spread ratio | setting | seeds | CV P@1 | CV MAP@R | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        ratio = min(r["spread_ratio"] for r in rows if r["dataset"] == dataset)
        for setting in [s for s in SETTINGS if any(r["setting"] == s for r in rows if r["dataset"] == dataset)]:
            per_seed = {}
            for r in rows:
                if (r["dataset"], r["setting"]) == (dataset, setting):
                    per_seed.setdefault(r["seed"], []).append(r)
            cells = []
            for key, digits in (("precision_at_1", 3), ("mean_average_precision_at_r", 3), ("fit_s", 1)):
                v = np.array([np.mean([r[key] for r in g]) for g in per_seed.values()])
                cells.append(f"{v.mean():.{digits}f} ± {v.std(ddof=1) if len(v) > 1 else 0:.{digits}f}")
            lines.append(f"| {dataset} | {ratio:.3f} | {setting} | {len(per_seed)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_split_table() -> str:
    """The benchmark's test scores of every dataset in ``bench/benchmark_before_per_series/`` (the datasets the
    rule changed), mean ± std over seeds, before the rule and with it (``results/benchmark``). Reporting only."""
    from benchmark_before import BEFORE_PER_SERIES, ROOT

    from tslearnkit.course.results import load_results

    def means(folder, datasets=None):
        out = {}
        for r in load_results(folder, on_error="raise"):
            if datasets is None or r["dataset"] in datasets:
                out.setdefault((r["dataset"], r["method"]), []).append(r["metrics"])
        return out

    before = means(BEFORE_PER_SERIES)
    now = means(ROOT / "results" / "benchmark", {d for d, _ in before})
    lines = [
        "| dataset | method | seeds | P@1 before | P@1 with the rule | MAP@R before | MAP@R with the rule |",
        "|---|---|---|---|---|---|---|",
    ]
    for (dataset, method), then in before.items():
        if "precision_at_1" not in then[0]:
            continue  # MiniRocket: no embedding; its accuracy does not depend on the rule
        cells = []
        for key in ("precision_at_1", "mean_average_precision_at_r"):
            for runs in (then, now[dataset, method]):
                v = np.array([m[key] for m in runs])
                cells.append(f"{v.mean():.3f} ± {v.std(ddof=1):.3f}")
        lines.append(f"| {dataset} | {method} | {len(then)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["Covid3Month_disc", "UnitTest", "PickupGestureWiimoteZ", "ArrowHead"]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(DEFAULT_SETTINGS))
    parser.add_argument("--out", default=str(Path(__file__).with_name("per_series.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    parser.add_argument("--test-table", action="store_true", help="print the benchmark's test scores before and with")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    if args.test_table:
        print(test_split_table())
        return
    out, settings = Path(args.out), {name: SETTINGS[name] for name in args.settings}
    rows = json.loads(out.read_text()) if out.is_file() else []  # a run replaces its own datasets and settings
    rows = [r for r in rows if not (r["dataset"] in args.datasets and r["setting"] in settings)]
    for dataset in args.datasets:
        ratio = float(tk.recipe.series_spread_ratio(tk.data.load_dataset(dataset).x_train).min())
        for seed in args.seeds:
            rows += [{**r, "spread_ratio": ratio} for r in fold_rows(dataset, seed, settings)]
            out.write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
