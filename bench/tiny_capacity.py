"""A smaller encoder or more steps for tiny training sets? Measured by cross-validation inside the training split.

Run from the repository root::

    .venv/bin/python bench/tiny_capacity.py [--datasets UnitTest PickupGestureWiimoteZ Covid3Month_disc]
        [--seeds 0 1 2] [--out bench/tiny_capacity.json] [--table]

Issue 27 names two more remedies for training sets of a few dozen series, beside the time warp
``bench/tiny_warp.py`` measured: a smaller encoder (fewer weights to fit from few series) and more
optimizer steps. Both are tried on top of semi-hard + time warp, the setting cross-validation
preferred there, so each row changes one thing:

* ``+ time warp, small FCN``: the FCN's filters (32, 64, 32) instead of (128, 256, 128);
* ``+ time warp, 3x steps``: the recipe's step budget three times over (the idle stop still applies).

The folds are ``bench/tiny_warp.py``'s (same splitter and seed); the table adds its recorded rows
(raw series, recipe, ``+ time warp``) on the same folds. Every score is a cross-validation of the
training split; the test split is never loaded. Reporting only: nothing here changes a rule.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from tiny_warp import fold_rows, warped
from tiny_warp import table as tiny_table

TIME_WARP = warped("time_warp")
SMALL_FCN = {"filters": (32, 64, 32)}
SETTINGS = {
    "+ time warp, small FCN": lambda recipe, seed: {**TIME_WARP(recipe, seed), "encoder_config": SMALL_FCN},
    "+ time warp, 3x steps": lambda recipe, seed: {
        **TIME_WARP(recipe, seed),
        "recipe": dataclasses.replace(recipe, steps=3 * recipe.steps),
    },
}
EARLIER = ("+ time warp",)  # bench/tiny_warp.json's rows shown beside these


def with_earlier(rows: list[dict]) -> list[dict]:
    """``rows`` after tiny_warp.json's ``+ time warp`` folds of the same datasets and seeds."""
    wanted = {(r["dataset"], r["seed"]) for r in rows}
    earlier = json.loads(Path(__file__).with_name("tiny_warp.json").read_text())
    return [r for r in earlier if r["setting"] in EARLIER and (r["dataset"], r["seed"]) in wanted] + rows


def table(rows: list[dict]) -> str:
    """The raw, recipe and ``+ time warp`` folds (recorded) and ``rows``' settings, mean ± std over seeds."""
    return tiny_table(with_earlier(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("tiny_capacity.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    rows = []
    for dataset in args.datasets:
        for seed in args.seeds:
            rows += fold_rows(dataset, seed, SETTINGS)
            Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
