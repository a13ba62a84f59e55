# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 5 — Class imbalance and oversampling, without leakage
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/05_triplet_augmentation.ipynb)
#
# **What you will learn**
# - what a long-tailed training set does to a triplet embedding;
# - four ways to oversample the minority classes — duplicates, interpolation, augmentation and the
#   study's "reference walk" generator — applied to the **training split only**;
# - why oversampling *before* splitting (what the study did) is a leak, and what it did to the scores
#   of this run.
#
# **Runtime:** about 45 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

# %% [markdown]
# Running in Colab? The next cell installs the kit there; anywhere else it does nothing.

# %%
import importlib.util
import os
import subprocess
import sys

if "google.colab" in sys.modules:
    # The runtime's own versions are the constraints: pip adds what the kit lacks and changes nothing Colab has.
    pip = [sys.executable, "-m", "pip"]
    pins = subprocess.run([*pip, "list", "--format=freeze", "--exclude", "tslearnkit"], capture_output=True, text=True)
    with open("/tmp/colab-pins.txt", "w") as f:
        f.write(pins.stdout)
    kit = "git+https://github.com/tslearnkit/tslearnkit"
    if importlib.util.find_spec("tensorflow"):  # CPU and GPU runtimes: Keras on their TensorFlow
        steps = [["-c", "/tmp/colab-pins.txt", f"tslearnkit[tensorflow,aeon] @ {kit}"]]
    else:  # TPU runtime: no TensorFlow, Keras on JAX. aeon asks for numba < 0.64, the TPU has a newer one,
        # which what the kit uses of aeon runs on (tested): aeon goes in without its dependencies.
        os.environ.setdefault("KERAS_BACKEND", "jax")
        steps = [["-c", "/tmp/colab-pins.txt", f"tslearnkit @ {kit}"], ["--no-deps", "aeon", "deprecated"]]
    for args in steps:
        install = subprocess.run([*pip, "install", *args], capture_output=True, text=True)
        if install.returncode != 0:
            print(install.stderr, install.stdout[-1000:], sep="\n")
            raise SystemExit(
                "tslearnkit needs versions this runtime does not have, or pip failed (see above); nothing was changed."
            )

# %% tags=["parameters"]
dataset: str = "JapaneseVowels"  # any name from tk.data.list_datasets()
seed: int = 0  # seeds the imbalance, oversampling, weights and batches
epochs: int | None = None  # training epochs per run; None: set by the recipe's step budget (tk.recipe)
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
loss: str = "batch_all"  # batch_all (the study's all-triplet) or semihard
margin: float = 0.5  # triplet margin
smallest_ratio: float = 0.17  # smallest class keeps this share of its series (the study: 189 / 1113)
methods: list = ["random", "interpolate", "augment", "reference_walk"]  # oversampling methods to compare
budget_share: float = 0.5  # share of the recipe's step budget each model gets (this lesson trains seven)
# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start(
    "05_triplet_augmentation", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
methods = methods[:1] if quick else methods
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())

# %% [markdown]
# ## A long-tailed training split
#
# We carve a long tail out of the training split with the study's proportions (largest : smallest
# = 1113 : 189), decaying geometrically across the classes from the largest class (which keeps all
# its series) to the smallest; every class keeps at least two series (a P×K batch needs a positive
# pair). The **test split is untouched**: all evaluation happens on real, held-out series.

# %%
available = np.bincount(data.y_train, minlength=data.n_classes)
largest_first = np.argsort(-available, kind="stable")  # an imbalanced split stays imbalanced the same way round
ratios = np.empty(data.n_classes)
ratios[largest_first] = tk.augment.long_tail_ratios(data.n_classes, smallest=smallest_ratio)
keep = [int(min(n, max(2, round(r * n)))) for r, n in zip(ratios, available)]
imbalanced = tk.augment.make_imbalanced(data, keep, seed=seed, min_count=1)
print("training series per class, before → long-tailed:", dict(zip(data.class_names, zip(available.tolist(), keep))))
fig = tk.plots.plot_class_distribution(
    {
        "training split": np.bincount(data.y_train),
        "long-tailed train": np.bincount(imbalanced.y_train),
        "test (untouched)": np.bincount(data.y_test),
    },
    data.class_names,
    title="Training series per class",
)
lesson.figure(fig, "class_distribution")

