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
# # Lesson 3 — Triplet loss, all triplets (batch-all)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/03_triplet_all.ipynb)
#
# **What you will learn**
# - what a triplet is and what the triplet loss asks of an embedding;
# - why metric learning needs class-balanced **P×K batches**;
# - the *batch-all* strategy (the study's "all-triplet"): average the loss over every valid triplet
#   in the batch — and how the number of *active* triplets falls as training progresses.
#
# **Runtime:** about a minute on a 2-core CPU (quick mode: seconds).

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
seed: int = 0  # seeds weights, batch sampling and k-means
epochs: int = 0  # 0: set by the recipe's step budget (tk.recipe); > 0 overrides it
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
classes_per_batch: int = 0  # P, distinct classes per batch (the study: 4); 0: from the data (tk.recipe)
samples_per_class: int = 0  # K, series of each class per batch (the study: 10); 0: from the data
margin: float = 0.5  # hinge margin; embeddings are unit-length, so distances lie in [0, 2]
distance_metric: str = "L2"  # L2, squared-L2 (the study's) or angular
positive_pairs: str = "ordered"  # ordered, or combinations (the study's itertools convention)
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk

lesson = tk.lesson.start("03_triplet_all", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, quick=quick)
classes_per_batch = classes_per_batch or recipe.classes_per_batch
samples_per_class = samples_per_class or recipe.samples_per_class
print(recipe.describe())

# %% [markdown]
# ## The idea
#
# A **triplet** is an anchor *a*, a positive *p* of the same class and a negative *n* of another
# class. The loss `max(0, d(a, p) − d(a, n) + margin)` is zero once the negative is at least
# `margin` farther from the anchor than the positive. Train on that and same-class series gather
# while different classes move apart — exactly what nearest-neighbour retrieval needs.
#
# A batch of *b* series holds up to *b³* triplets; **batch-all** uses every valid one and averages
# the loss over all of them (`average="all"`). Batches must contain positives, so we sample
# **P classes × K series** per batch. P and K come from the data (`tk.recipe`): at most 16
# classes and about 64 series per batch, and never more series of a class than the smallest
# class has (a smaller class is drawn with replacement). Let us look at one such batch.

# %%
batches = tk.sampling.balanced_batch_indices(data.y_train, classes_per_batch, samples_per_class, seed=seed)
first = batches[0]
print(f"{len(batches)} batches per epoch of {classes_per_batch}×{samples_per_class} = {len(first)} series")
print(
    "classes in the first batch:",
    {data.class_names[c]: int(n) for c, n in zip(*np.unique(data.y_train[first], return_counts=True))},
)
n_pos = classes_per_batch * samples_per_class * (samples_per_class - 1)
n_neg = len(first) - samples_per_class
print(f"valid triplets in one batch: {n_pos} ordered positive pairs × {n_neg} negatives each = {n_pos * n_neg:,}")

# %% [markdown]
# ## Train
#
# The embedding is the encoder followed by a 128-unit projection, normalised to unit length.
# We track, every epoch, the share of triplets that still violate the margin on a fixed set
# of training batches: the loss only learns from those. The recipe sets the number of epochs
# from a budget of optimizer steps, and, where every class has enough series, holds out part
# of the training split to keep the weights that retrieve best.

# %%
tracker = tk.callbacks.ActiveTripletsCallback(
    data.x_train,
    data.y_train,
    classes_per_batch,
    samples_per_class,
    margin=margin,
    distance_metric=distance_metric,
    seed=seed,
)
fit = tk.training.fit_embedding(
    data.x_train,
    data.y_train,
    loss="batch_all",
    loss_config={"margin": margin, "distance_metric": distance_metric, "positive_pairs": positive_pairs},
    recipe=recipe,
    encoder=encoder,
    classes_per_batch=classes_per_batch,
    samples_per_class=samples_per_class,
    epochs=epochs or None,
    learning_rate=learning_rate,
    callbacks=[tracker],
    seed=seed,
)
lesson.figure(tk.plots.plot_history(fit.history, title="Batch-all triplet training"), "history")

# %% [markdown]
# After the first epoch a good share of the triplets still violates the margin; as the embedding
# improves, fewer and fewer do, until almost none are left. The *average over all triplets* is then
# diluted by the many easy ones, so the gradient fades — one reason the next lesson mines harder
# triplets.

# %%
print("active triplets (share of all valid triplets), per epoch:")
print(np.round(fit.history["active_triplets"], 3))

# %% [markdown]
# ## Evaluate: test queries against the training reference

# %%
scores = tk.training.evaluate_embedding(fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
for key in ("precision_at_1", "mean_average_precision_at_r", "mean_average_precision", "NMI", "knn_accuracy"):
    print(f"  {key:<30} {scores[key]:.3f}")
fig = tk.plots.plot_dataset_embeddings(fit.model, data, method="pca", title="Batch-all triplet embedding, PCA")
lesson.figure(fig, "embedding_pca")

# %%
fig = tk.plots.plot_dataset_embeddings(
    fit.model, data, method="tsne", seed=seed, title="Batch-all triplet embedding, t-SNE"
)
lesson.figure(fig, "embedding_tsne")

# %% [markdown]
# ## Result record

# %%
lesson.record(
    "triplet batch-all",
    data.name,
    scores,
    epochs=fit.epochs,
    wall_time_s=fit.wall_time_s,
    encoder=encoder,
    margin=margin,
    distance_metric=distance_metric,
    positive_pairs=positive_pairs,
)
lesson.finish()

# %% [markdown]
# ## Summary
# - The triplet loss pulls same-class series together and pushes other classes at least a margin away.
# - P×K batches guarantee positives and negatives in every batch.
# - Batch-all averages over every valid triplet; as training succeeds most become inactive.
#
# ## Exercises
# 1. Set `positive_pairs="combinations"` and `distance_metric="squared-L2"`, `margin=1.0`: the study's
#    exact setting. Does it change the scores?
# 2. Try `average="nonzero"` through `loss_config` (mean over active triplets only). What happens to
#    the loss curve, and to Precision@1?
# 3. Put every class in each batch (`classes_per_batch = data.n_classes`, if there are at most
#    about 16) with `samples_per_class = 4`. Faster or slower to converge?
