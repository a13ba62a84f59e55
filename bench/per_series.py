"""Each channel also standardised per series? Measured by cross-validation inside the training split (issue 27).

Run from the repository root::

    .venv/bin/python bench/per_series.py [--datasets Covid3Month_disc UnitTest PickupGestureWiimoteZ ArrowHead]
        [--seeds 0 1 2] [--out bench/per_series.json] [--table]

The kit standardises each channel over the whole training split. Where a few series dwarf the rest
(Covid3Month_disc: counts, with a median series whose standard deviation is under 1 % of the
channel's), most series reach the encoder as nearly flat lines and it cannot see their shapes,
while a 1-NN on the raw values still ranks the small series among themselves. Settings, semi-hard
with the recipe on the same folds, one change:

* ``recipe``: the recipe as it is without the rule (each channel as loaded);
* ``+ per-series channels``: the encoder also gets each channel standardised within its own series
  (:class:`tslearnkit.models.PerSeriesStandardization`, the recipe's ``per_series_channels``).

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

SETTINGS = {
    "recipe": lambda recipe, seed: {"recipe": dataclasses.replace(recipe, per_series_channels=False)},
    "+ per-series channels": lambda recipe, seed: {"recipe": dataclasses.replace(recipe, per_series_channels=True)},
}


def table(rows: list[dict]) -> str:
    """Mean ± std over seeds of each seed's fold mean, and the paired difference of the two settings."""
    lines = [
        "| dataset | smallest spread ratio | setting | seeds | CV P@1 | CV MAP@R | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        ratio = min(r["spread_ratio"] for r in rows if r["dataset"] == dataset)
        for setting in SETTINGS:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["Covid3Month_disc", "UnitTest", "PickupGestureWiimoteZ", "ArrowHead"]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("per_series.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    rows = []
    for dataset in args.datasets:
        ratio = float(tk.recipe.series_spread_ratio(tk.data.load_dataset(dataset).x_train).min())
        for seed in args.seeds:
            rows += [{**r, "spread_ratio": ratio} for r in fold_rows(dataset, seed, SETTINGS)]
            Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
