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
# - why oversampling *before* splitting (what the study did) inflates the scores, shown with numbers.
#
# **Runtime:** about three minutes on a 2-core CPU (quick mode: under a minute).

# %% [markdown]
# Running in Colab? The next cell installs the kit there; anywhere else it does nothing.

# %%
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/tslearnkit/tslearnkit"], check=True
    )

# %% tags=["parameters"]
dataset: str = "JapaneseVowels"  # any name from tk.data.list_datasets()
seed: int = 0  # seeds the imbalance, oversampling, weights and batches
epochs: int = 0  # training epochs per run; 0: set by the recipe's step budget (tk.recipe)
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

lesson = tk.lesson.start(
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
# = 1113 : 189), decaying geometrically across the classes; every class keeps at least two series
# (a P×K batch needs a positive pair). The **test split is untouched**: all evaluation happens on
# real, held-out series.

# %%
ratios = tk.augment.long_tail_ratios(data.n_classes, smallest=smallest_ratio)
available = np.bincount(data.y_train, minlength=data.n_classes)
keep = [int(min(n, max(2, round(r * n)))) for r, n in zip(ratios, available)]
imbalanced = tk.augment.make_imbalanced(data, keep, seed=seed, min_count=1)
print("training series per class, balanced → long-tailed:", dict(zip(data.class_names, zip(available.tolist(), keep))))
fig = tk.plots.plot_class_distribution(
    {
        "balanced train": np.bincount(data.y_train),
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
tk.exercises.lesson05.check_imbalance_ratio(imbalance_ratio, imbalanced.y_train)


# %%
def train_and_score(train, label, dataset_label=f"{data.name} (long-tailed train)", **record_extra):
    """Train the lesson's triplet embedding on `train` and score it on the real test split.

    The recipe (P×K, step budget, validation share, augmentation) is made from `train` itself,
    so an oversampled training split gets the same rules as a long-tailed one; each of the seven
    models gets `budget_share` of its step budget, so the lesson fits in a few minutes on a CPU."""
    recipe = tk.recipe.make_recipe(train.y_train, train.timesteps, train.channels, quick=quick)
    recipe = dataclasses.replace(recipe, steps=max(1, round(recipe.steps * budget_share)))
    fit = tk.training.fit_embedding(
        train.x_train,
        train.y_train,
        loss=loss,
        loss_config={"margin": margin},
        recipe=recipe,
        encoder=encoder,
        epochs=epochs or None,
        seed=seed,
        verbose=0,
    )
    scores = tk.training.evaluate_embedding(
        fit.model, train.x_train, train.y_train, train.x_test, train.y_test, seed=seed
    )
    print(
        f"{label:<40} P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}  "
        f"({len(train.x_train)} training series, {fit.wall_time_s:.0f} s)"
    )
    lesson.record(
        label,
        dataset_label,
        scores,
        epochs=fit.epochs,
        wall_time_s=fit.wall_time_s,
        encoder=encoder,
        loss=loss,
        **record_extra,
    )
    return scores


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
# ### Exercise 5.2 — Oversample with the kit
# *Practises: `tk.augment.oversample` and its provenance record.*
#
# Call `tk.augment.oversample` on the long-tailed training split (`imbalanced.x_train`,
# `imbalanced.y_train`) with `method="random"` and `seed=seed`, and keep the result in `balanced`.
# Then look at `balanced.is_synthetic` and `balanced.origin`: which rows are new, and whose copies?

# %% tags=["solution"]
### BEGIN SOLUTION
balanced = tk.augment.oversample(imbalanced.x_train, imbalanced.y_train, method="random", seed=seed)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson05.check_oversampled(balanced, imbalanced.x_train, imbalanced.y_train)

# %%
oversampled = {}
for method in methods:
    grown, result = tk.augment.oversample_dataset(imbalanced, method=method, seed=seed)
    oversampled[method] = result
    assert set(result.origin[result.is_synthetic]) <= set(range(len(imbalanced.x_train)))
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
# ### Exercise 5.3 — How strong is the jitter?
# *Practises: `tk.augment` transforms and their strength parameters.*
#
# `tk.augment.jitter(x, sigma=..., seed=...)` adds Gaussian noise to every step of every channel.
# Find the `sigma` that adds noise with a standard deviation of 0.05 to the training series, and
# store it in `jitter_sigma`.

# %% tags=["solution"]
### BEGIN SOLUTION
jitter_sigma = 0.05
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson05.check_jitter_sigma(jitter_sigma, imbalanced.x_train)

# %% [markdown]
# ## The mistake to avoid: oversampling before the split
#
# The study generated synthetic series from the *whole* dataset and split afterwards. Then a
# synthetic copy of a test series can sit in the training set, and the test set is partly
# synthetic: the model is tested on near-copies of what it trained on.
#
# To see the effect on the same data, we pool all real series (the long-tailed training split and
# the test split) and compare two protocols with the same split sizes and the same generator:
#
# 1. **honest** — split the real pool first, oversample the training part only, test on real series;
# 2. **leaky** (the study's order) — oversample the whole pool, then split.

# %%
leak_method = "reference_walk" if "reference_walk" in methods else methods[0]
pool = data.replace(
    x_train=np.concatenate([imbalanced.x_train, data.x_test]),
    y_train=np.concatenate([imbalanced.y_train, data.y_test]),
)
test_share = 0.2  # the study's 80 / 20 split

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
shared = np.isin(pooled.origin[test_rows], pooled.origin[train_rows])
print(
    f"leaky protocol: {shared.mean():.0%} of the test series have a relative (same real parent) in training, "
    f"{pooled.is_synthetic[test_rows].mean():.0%} of the test series are synthetic"
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
    test_with_relative_in_train=float(shared.mean()),
)
print(f"\nhonest P@1 {honest_scores['precision_at_1']:.3f}  vs  leaky P@1 {leaky_scores['precision_at_1']:.3f}")

# %% [markdown]
# How big the gap is depends on how close synthetic series are to their parents. In the study,
# series had 1007 steps and the generator's time jitter (sd 3.3 steps) barely moved them: synthetic
# rows were near-copies, so a leaked sibling in training all but guaranteed a correct nearest
# neighbour. On short series the same jitter distorts much more, and where retrieval is already
# near its ceiling the leak shows less in Precision@1 than in NMI (the README table has the
# three-seed numbers on the default dataset). The last question under *More to explore* tries exact duplicates, the extreme case.
# Either way the leaky number answers a different question — "can the model recognise variants of
# series it has already seen?" — not "does it generalise to new series?".

# %%
labels = list(summary) + ["pooled: honest", "pooled: LEAKY"]
values = [s["precision_at_1"] for s in summary.values()] + [
    honest_scores["precision_at_1"],
    leaky_scores["precision_at_1"],
]
from matplotlib.patches import Patch

colours = {
    "tab:gray": "long-tailed training split, no oversampling",
    "tab:blue": "training split oversampled (honest)",
    "tab:green": "pooled data, split first, then oversampled (honest)",
    "tab:red": "pooled data, oversampled before the split (leaky)",
}
fig, ax = plt.subplots(figsize=(8, 4.8))
ax.barh(labels, values, color=["tab:gray"] + ["tab:blue"] * len(methods) + ["tab:green", "tab:red"])
left = max(0.0, np.floor((min(values) - 0.05) * 10) / 10)
ax.set_xlim(left, 1.0)
ax.set_xlabel(f"Precision@1 on the test split (one seed; the axis starts at {left:.1f}, not 0)")
ax.invert_yaxis()
ax.legend(
    handles=[Patch(color=c, label=t) for c, t in colours.items()],
    loc="upper center",
    bbox_to_anchor=(0.5, -0.18),
    ncol=2,
    fontsize=8,
    frameon=False,
)
ax.set_title("Oversampling the training split vs. before the split")
fig.tight_layout()
lesson.figure(fig, "oversampling_comparison")
lesson.finish()

# %% [markdown]
# ## Summary
# - Oversample the **training split only**; evaluate on untouched real test series.
# - Synthetic series are marked and traceable to their training parents.
# - Oversampling before splitting leaks near-copies of test series into training and inflates scores.
#
# ## More to explore
# 1. Is oversampling needed at all with P×K batches, which already balance classes per batch? Compare
#    "no oversampling" with the methods above across three seeds.
# 2. Raise `smallest_ratio` to 0.5. Which gap shrinks?
# 3. Repeat the leaky protocol with `method="random"` (exact duplicates). How large is the gap now?