# %% [markdown]
# ### Exercise 5.1 — How imbalanced is it?
# *Practises: describing a long tail with one number.*
#
# Set `imbalance_ratio` to the number of series of the largest class divided by that of the
# smallest, in the long-tailed training split `imbalanced.y_train`.

# %% tags=["solution"]
### BEGIN SOLUTION
class_sizes = np.bincount(imbalanced.y_train)
imbalance_ratio = class_sizes.max() / class_sizes[class_sizes > 0].min()
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson05.check_imbalance_ratio(imbalance_ratio, imbalanced.y_train)

# %% [markdown]
# ## The baseline: train on the long tail as it is
#
# Every model in this lesson is the same triplet embedding (the `loss` and `encoder` parameters),
# trained by `tk.training.fit_embedding` on class-balanced P×K batches and scored with the test
# series as queries against the training series as reference:
#
# - **P@1** (Precision@1) is 1-NN accuracy: the share of test series whose nearest training series
#   has the same class;
# - **MAP@R** is the mean average precision over the query's R nearest training series, R = the
#   number of training series of the query's class (all of them must come first for 1);
# - **NMI** clusters the test embeddings with k-means, k = the number of classes, and measures how
#   much the clusters tell about the classes (1: clusters = classes; 0: unrelated).
#
# A triplet loss reaches zero on a batch when every triplet in it already satisfies the margin: the
# batch has no gradient left and teaches nothing. `fit_embedding` stops once the loss has stayed
# below a thousandth of its first epoch for 50 optimizer steps; each line below says whether that
# happened (`idle_stop_epoch`) or the step budget ran out.


# %%
summary_label = f"{data.name} (long-tailed train)"  # the records' dataset: the test split, long-tailed training


def train_and_score(train, label, dataset_label=summary_label, **record_extra):
    """Train the lesson's triplet embedding on `train` and score it on `train`'s test split.

    The recipe (P×K, step budget, validation share, augmentation) is made from `train` itself,
    so an oversampled training split gets the same rules as a long-tailed one; each of the seven
    models gets `budget_share` of its step budget, so the lesson fits in its time on a CPU.

    Returns the scores, plus the per-class P@1 (1-NN accuracy of each class's test series)."""
    recipe = tk.recipe.make_recipe(train.y_train, train.timesteps, train.channels, x_train=train.x_train, quick=quick)
    recipe = dataclasses.replace(recipe, steps=max(1, round(recipe.steps * budget_share)))
    fit = tk.training.fit_embedding(
        train.x_train,
        train.y_train,
        loss=loss,
        loss_config={"margin": margin},
        recipe=recipe,
        encoder=encoder,
        epochs=epochs,
        seed=seed,
        verbose=0,
    )
    train_embeddings = tk.training.embed(fit.model, train.x_train)
    test_embeddings = tk.training.embed(fit.model, train.x_test)
    scores = tk.metrics.embedding_scores(train_embeddings, train.y_train, test_embeddings, train.y_test, seed=seed)
    # 1-NN per class: the class of the nearest training series of every test series, right or wrong
    correct = tk.metrics.knn_predict(train_embeddings, train.y_train, test_embeddings) == train.y_test
    per_class = np.array(
        [correct[train.y_test == c].mean() if np.any(train.y_test == c) else np.nan for c in range(data.n_classes)]
    )
    stop = "idle stop" if fit.idle_stop_epoch else "the whole step budget"
    print(
        f"{label:<44} P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}  "
        f"NMI {scores['NMI']:.3f}  ({len(train.x_train)} training series, {fit.epochs} epoch(s), {stop}, "
        f"{fit.wall_time_s:.0f} s)"
    )
    lesson.record(
        label,
        dataset_label,
        scores,
        epochs=fit.epochs,
        wall_time_s=fit.wall_time_s,
        encoder=encoder,
        loss=loss,
        idle_stop_epoch=fit.idle_stop_epoch,
        **record_extra,
    )
    return {**scores, "per_class_precision_at_1": per_class}


summary = {"no oversampling": train_and_score(imbalanced, "long-tailed, no oversampling")}

