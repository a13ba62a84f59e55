"""The length cap (tk.data.MAX_LENGTH) measured on a validation share of the training split.

    .venv/bin/python bench/length_caps.py > caps.log    (about 20 min on 2 busy cores)

For ACSF1 (1,460 steps) and OSULeaf (427 steps): load with ``max_length`` in {128, 256, 512},
cut the training split 80/20 (stratified, seed 0), fit semi-hard with the recipe made for the
80 %, and score the 20 % against it (P@1, MAP@R). The test split is never used. One JSON line per
run; bench/length_caps.json holds the run behind the recipe's docstring (plus the uncapped ACSF1
fit from the same protocol). Fit seconds were measured with other jobs on the machine: compare
them within a dataset only.
"""

import json

import tslearnkit as tk

for name in ("ACSF1", "OSULeaf"):
    for cap in (128, 256, 512):
        d = tk.data.load_dataset(name, max_length=cap)
        xd, yd, xe, ye = tk.data.stratified_split(d.x_train, d.y_train, 0.2, seed=0)
        r = tk.recipe.make_recipe(yd, xd.shape[1], 1)
        f = tk.training.fit_embedding(xd, yd, loss="semihard", recipe=r, encoder="fcn", seed=0, verbose=0)
        ref, q = tk.training.embed(f.model, xd), tk.training.embed(f.model, xe)
        s = tk.metrics.retrieval_metrics(q, ye, ref, yd)
        print(
            json.dumps(
                dict(
                    dataset=name,
                    cap=cap,
                    length=xd.shape[1],
                    steps=r.steps,
                    fit_s=round(f.wall_time_s),
                    loss_first=f.history["loss"][0],
                    loss_last=f.history["loss"][-1],
                    p1=s["precision_at_1"],
                    map_r=s["mean_average_precision_at_r"],
                )
            ),
            flush=True,
        )
