"""A metric learned on MiniRocket features for tiny training sets? Measured by CV inside the training split (issue 27).

Run from the repository root::

    .venv/bin/python bench/minirocket_head.py [--datasets UnitTest PickupGestureWiimoteZ Covid3Month_disc]
        [--seeds 0 1 2] [--out bench/minirocket_head.json] [--table]

On the three tiny offline datasets where raw 1-NN DTW leads or ties the learned embeddings' test
P@1, aeon's MiniRocket classifier (random convolutional features + ridge) scores well (on two of
them its accuracy is above every P@1 in the benchmark). Would a metric learned on those features,
rather than the FCN's, do better with a few dozen series? Settings, on each fold (MiniRocket is
fitted on the fold's training part only):

* ``MiniRocket features``: aeon's MiniRocket transform (its default 10,000 kernels, seeded),
  standardised with the training part's statistics; nothing learned;
* ``MiniRocket + semi-hard``: those features → Dense(128) → unit length, trained with the
  semi-hard triplet loss (margin 0.5) for the recipe's steps on P×K batches, without the recipe's
  series augmentations (they jitter and warp series, not feature vectors).

Against the recipe's FCN fits and 1-NN Euclidean and DTW on the raw series, on the same folds (the
fold scores recorded in ``bench/cv_criterion.json``, read through ``bench/tiny_warp.py``). Every
score is a stratified, seeded 3-fold cross-validation *of the training split* (fewer folds where
the smallest class is smaller); nothing is scored on the test split. Writes every fold to ``--out``;
prints mean ± std over seeds of each seed's fold mean; ``--table`` prints the records' table
without running.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold
from tiny_warp import _scores
from tiny_warp import table as tiny_table

import tslearnkit as tk

SETTINGS = ("MiniRocket features", "MiniRocket + semi-hard")


def minirocket_features(x_fit, x_held, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MiniRocket features ``(n, 9996)`` of both parts, fitted and standardised on ``x_fit`` only."""
    from aeon.transformations.collection.convolution_based import MiniRocket

    def channels_first(x):
        return np.ascontiguousarray(x.transpose(0, 2, 1), np.float64)

    transform = MiniRocket(random_state=seed).fit(channels_first(x_fit))
    f_fit, f_held = (np.asarray(transform.transform(channels_first(x)), np.float32) for x in (x_fit, x_held))
    mean, std = f_fit.mean(0), f_fit.std(0) + 1e-6  # a constant feature stays 0, not NaN
    return (f_fit - mean) / std, (f_held - mean) / std


def fold_rows(dataset: str, seed: int) -> list[dict]:
    """Both settings on every fold of ``dataset``'s training split."""
    import time

    import keras

    data = tk.data.load_dataset(dataset)
    x, y = data.x_train, data.y_train
    folds = min(3, int(np.bincount(y)[np.unique(y)].min()))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    rows = []
    for fold, (fit_rows, held_rows) in enumerate(splitter.split(x, y)):
        x_fit, y_fit, x_held, y_held = x[fit_rows], y[fit_rows], x[held_rows], y[held_rows]
        base = {"dataset": dataset, "seed": seed, "fold": fold, "folds": folds, "threads": tk.threads()}
        start = time.perf_counter()
        f_fit, f_held = minirocket_features(x_fit, x_held, seed)
        features_s = time.perf_counter() - start
        scores = tk.metrics.embedding_scores(f_fit, y_fit, f_held, y_held, k_values=(1,), seed=seed)
        rows.append({**base, "setting": SETTINGS[0], **_scores(scores), "fit_s": features_s})
        recipe = tk.recipe.make_recipe(y_fit, x.shape[1], x.shape[2])  # the steps the FCN gets

        def flatten(shape):
            return keras.Sequential([keras.Input(shape), keras.layers.Flatten()], name="minirocket_features")

        fit = tk.training.fit_embedding(
            f_fit[:, :, None],  # (n, features, 1): the kit's series layout; the encoder only flattens it
            y_fit,
            loss="semihard",
            loss_config={"margin": 0.5},
            recipe=recipe,
            encoder=flatten,
            augment=False,
            seed=seed,
            verbose=0,
        )
        scores = tk.training.evaluate_embedding(
            fit.embedding_model, f_fit[:, :, None], y_fit, f_held[:, :, None], y_held, k_values=(1,), seed=seed
        )
        rows.append({**base, "setting": SETTINGS[1], **_scores(scores), "fit_s": features_s + fit.wall_time_s})
        for row in rows[-2:]:
            print(json.dumps({k: v for k, v in row.items() if k != "threads"}), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    return tiny_table(rows, fit_label="fit s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default=str(Path(__file__).with_name("minirocket_head.json")))
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