# %% [markdown]
# ## Oversampling the training split
#
# Each method adds synthetic series to the minority classes until every class matches the largest.
# Every synthetic series derives from **training** series of its own class only, and is marked:
# `result.is_synthetic` and `result.origin` trace it back to its parent.
#
# - `random`: exact duplicates;
# - `interpolate`: SMOTE-style blends of a series and a same-class neighbour;
# - `augment`: jitter + scaling + magnitude warp of a random same-class series;
# - `reference_walk`: the study's generator — follow a reference series, sampling its values at
#   jittered time indices, accumulating the step-to-step differences, then smoothing.

# %% [markdown]
# ### Exercise 5.2 — What does a copy add?
# *Practises: predicting what oversampling adds to a class, then verifying it with the kit's provenance record.*
#
# Take the rarest class of the long-tailed training split. After `random` oversampling it will
# have as many rows as the largest class. **Before running anything**, predict how many
# *different* series it will then hold, and write the number into `predicted_distinct`.

# %% tags=["solution"]
### BEGIN SOLUTION
predicted_distinct = np.bincount(imbalanced.y_train).min()
### END SOLUTION

# %% [markdown]
# Now verify: oversample the long-tailed training split (`imbalanced.x_train`, `imbalanced.y_train`)
# with the kit's `random` method, seeded with `seed`, and keep what it returns in `balanced`. The
# check counts the different series of the rarest class in `balanced`.

# %% tags=["solution"]
### BEGIN SOLUTION
balanced = tk.augment.oversample(imbalanced.x_train, imbalanced.y_train, method="random", seed=seed)
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson05.check_distinct_after_random(
    predicted_distinct, balanced, imbalanced.x_train, imbalanced.y_train
)

# %% [markdown]
# Now every method, each on the same long-tailed training split, each scored on the same real
# test split:

# %%
oversampled = {}
for method in methods:
    grown, result = tk.augment.oversample_dataset(imbalanced, method=method, seed=seed)
    oversampled[method] = result
    if not set(result.origin[result.is_synthetic]) <= set(range(len(imbalanced.x_train))):
        raise RuntimeError(f"{method}: a synthetic series does not come from a training series")
    summary[method] = train_and_score(
        grown, f"long-tailed + oversample ({method})", oversample=method, n_synthetic=result.n_synthetic
    )

# %% [markdown]
# What do synthetic series look like beside their real parents? One channel of the rarest class:

# %%
rarest = int(np.argmin(np.bincount(imbalanced.y_train)))
fig, axes = plt.subplots(1, len(oversampled), figsize=(4 * len(oversampled), 3), squeeze=False, sharey=True)
for ax, (method, result) in zip(axes[0], oversampled.items()):
    synthetic = np.flatnonzero(result.is_synthetic & (result.y == rarest))[:3]
    for i, row in enumerate(synthetic):
        parent = result.origin[row]
        ax.plot(
            imbalanced.x_train[parent, :, 0], color=f"C{i}", lw=2, alpha=0.5, label="real parent" if i == 0 else None
        )
        ax.plot(result.x[row, :, 0], color=f"C{i}", lw=1, ls="--", label="synthetic" if i == 0 else None)
    ax.set_title(method)
    ax.set_xlabel("time step")
axes[0, 0].set_ylabel("channel 1")
axes[0, 0].legend()
fig.suptitle(f"Synthetic series of class {data.class_names[rarest]} (dashed) beside their parents")
fig.tight_layout()
lesson.figure(fig, "synthetic_series")

# %% [markdown]
# Oversampling is meant to help the rare classes. Did it? Each test series' nearest training
# series, right or wrong, per class — the classes ordered from the largest training class to the
# smallest:

# %%
by_size = np.argsort(-np.bincount(imbalanced.y_train, minlength=data.n_classes), kind="stable")
fig, ax = plt.subplots(figsize=(8, 3.8))
for i, (name, scores) in enumerate(summary.items()):
    ax.plot(
        range(data.n_classes),
        scores["per_class_precision_at_1"][by_size],
        marker="o",
        lw=2.5 if name == "no oversampling" else 1.2,
        color="k" if name == "no oversampling" else f"C{i - 1}",
        label=name,
    )
ax.set_xticks(
    range(data.n_classes),
    [f"{data.class_names[c]}\n({np.sum(imbalanced.y_train == c)})" for c in by_size],
)
ax.set_xlabel("class (real training series in the long-tailed split)")
ax.set_ylabel("P@1 of the class's test series")
ax.set_title("Per-class 1-NN accuracy on the real test split, largest class → rarest")
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()
lesson.figure(fig, "per_class_precision")

