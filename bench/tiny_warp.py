"""Warping augmentation for tiny training sets? Measured by cross-validation inside the training split (issue 27).

Run from the repository root::

    .venv/bin/python bench/tiny_warp.py [--datasets UnitTest PickupGestureWiimoteZ Covid3Month_disc]
        [--seeds 0 1 2] [--out bench/tiny_warp.json] [--table]

On three tiny offline datasets 1-NN DTW on the raw series leads the learned embeddings' P@1: DTW
matches series that are shifted or stretched in time, and the recipe's on-the-fly augmentations
(jitter, scaling, magnitude warp) change amplitudes only. Would an embedding trained to ignore
warping close the gap? Settings, semi-hard with the recipe, each fitted on the same folds:

* ``+ time warp``: each batch also time-warped (:func:`tslearnkit.augment.time_warp`, default strength);
* ``+ window warp``: each batch also window-warped (:func:`tslearnkit.augment.window_warp`).

Against the recipe's own fits and 1-NN Euclidean and DTW on the raw series, on the same folds:
those are the fold scores of :func:`tslearnkit.selection.cross_validated_choice` recorded in
``bench/cv_criterion.json`` (same splitter, seed, recipe, loss and encoder), read rather than
fitted again. Every score is a stratified, seeded 3-fold cross-validation *of the training split*
(fewer folds where the smallest class is smaller); the test split is never loaded. Writes every
fold to ``--out``; prints mean ± std over seeds of each seed's fold mean. ``--table`` prints the
table of the records in ``--out`` without running.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

import tslearnkit as tk

ROOT = Path(__file__).resolve().parent.parent


def warped(name: str):
    """A setting: semi-hard with the recipe, each batch also transformed by the warp ``name`` of tk.augment."""
    return lambda recipe, seed: {"batch_transform": tk.augment.make_tf_augmenter([name], seed=seed + 1)}


SETTINGS = {"+ time warp": warped("time_warp"), "+ window warp": warped("window_warp")}
RECORDED = {"euclidean": "raw euclidean", "dtw": "raw dtw", "learned": "recipe"}


def fold_rows(dataset: str, seed: int, settings: dict = SETTINGS) -> list[dict]:
    """Fit and score each of ``settings`` on every fold of ``dataset``'s training split; a setting maps its
    name to ``(recipe, seed) -> fit_embedding keyword arguments`` that replace the common ones."""
    data = tk.data.load_dataset(dataset)
    x, y = data.x_train, data.y_train
    folds = min(3, int(np.bincount(y)[np.unique(y)].min()))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    rows = []
    for fold, (fit_rows, held_rows) in enumerate(splitter.split(x, y)):
        x_fit, y_fit, x_held, y_held = x[fit_rows], y[fit_rows], x[held_rows], y[held_rows]
        base = {"dataset": dataset, "seed": seed, "fold": fold, "folds": folds}
        recipe = tk.recipe.make_recipe(y_fit, x.shape[1], x.shape[2])
        for setting, options in settings.items():
            common = {"loss": "semihard", "loss_config": {"margin": 0.5}, "recipe": recipe, "encoder": "fcn"}
            kwargs = {**common, "seed": seed, "verbose": 0, **options(recipe, seed)}
            fit = tk.training.fit_embedding(x_fit, y_fit, **kwargs)
            result = tk.training.evaluate_embedding(fit.model, x_fit, y_fit, x_held, y_held, k_values=(1,), seed=seed)
            rows.append({**base, "setting": setting, **_scores(result), "fit_s": fit.wall_time_s})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def _scores(result: dict) -> dict:
    return {
        "precision_at_1": float(result["precision_at_1"]),
        "mean_average_precision_at_r": float(result["mean_average_precision_at_r"]),
    }


def recorded_rows(rows: list[dict]) -> list[dict]:
    """The recipe's and the raw series' fold scores of the same datasets and seeds, from bench/cv_criterion.json."""
    wanted = {(r["dataset"], r["seed"]) for r in rows}
    out = []
    for record in json.loads((ROOT / "bench" / "cv_criterion.json").read_text()):
        if (record["dataset"], record["seed"]) not in wanted:
            continue
        folds = {r["folds"] for r in rows if (r["dataset"], r["seed"]) == (record["dataset"], record["seed"])}
        for candidate, setting in RECORDED.items():
            p1, mapr = record["fold_scores"]["P@1"][candidate], record["fold_scores"]["MAP@R"][candidate]
            assert {len(p1)} == folds, f"{record['dataset']} seed {record['seed']}: the fold counts differ"
            for fold, (a, b) in enumerate(zip(p1, mapr)):
                base = {"dataset": record["dataset"], "seed": record["seed"], "fold": fold, "setting": setting}
                out.append({**base, "precision_at_1": a, "mean_average_precision_at_r": b, "fit_s": None})
    missing = wanted - {(r["dataset"], r["seed"]) for r in out}
    assert not missing, f"bench/cv_criterion.json has no fold scores for {sorted(missing)}"
    return out


def table(rows: list[dict], fit_label: str = "fit s (FCN)") -> str:
    rows = recorded_rows(rows) + rows
    per_seed = {}
    for r in rows:
        per_seed.setdefault((r["dataset"], r["setting"], r["seed"]), []).append(r)
    lines = [
        f"| dataset | setting | seeds | CV P@1 | CV MAP@R | {fit_label} |",
        "|---|---|---|---|---|---|",
    ]
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        for setting in dict.fromkeys(r["setting"] for r in rows if r["dataset"] == dataset):
            seeds = [g for (d, s, _), g in per_seed.items() if d == dataset and s == setting]
            cells = []
            for key, digits in (("precision_at_1", 3), ("mean_average_precision_at_r", 3), ("fit_s", 1)):
                if any(r[key] is None for g in seeds for r in g):
                    cells.append("—")
                    continue
                v = np.array([np.mean([r[key] for r in g]) for g in seeds])
                cells.append(f"{v.mean():.{digits}f} ± {v.std(ddof=1) if len(v) > 1 else 0:.{digits}f}")
            lines.append(f"| {dataset} | {setting} | {len(seeds)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("tiny_warp.json")))
    parser.add_argument("--table", action="store_true", help="print the table of the records in --out; run nothing")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    rows = []
    for dataset in args.datasets:
        for seed in args.seeds:
            rows += fold_rows(dataset, seed)
            Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
