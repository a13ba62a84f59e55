"""Remedies for over-fitting to the seen classes, measured on *validation classes* (issue 22).

    .venv/bin/python bench/open_set_remedies.py [DATASET ...]    (JapaneseVowels: about 6 min, 2 cores)
    .venv/bin/python bench/open_set_remedies.py --table          (the committed run's table)
    .venv/bin/python bench/open_set_remedies.py --table          (the committed run's table)

For each class draw of the open-set benchmark (``tslearnkit.course.open_set_benchmark.draw_classes``)
the draw's unseen classes are dropped before anything is read. Of the remaining (seen) classes,
two more are held out as validation classes (a second seeded draw); the triplet losses train on
the rest and are scored by retrieval among the validation classes' *training-split* series
(each series a query against the others). The unseen classes and every test-split series stay
unread, so a remedy adopted from this table is chosen without them.

Remedies against the recipe's default (idle stop after 50 steps of near-zero loss, a 128-d
projection on the FCN encoder):

* ``full budget`` — no idle stop: train the whole step budget although no triplet is active;
* ``32-d`` — a narrower embedding (``embedding_dim=32``);
* ``no projection`` — no projection head: the encoder's 128 features, normalised, are the embedding;
* ``wider margin`` — margin 1.0 instead of 0.5: triplets stay active longer.

Records (one JSON line per fit) go to ``bench/open_set_remedies.json``.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

import tslearnkit as tk
from tslearnkit.course import open_set_benchmark as osb

VARIANTS = {
    "recipe default": {},
    "full budget": {"stop_when_idle": None},
    "32-d": {"embedding_dim": 32},
    "no projection": {"embedding_dim": None},
    "wider margin": {"loss_config": {"margin": 1.0}},
}
LOSSES = ("batch_all", "semihard")
DRAWS = 3


def validation_task(data, draw, n_training=None):
    """Class draw ``draw``: drop its unseen classes, hold two seen classes out as validation
    classes, train on the rest (or on the first ``n_training`` of them)."""
    present = np.unique(np.concatenate([data.y_train, data.y_test]))
    unseen, seen = osb.draw_classes(present, osb.N_UNSEEN, draw)
    validation, training = osb.draw_classes(np.sort(seen), 2, draw + 1000)
    training = training[:n_training]
    fit = np.isin(data.y_train, training)
    held = np.isin(data.y_train, validation)
    x_fit, x_val, _ = tk.data.standardize(data.x_train[fit], data.x_train[held])
    return x_fit, data.y_train[fit], x_val, data.y_train[held], unseen, validation


def main(names):
    out = Path(__file__).with_suffix(".json")
    lines = []
    for name in names:
        data = tk.data.load_dataset(name, standardize=False)
        for draw in range(DRAWS):
            x_fit, y_fit, x_val, y_val, unseen, validation = validation_task(data, draw)
            recipe = osb.open_set_recipe(y_fit, data.timesteps, data.channels)
            for loss in LOSSES:
                for variant, options in VARIANTS.items():
                    options = dict(options)
                    config = options.pop("loss_config", {"margin": 0.5})
                    start = time.perf_counter()
                    fit = tk.training.fit_embedding(
                        x_fit,
                        y_fit,
                        loss=loss,
                        loss_config=config,
                        recipe=recipe,
                        encoder="fcn",
                        seed=0,
                        verbose=0,
                        **options,
                    )
                    seconds = time.perf_counter() - start
                    emb = tk.training.embed(fit.embedding_model, x_val)
                    scores = tk.metrics.retrieval_metrics(emb, y_val)  # each series a query against the others
                    line = dict(
                        dataset=name,
                        draw=draw,
                        loss=loss,
                        variant=variant,
                        unseen_classes=unseen.tolist(),
                        validation_classes=validation.tolist(),
                        training_classes=np.unique(y_fit).tolist(),
                        steps=fit.steps,
                        step_budget=recipe.steps,
                        fit_s=round(seconds, 1),
                        map_r=scores["mean_average_precision_at_r"],
                        p1=scores["precision_at_1"],
                    )
                    print(json.dumps(line), flush=True)
                    lines.append(line)
    out.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    summarise(lines)


def summarise(lines):
    """A Markdown table: validation-class MAP@R (mean ± std over draws), optimizer steps and fit seconds."""
    print(f"\nValidation-class MAP@R, mean ± std over {DRAWS} class draws\n")
    print("| dataset | loss | remedy | MAP@R | steps | fit s |\n|---|---|---|---|---|---|")
    for dataset, loss in sorted({(x["dataset"], x["loss"]) for x in lines}):
        for variant in VARIANTS:
            rows = [x for x in lines if (x["dataset"], x["loss"], x["variant"]) == (dataset, loss, variant)]
            values = [x["map_r"] for x in rows]
            print(
                f"| {dataset} | {loss} | {variant} | {np.mean(values):.3f} ± {np.std(values):.3f} "
                f"| {np.mean([x['steps'] for x in rows]):.0f} | {np.mean([x['fit_s'] for x in rows]):.0f} |"
            )


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:  # the table of the committed run, without training
        summarise([json.loads(line) for line in Path(__file__).with_suffix(".json").read_text().splitlines()])
    else:
        main(sys.argv[1:] or ["JapaneseVowels"])