# %% [markdown]
# ## The mistake to avoid: oversampling before the split
#
# The study generated synthetic series from the *whole* dataset and split afterwards. Then a
# synthetic copy of a test series can sit in the training set, and the test set is partly
# synthetic: the model is tested on variants of what it trained on.
#
# To see the effect on the same data, we pool all real series (the long-tailed training split and
# the test split) and compare two protocols with the same split sizes and the same generator:
#
# 1. **honest** — split the real pool first, oversample the training part only, test on real series;
# 2. **leaky** (the study's order) — oversample the whole pool, then split 80 / 20, stratified by class.
#
# Both test on a fifth of the *pool*, not on the dataset's test split: their scores compare with
# each other, not with the models above.

# %%
leak_method = "reference_walk" if "reference_walk" in methods else methods[0]
pool = data.replace(
    x_train=np.concatenate([imbalanced.x_train, data.x_test]),
    y_train=np.concatenate([imbalanced.y_train, data.y_test]),
)
test_share = 0.2  # the study's 80 / 20 split
print("real series per class in the pool:", dict(zip(data.class_names, np.bincount(pool.y_train).tolist())))

# %% [markdown]
# ### Exercise 5.3 — How much of the leaky test set is real?
# *Practises: reasoning about what a split after oversampling puts into the test set.*
#
# The leaky protocol grows every class of the pool to the largest class's count, then splits.
# **Before running the protocols**, predict the share of the leaky *test* series that will be
# synthetic (a fraction between 0 and 1) and write it into `synthetic_share_predicted`.

# %% tags=["solution"]
### BEGIN SOLUTION
pool_counts = np.bincount(pool.y_train)
synthetic_share_predicted = 1 - pool_counts.sum() / (len(pool_counts) * pool_counts.max())
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson05.check_leaky_synthetic_share(synthetic_share_predicted, pool.y_train)

# %% [markdown]
# Now both protocols. The leaky split is audited with the provenance record: `pooled.origin` names
# the real series each row came from, so a test row whose real parent (or sibling) sits in the
# training part is a leak.

# %%
# 1. honest: split, then oversample the training part
x_tr, y_tr, x_te, y_te = tk.data.stratified_split(pool.x_train, pool.y_train, test_share, seed=seed)
honest_split, _ = tk.augment.oversample_dataset(
    data.replace(x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te), method=leak_method, seed=seed
)
# 2. leaky: oversample everything, then split (origin says which real series each row came from)
pooled = tk.augment.oversample(pool.x_train, pool.y_train, method=leak_method, seed=seed)
train_rows, test_rows = tk.data.stratified_split_indices(pooled.y, test_share, seed=seed)
leaky_split = data.replace(
    x_train=pooled.x[train_rows], y_train=pooled.y[train_rows], x_test=pooled.x[test_rows], y_test=pooled.y[test_rows]
)
related_in_training = np.isin(pooled.origin[test_rows], pooled.origin[train_rows])
leaky_test_synthetic = pooled.is_synthetic[test_rows].mean()
print(
    f"leaky protocol: {leaky_test_synthetic:.0%} of the test series are synthetic, and "
    f"{related_in_training.mean():.0%} have a relative (same real parent) in training"
)

pooled_label = f"{data.name} (pooled, 80/20 split)"
honest_scores = train_and_score(
    honest_split, f"split, then oversample ({leak_method})", pooled_label, oversample=leak_method, protocol="honest"
)
leaky_scores = train_and_score(
    leaky_split,
    f"LEAKY: oversample ({leak_method}), then split",
    pooled_label,
    oversample=leak_method,
    protocol="leaky",
    test_with_relative_in_train=float(related_in_training.mean()),
)

# %% [markdown]
# How big the gap is depends on how close synthetic series are to their parents. In the study,
# series had 1007 steps and the generator's time jitter (sd 3.3 steps) barely moved them: synthetic
# rows were near-copies, so a leaked sibling in training all but guaranteed a correct nearest
# neighbour. On short series the same jitter distorts much more. The leak can show differently in
# P@1 (one nearest neighbour) and in NMI (how the whole test set clusters); the conclusion below
# prints both. Either way the leaky number answers a different question — "can the model
# recognise variants of series it has already seen?" — not "does it generalise to new series?".
#
# The comparison, one panel per test set — the two panels do not share a test set, so compare
# bars within a panel only:

