"""The recipe's step budget on long series, doubled, on a validation share of the training split.

    .venv/bin/python bench/long_budget.py    (about 5 min on a quiet 2-core machine)

ACSF1 and OSULeaf (after the 512-step cap), cut 80/20 stratified with seed 0; semi-hard with the
recipe's budget and with twice it; the 20 % share scored against the 80 %. The run behind
bench/README.md is in bench/long_budget.json (quiet machine).
"""

import dataclasses
import json

import tslearnkit as tk

for name in ("ACSF1", "OSULeaf"):
    d = tk.data.load_dataset(name)
    xd, yd, xe, ye = tk.data.stratified_split(d.x_train, d.y_train, 0.2, seed=0)
    r = tk.recipe.make_recipe(yd, xd.shape[1], 1)
    for steps in (r.steps, 2 * r.steps):
        f = tk.training.fit_embedding(
            xd, yd, loss="semihard", recipe=dataclasses.replace(r, steps=steps), encoder="fcn", seed=0, verbose=0
        )
        ref, q = tk.training.embed(f.model, xd), tk.training.embed(f.model, xe)
        s = tk.metrics.retrieval_metrics(q, ye, ref, yd)
        print(
            json.dumps(
                dict(
                    dataset=name,
                    length=xd.shape[1],
                    steps=steps,
                    fit_s=round(f.wall_time_s, 1),
                    loss_first=f.history["loss"][0],
                    loss_last=f.history["loss"][-1],
                    p1=s["precision_at_1"],
                    map_r=s["mean_average_precision_at_r"],
                )
            ),
            flush=True,
        )
