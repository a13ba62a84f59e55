"""A cheaper optimizer step on long series? Measured on a validation share of the training split (issue 27).

Run from the repository root::

    .venv/bin/python bench/long_cost.py [--datasets ACSF1 OSULeaf] [--seeds 0 1 2]
        [--out bench/long_cost.json] [--table]

On the long offline datasets the recipe's budget sits at its floor (:data:`tslearnkit.recipe.MIN_STEPS`
optimizer steps of P×K series of up to :data:`tslearnkit.data.MAX_LENGTH` steps), a fit of the
lessons' FCN encoder costs about four times one on the default dataset, and a lesson with several
fits runs past its three minutes. Twice the steps raised MAP@R (``bench/long_budget.py``), so the
budget is what limits these fits. Would a cheaper step keep the scores? Settings, semi-hard,
each against the recipe's own (FCN, P×K, its steps):

* ``half batch``: K halved (at least 2), the same steps: half the series per fit;
* ``half batch, twice the steps``: the same series per fit as the recipe, smaller batches;
* ``conv encoder``: the study's smaller CNN instead of the FCN, the recipe's P×K and steps.

For each dataset and seed the training split is cut, stratified and seeded, into a development
part (80 %) and an evaluation share (20 %); the test split is never loaded. Queries are the share,
references the development part. Writes every run to ``--out`` and prints mean ± std over seeds;
``--table`` prints the table of the records in ``--out`` without running (bench/README.md's table is
that output, and a test checks it).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np

import tslearnkit as tk


def settings(recipe):
    half_k = max(2, recipe.samples_per_class // 2)
    return {
        "recipe (FCN, P×K, its steps)": ("fcn", recipe),
        "half batch": ("fcn", dataclasses.replace(recipe, samples_per_class=half_k)),
        "half batch, twice the steps": (
            "fcn",
            dataclasses.replace(recipe, samples_per_class=half_k, steps=2 * recipe.steps),
        ),
        "conv encoder": ("conv", recipe),
    }


def run(dataset: str, seed: int) -> list[dict]:
    data = tk.data.load_dataset(dataset)
    x_dev, y_dev, x_eval, y_eval = tk.data.stratified_split(data.x_train, data.y_train, 0.2, seed=seed)
    recipe = tk.recipe.make_recipe(y_dev, data.timesteps, data.channels)
    rows = []
    for setting, (encoder, used) in settings(recipe).items():
        fit = tk.training.fit_embedding(
            x_dev,
            y_dev,
            loss="semihard",
            loss_config={"margin": 0.5},
            recipe=used,
            encoder=encoder,
            seed=seed,
            verbose=0,
        )
        ref, query = tk.training.embed(fit.model, x_dev), tk.training.embed(fit.model, x_eval)
        scores = tk.metrics.retrieval_metrics(query, y_eval, ref, y_dev)
        row = {
            "dataset": dataset,
            "seed": seed,
            "setting": setting,
            "encoder": encoder,
            "batch": used.pk_batch,
            "steps": fit.steps,
            "timesteps": data.timesteps,
            "precision_at_1": scores["precision_at_1"],
            "mean_average_precision_at_r": scores["mean_average_precision_at_r"],
            "loss_first": fit.history["loss"][0],
            "loss_last": fit.history["loss"][-1],
            "fit_s": fit.wall_time_s,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    groups = {}
    for r in rows:
        groups.setdefault((r["dataset"], r["setting"]), []).append(r)
    lines = [
        "| dataset | setting | batch × steps | seeds | P@1 | MAP@R | loss last / first | fit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, setting), g in groups.items():
        cells = []
        ratio = [r["loss_last"] / r["loss_first"] for r in g]
        for values, digits in (
            ([r["precision_at_1"] for r in g], 3),
            ([r["mean_average_precision_at_r"] for r in g], 3),
            (ratio, 2),
            ([r["fit_s"] for r in g], 1),
        ):
            v = np.array(values)
            cells.append(f"{v.mean():.{digits}f} ± {v.std(ddof=1) if len(v) > 1 else 0:.{digits}f}")
        shape = f"{g[0]['batch']} × {g[0]['steps']}"
        lines.append(f"| {dataset} | {setting} | {shape} | {len(g)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["ACSF1", "OSULeaf"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("long_cost.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    rows = []
    for dataset in args.datasets:
        for seed in args.seeds:
            rows += run(dataset, seed)
            Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