# %%
panels = {
    f"real test split ({len(data.x_test)} series)\nlong-tailed training split": summary,
    f"a fifth of the pooled series ({len(test_rows)} rows)\nleaky: {leaky_test_synthetic:.0%} of them synthetic": {
        "split, then oversample": honest_scores,
        "LEAKY: oversample, then split": leaky_scores,
    },
}
metrics = {"precision_at_1": "P@1", "mean_average_precision_at_r": "MAP@R", "NMI": "NMI (k-means, k = classes)"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [len(summary), 2]})
for ax, (test_set, runs) in zip(axes, panels.items()):
    names = list(runs)
    positions = np.arange(len(names))
    for j, (metric, metric_label) in enumerate(metrics.items()):
        values = [runs[n][metric] for n in names]
        bars = ax.bar(positions + (j - 1) * 0.27, values, width=0.27, label=metric_label, color=f"C{j}")
        ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    lowest = min(runs[n][m] for n in names for m in metrics)
    ax.set_ylim(max(0.0, np.floor((lowest - 0.05) * 10) / 10), 1.02)
    ax.set_xticks(positions, [n.replace(", then", ",\nthen") for n in names], fontsize=8, rotation=20, ha="right")
    ax.set_title(f"test: {test_set}", fontsize=9)
axes[0].set_ylabel("score (one seed; the axis does not start at 0)")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=len(metrics), fontsize=8, frameon=False)
fig.suptitle("Oversampling the training split (left) vs. oversampling before the split (right)")
fig.tight_layout(rect=(0, 0.06, 1, 1))
lesson.figure(fig, "oversampling_comparison")

# %% [markdown]
# ## What this run shows

