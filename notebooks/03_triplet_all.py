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
# ### Exercise 3.1 — Count the valid triplets of any batch
# *Practises: what batch-all averages over.*
#
# Write `count_valid_triplets(labels)`: the number of triplets (a, p, n) of a batch with labels
# `labels` where a ≠ p share a label and n has another one (ordered pairs, as above). The check
# compares it with a brute-force enumeration on batches that are not P×K.


# %% tags=["solution"]
def count_valid_triplets(labels):
    ### BEGIN SOLUTION
    labels = np.asarray(labels)
    _, counts = np.unique(labels, return_counts=True)
    return int(sum(c * (c - 1) * (len(labels) - c) for c in counts))
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson03.check_valid_triplets(count_valid_triplets)

# %% [markdown]
# ### Exercise 3.2 — The distance matrix, in `keras.ops`
# *Practises: writing loss code with `keras.ops` (it runs on every Keras backend).*
#
# Every triplet loss starts from the `(b, b)` matrix of Euclidean distances between the batch's
# embeddings. Write `pairwise_l2(embeddings)` with `keras.ops` only, using
# |a − b|² = |a|² + |b|² − 2 a·b (clip negatives from rounding at 0 before the square root).

# %% tags=["solution"]
from keras import ops


def pairwise_l2(embeddings):
    ### BEGIN SOLUTION
    squared_norms = ops.sum(ops.square(embeddings), axis=1, keepdims=True)
    squared = squared_norms + ops.transpose(squared_norms) - 2.0 * ops.matmul(embeddings, ops.transpose(embeddings))
    return ops.sqrt(ops.maximum(squared, 0.0))
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson03.check_pairwise_l2(pairwise_l2)

# %% [markdown]
# ## Train, the Keras way
#
# The embedding model is an encoder from `tk.models` followed by a 128-unit projection,
# normalised to unit length. We compile it with the kit's `tk.losses.TripletBatchAllLoss` and
# fit it on `tk.sampling.balanced_batches` — a `tf.data.Dataset` of P×K batches — like any Keras
# model. The recipe sets the number of epochs from a budget of optimizer steps and, for small
# training sets, adds on-the-fly augmentation to each batch.

# %%
import time

import keras

steps = tk.sampling.steps_per_epoch(data.y_train, classes_per_batch, samples_per_class)
epochs = epochs or recipe.epochs_for(steps)
augmenter = tk.augment.make_tf_augmenter(list(tk.recipe.BATCH_AUGMENTATIONS), seed=seed) if recipe.augment else None
batches = tk.sampling.balanced_batches(
    data.x_train,
    data.y_train,
    classes_per_batch,
    samples_per_class,
    seed=seed,
    epochs=epochs,
    transform=(lambda x, y: (augmenter(x), y)) if augmenter else None,
)
model = tk.models.embedding_model(tk.models.build_encoder(encoder, data.x_train.shape[1:]), dim=128)
schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps * epochs, alpha=0.05)
model.compile(
    optimizer=keras.optimizers.Adam(schedule),
    loss=tk.losses.TripletBatchAllLoss(margin=margin, distance_metric=distance_metric, positive_pairs=positive_pairs),
)
print(f"embedding model: {model.count_params():,} weights; {epochs} epochs of {steps} P×K batches")

# %% [markdown]
# Three callbacks watch the fit. `ActiveTripletsCallback` logs, every epoch, the share of
# triplets that still violate the margin on a fixed set of training batches (the loss only
# learns from those). `NonFiniteGuard` stops a run whose loss or weights turn NaN and says why.
# `ProgressBar` shows one bar for the whole fit (`verbose=0` silences Keras's own line per epoch).
# `tk.training.fit_embedding` does all of this in one call, and also holds out a validation
# share to keep the best weights when every class is large enough; the next lessons use it.

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
started = time.perf_counter()
history = model.fit(
    batches,
    epochs=epochs,
    steps_per_epoch=steps,
    shuffle=False,  # tk.sampling already drew the batch order, seeded
    verbose=0,
    callbacks=[tracker, tk.callbacks.NonFiniteGuard(), tk.progress.ProgressBar(desc="batch-all")],
)
fit_seconds = time.perf_counter() - started
lesson.figure(tk.plots.plot_history(history.history, title="Batch-all triplet training"), "history")

# %% [markdown]
# After the first epoch a good share of the triplets still violates the margin; as the embedding
# improves, fewer and fewer do, until almost none are left. The *average over all triplets* is then
# diluted by the many easy ones, so the gradient fades — one reason the next lesson mines harder
# triplets.

# %%
print("active triplets (share of all valid triplets), per epoch:")
print(np.round(history.history["active_triplets"], 3))

# %% [markdown]
# ### Exercise 3.3 — Pick a margin
# *Practises: how the margin decides which triplets are active.*
#
# Take the trained model's embeddings of the first P×K batch (`first`, above) and find a margin
# at which about **half** of that batch's valid triplets are active. Store it in
# `margin_for_half`. `tk.callbacks.active_triplet_fraction(embeddings, labels, margin=m)` gives the
# share for a margin `m`.

# %% tags=["solution"]
batch_embeddings = tk.training.embed(model, data.x_train[first])
### BEGIN SOLUTION
candidates = np.linspace(0.0, 2.0, 201)
shares = [tk.callbacks.active_triplet_fraction(batch_embeddings, data.y_train[first], margin=m) for m in candidates]
margin_for_half = float(candidates[np.argmin(np.abs(np.array(shares) - 0.5))])
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson03.check_margin_for_half(margin_for_half, batch_embeddings, data.y_train[first])

# %% [markdown]
# ## Evaluate: test queries against the training reference

# %%
scores = tk.training.evaluate_embedding(model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
for key in ("precision_at_1", "mean_average_precision_at_r", "mean_average_precision", "NMI", "knn_accuracy"):
    print(f"  {key:<30} {scores[key]:.3f}")
fig = tk.plots.plot_dataset_embeddings(model, data, method="pca", title="Batch-all triplet embedding, PCA")
lesson.figure(fig, "embedding_pca")

# %%
fig = tk.plots.plot_dataset_embeddings(
    model, data, method="tsne", seed=seed, title="Batch-all triplet embedding, t-SNE"
)
lesson.figure(fig, "embedding_tsne")

# %% [markdown]
# ## Result record

# %%
lesson.record(
    "triplet batch-all",
    data.name,
    scores,
    epochs=epochs,
    wall_time_s=fit_seconds,
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
# ## More to explore
# 1. Set `positive_pairs="combinations"` and `distance_metric="squared-L2"`, `margin=1.0`: the study's
#    exact setting. Does it change the scores?
# 2. Try `average="nonzero"` through `loss_config` (mean over active triplets only). What happens to
#    the loss curve, and to Precision@1?
# 3. Put every class in each batch (`classes_per_batch = data.n_classes`, if there are at most
#    about 16) with `samples_per_class = 4`. Faster or slower to converge?
