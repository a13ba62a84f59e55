"""Measure recipe rules on a validation share of the *training* split (never the test split).

Run from the repository root::

    .venv/bin/python bench/recipe_rules.py [--datasets JapaneseVowels ArrowHead] [--seeds 0 1 2]
        [--rules validation idle-stop length] [--out bench/recipe_rules.json]

For each dataset and seed the training split is cut, stratified and seeded, into a development
part (80 %) and a development evaluation share (20 %); the test split is never loaded into any
fit or score here. Queries are the evaluation share, references the development part, scores
pytorch-metric-learning's P@1 and MAP@R (``tk.metrics.retrieval_metrics``).

Rules measured:

* ``validation``: a recipe that holds out 20 % of the development part for best-weights
  selection (``validation_fraction=0.2``) against one that trains on all of it with the fixed
  budget (the recipe's rule below :data:`tslearnkit.recipe.MIN_PER_CLASS_FOR_VALIDATION`
  series per class). Semi-hard loss, the recipe's encoder.
* ``idle stop``: ``fit_embedding(stop_when_idle=50)`` (the default) against ``None`` (the whole
  step budget), for batch-all, semi-hard and hard mining: scores and fit seconds.
* ``length`` (not in the default ``--rules``): variable-length series resampled to the longest
  training series (``load_dataset(variable_length="resample")``, the default) against padded with
  their last value to that same length (``"pad"``, cut back from the longest series of either split
  that ``load_dataset`` pads to; its standardisation statistics include those padded steps); semi-hard,
  the recipe's budget. A dataset whose series all have one length loads the
  same either way: it gets no rows, and the script says so.

Writes ``bench/recipe_rules.json`` (every run) and prints a table of mean ± std over seeds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import types
from pathlib import Path

import numpy as np

import tslearnkit as tk

ENCODER = "fcn"


def _scores(model, x_ref, y_ref, x_query, y_query):
    ref, query = tk.training.embed(model, x_ref), tk.training.embed(model, x_query)
    s = tk.metrics.retrieval_metrics(query, y_query, ref, y_ref)
    return {"precision_at_1": s["precision_at_1"], "mean_average_precision_at_r": s["mean_average_precision_at_r"]}


RULES = ("validation", "idle-stop", "length")


def run(dataset: str, seed: int, rules=RULES) -> list[dict]:
    data = tk.data.load_dataset(dataset)
    rows = []

    def fit(rule, setting, loss, data, make_recipe=None, **kwargs):
        # the split depends on the labels and the seed only: every setting sees the same series
        x_dev, y_dev, x_eval, y_eval = tk.data.stratified_split(data.x_train, data.y_train, 0.2, seed=seed)
        recipe = tk.recipe.make_recipe(y_dev, data.timesteps, data.channels)
        recipe = make_recipe(recipe) if make_recipe else recipe
        f = tk.training.fit_embedding(
            x_dev, y_dev, loss=loss, recipe=recipe, encoder=ENCODER, seed=seed, verbose=0, **kwargs
        )
        row = {"dataset": dataset, "seed": seed, "rule": rule, "setting": setting, "loss": loss}
        row.update(_scores(f.model, x_dev, y_dev, x_eval, y_eval), fit_s=f.wall_time_s, epochs=f.epochs)
        row.update(timesteps=data.timesteps)
        rows.append(row)
        print(json.dumps(row), flush=True)

    def held(recipe):
        return dataclasses.replace(recipe, validation_fraction=0.2)

    def whole(recipe):
        return dataclasses.replace(recipe, validation_fraction=0.0)

    if "validation" in rules:
        fit("validation", "hold out 20 % for best weights", "semihard", data, held, stop_when_idle=None)
        fit("validation", "train on all, fixed budget", "semihard", data, whole, stop_when_idle=None)
    if "idle-stop" in rules:
        for loss in ("batch_all", "semihard", "hard"):
            fit("idle stop", "whole budget", loss, data, whole, stop_when_idle=None)
            fit("idle stop", "stop_when_idle=50", loss, data, whole, stop_when_idle=50)
    if "length" in rules:
        padded = tk.data.load_dataset(dataset, variable_length="pad", max_length=None)
        uncapped = tk.data.load_dataset(dataset, variable_length="resample", max_length=None)
        if padded.x_train.shape == uncapped.x_train.shape and np.array_equal(padded.x_train, uncapped.x_train):
            print(f"{dataset}: every series has one length, pad and resample load the same: no length rows")
        else:
            # load_dataset pads to the longest series of either split; cut the steps only test series reach
            # (training series end before them: those columns are padding), so that both arms have the
            # longest *training* length and differ in padding vs stretching alone. Then the usual length cap.
            x_pad = tk.data.downsample_series(padded.x_train[:, : uncapped.timesteps], tk.data.MAX_LENGTH)
            padded = types.SimpleNamespace(
                x_train=x_pad, y_train=padded.y_train, timesteps=x_pad.shape[1], channels=x_pad.shape[2]
            )
            fit("length", "resample to the longest training series", "semihard", data)
            fit("length", "pad with the last value", "semihard", padded)
    return rows


def table(rows: list[dict]) -> str:
    groups = {}
    for r in rows:
        groups.setdefault((r["dataset"], r["rule"], r["loss"], r["setting"]), []).append(r)
    lines = ["| dataset | rule | loss | setting | seeds | P@1 | MAP@R | fit s |", "|---|---|---|---|---|---|---|---|"]
    for (dataset, rule, loss, setting), g in groups.items():
        cells = []
        for key, digits in (("precision_at_1", 3), ("mean_average_precision_at_r", 3), ("fit_s", 1)):
            v = np.array([r[key] for r in g])
            cells.append(f"{v.mean():.{digits}f} ± {v.std(ddof=1) if len(v) > 1 else 0:.{digits}f}")
        lines.append(f"| {dataset} | {rule} | {loss} | {setting} | {len(g)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["JapaneseVowels", "ArrowHead"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rules", nargs="+", choices=RULES, default=list(RULES[:2]))
    parser.add_argument("--out", default=str(Path(__file__).with_name("recipe_rules.json")))
    args = parser.parse_args()
    rows = [row for dataset in args.datasets for seed in args.seeds for row in run(dataset, seed, args.rules)]
    Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