# %%
base = summary["no oversampling"]
# the smallest third of the training classes (that have test series): the tail oversampling is for
rare = [c for c in by_size[::-1] if np.any(data.y_test == c)][: max(1, data.n_classes // 3)]
tail_counts = np.bincount(imbalanced.y_train, minlength=data.n_classes)
rare = [c for c in by_size[::-1] if np.any(data.y_test == c) and tail_counts[c] <= tail_counts[rare].max()]  # ties too
print(
    f"No oversampling on the long-tailed split: P@1 {base['precision_at_1']:.3f}, "
    f"MAP@R {base['mean_average_precision_at_r']:.3f}, NMI {base['NMI']:.3f} "
    f"(NMI: k-means with k = {data.n_classes} clusters, one per class, on the test embeddings)."
)


def against_no_oversampling(gains, did="beat no oversampling", did_not="did not beat no oversampling"):
    """A computed sentence: which methods gained over no oversampling, which did not, by how much."""

    def listed(names):
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    at_print = {m: round(gains[m], 3) for m in gains}  # equal at the printed precision is a tie
    helped = [m for m in gains if at_print[m] > 0]
    tied = [m for m in gains if at_print[m] == 0]
    not_helped = [m for m in gains if at_print[m] < 0]
    parts = [f"{listed(helped)} {did}"] if helped else []
    parts += [f"{listed(tied)} tied with no oversampling"] if tied else []
    parts += [f"{listed(not_helped)} {'did not' if helped else did_not}"] if not_helped else []
    return "; ".join(parts) + " (" + ", ".join(f"{m} {gains[m]:+.3f}" for m in gains) + ")"


for metric, name in metrics.items():
    gains = {m: summary[m][metric] - base[metric] for m in methods}
    print(f"{name.split(' (')[0]}: {against_no_oversampling(gains)}.")
rare_names = ", ".join(str(data.class_names[c]) for c in rare)
if len(rare) > 8:  # many classes tie for rarest
    rare_names = f"{len(rare)} classes of at most {tail_counts[rare].max()} training series each"
base_rare = base["per_class_precision_at_1"][rare].mean()
rare_gains = {m: summary[m]["per_class_precision_at_1"][rare].mean() - base_rare for m in methods}
print(
    f"The rarest training classes ({rare_names}): mean per-class P@1 {base_rare:.3f} without oversampling; "
    f"{against_no_oversampling(rare_gains, 'helped them', 'did not help them')}."
)
# k-means with k = classes on a test set of one series per class scores NMI 1 whatever the embedding
one_each = any(len(np.unique(y)) == len(y) for y in (y_te, leaky_split.y_test))
leak_metrics = {m: name for m, name in metrics.items() if not (one_each and m == "NMI")}
leak = {m: leaky_scores[m] - honest_scores[m] for m in leak_metrics}
print(
    f"Leak ({leak_method}, tested on a fifth of the pooled series, {leaky_test_synthetic:.0%} of the leaky test "
    "set synthetic): "
    + "; ".join(
        f"{name.split(' (')[0]} honest {honest_scores[m]:.3f} vs leaky {leaky_scores[m]:.3f} ({leak[m]:+.3f})"
        for m, name in leak_metrics.items()
    )
    + "."
)
if one_each:
    print("NMI is left out of the leak: a pooled test set holds one series per class, where NMI is 1 by construction.")
# Less than one query of the smaller test set (P@1), or the printed precision, apart is no difference.
smaller_test = min(len(y_te), len(leaky_split.y_test))
tolerance = {m: 1 / smaller_test if m == "precision_at_1" else 5e-4 for m in leak_metrics}
raised = [leak_metrics[m].split(" (")[0] for m in leak_metrics if leak[m] >= tolerance[m]]
not_raised = [leak_metrics[m].split(" (")[0] for m in leak_metrics if leak[m] < tolerance[m]]
if "precision_at_1" in leak_metrics and abs(leak["precision_at_1"]) < tolerance["precision_at_1"]:
    print(f"P@1 differs by less than one query of the smaller test set ({smaller_test} queries): a tie.")
if not raised:
    print("The leaky protocol did not score higher on any metric: the leak did not inflate this run.")
elif not not_raised:
    largest = max(leak, key=leak.get)
    print(f"The leak inflated every metric, most {leak_metrics[largest].split(' (')[0]} ({leak[largest]:+.3f}).")
else:
    print(
        f"The leaky protocol scored higher on {' and '.join(raised)} but not on {' and '.join(not_raised)}: "
        "in this run the leak did not inflate every score."
    )

# %% [markdown]
# One run is one seed. Where `results_dir` holds this lesson's records of several seeds
# (`tslearnkit run --seeds 0 1 2`), the next cell prints their spread: a difference smaller than
# the spread says little.

# %%
# the records of this lesson name their test set: the long-tailed runs and the pooled ones
spread = {
    metric: {**lesson.seed_spread(summary_label, metric), **lesson.seed_spread(pooled_label, metric)}
    for metric in ("precision_at_1", "NMI")
}
if spread["precision_at_1"]:
    print("Over the seeds recorded in results_dir (mean and standard deviation):")
    for method, (mean, std, n_seeds) in spread["precision_at_1"].items():
        nmi_mean, nmi_std, _ = spread["NMI"][method]
        print(f"  {method:<46} P@1 {mean:.3f} (std {std:.3f})  NMI {nmi_mean:.3f} (std {nmi_std:.3f})  {n_seeds} seeds")
else:
    print(
        "One seed only: there is no spread to weigh these differences against "
        "(`tslearnkit run --seeds 0 1 2` records three seeds, and this cell then prints their spread)."
    )
lesson.finish()

# %% [markdown]
# ## Summary
# - Oversample the **training split only**; evaluate on untouched real test series.
# - P×K batches already show every class equally often; whether synthetic series add anything
#   beyond that is a question each run answers for itself (the cell above), per metric and per class.
# - `random` oversampling repeats series; it adds no new series to a class.
# - Synthetic series are marked and traceable to their training parents, which is also how a
#   split is audited for leaks.
# - Oversampling before splitting puts synthetic relatives of test series into training and
#   synthetic series into the test set: the score then measures recognition of variants, not
#   generalisation.
#
# ## More to explore
# 1. Is oversampling needed at all with P×K batches, which already balance classes per batch? Compare
#    "no oversampling" with the methods above across three seeds.
# 2. Raise `smallest_ratio` to 0.5. Which gap shrinks?
# 3. Repeat the leaky protocol with `method="random"` (exact duplicates). How large is the gap now?
