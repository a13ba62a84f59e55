"""Half the series-step cap for open-set fits: measured on *validation classes* (issue 27).

    .venv/bin/python bench/open_set_budget.py [DATASET ...]   (ACSF1 PickupGestureWiimoteZ)
    .venv/bin/python bench/open_set_budget.py --table         (the committed run's table)

Lesson 7 fits six models on the training classes. On long series every metric-learning fit spent
the recipe's whole cap of ``MAX_SERIES_STEPS`` series-steps, so the lesson's time was the cap times
the number of fits. Does an open-set fit need that much? Each fit here is trained with the budget
the recipe's step rule gives at the whole cap and at half of it (``steps = clip(cap // (P·K·T),
150, 600)``), and scored by retrieval among two *validation classes* held out of the seen classes
(``open_set_remedies.validation_task``: each validation series a query against the others). The
models train on three seen classes, as lesson 7 does on a 10-class dataset (half the classes
unseen, two for validation), so that the cap, not the 150-step floor, sets the budget. The draw's
unseen classes and the test split are never read.

Decided before the run: the half cap becomes the open-set rule if, on every dataset and loss, its
mean validation-class MAP@R over the draws is at least the whole cap's mean minus one standard
deviation of the whole cap's scores. It did (``tslearnkit.recipe.OPEN_SET_SERIES_STEPS``). Records:
``bench/open_set_budget.json``, one line per fit (run 2026-12-07 as two one-thread processes side
by side, one per dataset; ``budget`` was first written as "recipe" for the whole cap, the rule of
that day, and renamed "whole cap" when the half cap became the rule).
"""

import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
from open_set_remedies import validation_task

import tslearnkit as tk
from tslearnkit.course import open_set_benchmark as osb

LOSSES = ("batch_all", "semihard", "hard", "supcon")
DRAWS = 3
DATASETS = ("ACSF1", "PickupGestureWiimoteZ")  # offline sets on which a 3-class open-set fit hits the cap
TRAINING_CLASSES = 3


def cap_steps(recipe, cap: int) -> int:
    """The recipe's step rule for a cap of ``cap`` time steps a fit."""
    per_step = recipe.classes_per_batch * recipe.samples_per_class * recipe.timesteps
    return int(np.clip(cap // per_step, tk.recipe.MIN_STEPS, tk.recipe.FULL_STEPS))


BUDGETS = {"whole cap": tk.recipe.MAX_SERIES_STEPS, "half cap": tk.recipe.MAX_SERIES_STEPS // 2}


def main(names):
    out = Path(__file__).with_suffix(".json")
    lines = []
    for name in names:
        data = tk.data.load_dataset(name, standardize=False)
        for draw in range(DRAWS):
            x_fit, y_fit, x_val, y_val, unseen, validation = validation_task(data, draw, TRAINING_CLASSES)
            recipe = osb.open_set_recipe(y_fit, data.timesteps, data.channels)
            budgets = {name: dataclasses.replace(recipe, steps=cap_steps(recipe, cap)) for name, cap in BUDGETS.items()}
            for loss in LOSSES:
                for budget, fit_recipe in budgets.items():
                    config = None if loss == "supcon" else {"margin": 0.5}
                    start = time.perf_counter()
                    fit = tk.training.fit_embedding(
                        x_fit, y_fit, loss=loss, loss_config=config, recipe=fit_recipe, encoder="fcn", seed=0, verbose=0
                    )
                    seconds = time.perf_counter() - start
                    scores = tk.metrics.retrieval_metrics(tk.training.embed(fit.embedding_model, x_val), y_val)
                    line = dict(
                        dataset=name,
                        draw=draw,
                        loss=loss,
                        budget=budget,
                        unseen_classes=unseen.tolist(),
                        validation_classes=validation.tolist(),
                        training_classes=np.unique(y_fit).tolist(),
                        timesteps=int(data.timesteps),
                        step_budget=fit_recipe.steps,
                        steps=fit.steps,
                        loss_first=fit.history["loss"][0],
                        loss_last=fit.history["loss"][-1],
                        fit_s=round(seconds, 1),
                        map_r=scores["mean_average_precision_at_r"],
                        p1=scores["precision_at_1"],
                    )
                    print(json.dumps(line), flush=True)
                    lines.append(line)
    out.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    print(table(lines))


def compare(lines) -> list[dict]:
    """Per dataset and loss: the two budgets' runs, whether the half cap passes the rule stated
    above, the paired change of MAP@R (half − whole, same draw) and the fit time saved."""
    out = []
    for dataset in dict.fromkeys(x["dataset"] for x in lines):
        for loss in LOSSES:
            runs = {
                b: [x for x in lines if (x["dataset"], x["loss"], x["budget"]) == (dataset, loss, b)] for b in BUDGETS
            }
            if not all(runs.values()):
                continue
            whole = {x["draw"]: x for x in runs["whole cap"]}
            half = {x["draw"]: x for x in runs["half cap"]}
            base = [x["map_r"] for x in whole.values()]
            out.append(
                dict(
                    dataset=dataset,
                    loss=loss,
                    runs=runs,
                    passes=bool(np.mean([x["map_r"] for x in half.values()]) >= np.mean(base) - np.std(base)),
                    paired=float(
                        np.mean([half[d]["map_r"] - whole[d]["map_r"] for d in sorted(whole.keys() & half.keys())])
                    ),
                    time_saved=1 - sum(x["fit_s"] for x in half.values()) / sum(x["fit_s"] for x in whole.values()),
                )
            )
    return out


def table(lines) -> str:
    """Markdown: validation-class MAP@R and P@1 (mean ± std over draws), steps and fit seconds, and
    for the half cap: the rule's verdict, the paired MAP@R change and the fit time saved."""
    rows = [
        "| dataset | loss | budget | steps | MAP@R | P@1 | fit s "
        "| within one std | MAP@R change, paired | time saved |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in compare(lines):
        for budget, runs in row["runs"].items():
            maps, p1s = [x["map_r"] for x in runs], [x["p1"] for x in runs]
            half = budget == "half cap"
            extra = (
                f"{'yes' if row['passes'] else 'no'} | {row['paired']:+.3f} | {row['time_saved']:.0%}"
                if half
                else " | |"
            )
            rows.append(
                f"| {row['dataset']} | {row['loss']} | {budget} | {np.mean([x['steps'] for x in runs]):.0f} "
                f"| {np.mean(maps):.3f} ± {np.std(maps):.3f} | {np.mean(p1s):.3f} ± {np.std(p1s):.3f} "
                f"| {np.mean([x['fit_s'] for x in runs]):.0f} | {extra} |"
            )
    return "\n".join(rows)


def load() -> list[dict]:
    """The committed run's records."""
    return [json.loads(line) for line in Path(__file__).with_suffix(".json").read_text().splitlines()]


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        print(table(load()))
    else:
        main(sys.argv[1:] or list(DATASETS))
