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
#   in the batch — and how the number of *active* triplets falls as training progresses;
# - what zero active triplets means (the batch teaches nothing), and how the kit stops training then;
# - how to tell whether the embedding learned anything: against the raw series and the same
#   network untrained.
#
# **Runtime:** about 25 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
seed: int = 0  # seeds weights, batch sampling and k-means
epochs: int | None = None  # None: set by the recipe's step budget (tk.recipe); a number overrides it
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
classes_per_batch: int | None = None  # P, distinct classes per batch (the study: 4); None: from the data (tk.recipe)
samples_per_class: int | None = None  # K, series of each class per batch (the study: 10); None: from the data
margin: float = 0.5  # hinge margin; embeddings are unit-length, so distances lie in [0, 2]
distance_metric: str = "L2"  # L2, squared-L2 (the study's) or angular
positive_pairs: str = "ordered"  # ordered, or combinations (the study's itertools convention)
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start("03_triplet_all", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train, quick=quick)
classes_per_batch = recipe.classes_per_batch if classes_per_batch is None else classes_per_batch
samples_per_class = recipe.samples_per_class if samples_per_class is None else samples_per_class
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
print(f"{len(batches)} batches per epoch of P×K = {classes_per_batch}×{samples_per_class} = {len(first)} series")
print(
    "classes in the first batch:",
    {data.class_names[c]: int(n) for c, n in zip(*np.unique(data.y_train[first], return_counts=True))},
)

# %% [markdown]
# ### Exercise 3.1 — How many triplets does one batch hold?
# *Practises: what batch-all averages over — predicted before it is counted.*
#
# Before the next cells count them, predict how many **valid** triplets (a, p, n) the first batch
# holds, from the two numbers P and K printed above. A valid triplet has a ≠ p of the same class
# and n of another class; the loss counts (a, p) and (p, a) as two triplets. Store your number in
# `predicted_valid_triplets` (an expression of `classes_per_batch` and `samples_per_class` is
# fine). The check counts them on the batch's labels.

# %% tags=["solution"]
### BEGIN SOLUTION
anchor_positive_pairs = classes_per_batch * samples_per_class * (samples_per_class - 1)
negatives_per_anchor = (classes_per_batch - 1) * samples_per_class
predicted_valid_triplets = anchor_positive_pairs * negatives_per_anchor
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson03.check_valid_triplets(predicted_valid_triplets, data.y_train[first])

# %% [markdown]
# The loss finds them with two boolean masks of the batch's labels: positive pairs (same label,
# not on the diagonal) and negatives (another label). A triplet is valid where both hold.

# %%
first_labels = data.y_train[first]
same_class = first_labels[:, None] == first_labels[None, :]
is_positive = same_class & ~np.eye(len(first), dtype=bool)
is_negative = ~same_class
valid_triplets = int((is_positive[:, :, None] & is_negative[:, None, :]).sum())
print(f"valid triplets in the first batch: {valid_triplets:,} of {len(first) ** 3:,} (a, p, n) index triples")

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
course.exercises.lesson03.check_pairwise_l2(pairwise_l2)

# %% [markdown]
# ## Two baselines before any training
#
# A learned embedding is worth its training only if it beats what we get for free. Two free
# embeddings: the **raw series** (1-NN with the Euclidean distance between whole series, as in
# lesson 2) and the **same network, untrained** (random weights already map similar inputs to
# nearby points). The embedding model is an encoder from `tk.models` followed by a 128-unit
# projection, normalised to unit length. Test series are the queries, training series the
# reference; P@1 is the share of queries whose nearest neighbour has their class (1-NN accuracy).

# %%
import keras

model = tk.models.embedding_model(tk.models.build_encoder(encoder, data.x_train.shape[1:]), dim=128)
baselines = {
    "raw series": tk.baselines.nearest_neighbour_scores(data.x_train, data.y_train, data.x_test, data.y_test),
    "untrained network": tk.training.evaluate_embedding(
        model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
    ),
}
untrained_test_embeddings = tk.training.embed(model, data.x_test)
for name, baseline in baselines.items():
    print(f"{name:<18} P@1 {baseline['precision_at_1']:.3f}  MAP@R {baseline['mean_average_precision_at_r']:.3f}")

# %% [markdown]
# ## Train, the Keras way
#
# We compile the model with the kit's `tk.losses.TripletBatchAllLoss` and fit it on
# `tk.sampling.balanced_batches` — a `tf.data.Dataset` of P×K batches — like any Keras model.
# The recipe sets the number of epochs from a budget of optimizer steps and, for small training
# sets, adds on-the-fly augmentation to each batch.

# %%
import time

steps = tk.sampling.steps_per_epoch(data.y_train, classes_per_batch, samples_per_class)
epochs = recipe.epochs_for(steps) if epochs is None else epochs
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
schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps * epochs, alpha=0.05)
model.compile(
    optimizer=keras.optimizers.Adam(schedule),
    loss=tk.losses.TripletBatchAllLoss(margin=margin, distance_metric=distance_metric, positive_pairs=positive_pairs),
)
print(f"embedding model: {model.count_params():,} weights; a budget of {epochs} epochs of {steps} P×K batches")

# %% [markdown]
# Four callbacks watch the fit. `ActiveTripletsCallback` logs, every epoch, the share of
# triplets that still violate the margin on a fixed set of training batches (the loss only
# learns from those). `StopWhenIdle` ends the fit once the training loss has stayed below a
# thousandth of its first epoch for `tk.training.STOP_WHEN_IDLE_STEPS` optimizer steps: by then
# every triplet of (nearly) every batch already satisfies the margin, so the batches have no
# gradient left. `NonFiniteGuard` stops a run whose loss or weights turn NaN and says why.
# `ProgressBar` shows one bar for the whole fit (`verbose=0` silences Keras's own line per epoch).
# `tk.training.fit_embedding` does all of this in one call (it stops when idle by default and
# reports the epoch as `FitResult.idle_stop_epoch`); the next lessons use it.

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
idle_stop = tk.callbacks.StopWhenIdle(tk.training.STOP_WHEN_IDLE_STEPS, steps)
started = time.perf_counter()
history = model.fit(
    batches,
    epochs=epochs,
    steps_per_epoch=steps,
    shuffle=False,  # tk.sampling already drew the batch order, seeded
    verbose=0,
    callbacks=[tracker, idle_stop, tk.callbacks.NonFiniteGuard(), tk.progress.ProgressBar(desc="batch-all")],
)
fit_seconds = time.perf_counter() - started
epochs_run = len(history.history["loss"])

# %% [markdown]
# ## When the batches stop teaching
#
# A triplet is *active* while its negative is not yet `margin` farther from the anchor than its
# positive. As the embedding improves, fewer and fewer are: the *average over all triplets* is
# diluted by the many easy ones and the gradient fades — one reason the next lesson mines harder
# triplets. When the share of active triplets reaches **zero**, every triplet already satisfies
# the margin: the loss and its gradient are zero and the batch teaches nothing. Training on after
# that only spends time. Both curves can fall by several decades, so they are drawn on a log
# scale (a value of exactly zero has no place on it: those epochs are marked along the bottom edge).

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for ax, key, ylabel in (
    (axes[0], "loss", "training loss (log scale)"),
    (axes[1], "active_triplets", "share of active triplets (log scale)"),
):
    values = np.asarray(history.history[key])
    epoch_numbers = np.arange(1, len(values) + 1)
    ax.plot(epoch_numbers, np.where(values > 0, values, np.nan), marker=".")
    if np.any(values == 0):  # at the bottom edge of the axes (y = 0 in axes coordinates)
        at_zero = epoch_numbers[values == 0]
        ax.plot(
            at_zero, np.zeros(len(at_zero)), "x", color="tab:red", transform=ax.get_xaxis_transform(), label="exactly 0"
        )
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if idle_stop.stopped_epoch:
        ax.axvline(idle_stop.stopped_epoch, color="grey", linestyle="--", label="stopped: idle")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
fig.suptitle("Batch-all triplet training")
fig.tight_layout()
lesson.figure(fig, "history")

# %%
active = np.asarray(history.history["active_triplets"])
zero_epochs = np.flatnonzero(active == 0) + 1
print(f"active triplets after epoch 1: {active[0]:.1%} of the valid triplets of the monitored batches")
if len(zero_epochs):
    after_first_zero = active[zero_epochs[0] - 1 :]
    print(
        f"first epoch with no active triplet at all: {zero_epochs[0]}; from then on {int((after_first_zero == 0).sum())} "
        f"of {len(after_first_zero)} epochs had none, and the largest share was {after_first_zero.max():.3%}"
    )
else:
    share = "all" if active[-1] >= 1 else "most" if active[-1] > 0.5 else "some"
    print(f"{share} triplets were still active at the last epoch ({active[-1]:.2%})")
loss = np.asarray(history.history["loss"])
if idle_stop.stopped_epoch:
    print(
        f"StopWhenIdle ended the fit after epoch {idle_stop.stopped_epoch} of the {epochs}-epoch budget "
        f"({fit_seconds:.0f} s): the training loss had stayed below {loss[0] / 1000:.2g} (1/1000 of its "
        f"first epoch, {loss[0]:.2g}) for {tk.training.STOP_WHEN_IDLE_STEPS} steps"
    )
elif epochs * steps < tk.training.STOP_WHEN_IDLE_STEPS:  # quick mode: too short for an idle stop
    print(
        f"the fit used its whole {epochs}-epoch budget ({fit_seconds:.0f} s), fewer steps than the "
        f"{tk.training.STOP_WHEN_IDLE_STEPS} an idle stop waits for"
    )
else:
    print(f"the fit used its whole {epochs}-epoch budget ({fit_seconds:.0f} s): the loss never stayed near zero")

# %% [markdown]
# The two curves measure different batches. The share of active triplets is computed on fixed,
# unaugmented training batches; the training loss on the batches the model trains on, augmented
# when the recipe says so (see its line at the top), where a few triplets can flicker back to life
# now and then. That is why the stop waits for the loss to stay below a thousandth of where it
# started, not for an exact zero.

# %% [markdown]
# ### Exercise 3.3 — Pick a margin
# *Practises: how the margin decides which triplets are active.*
#
# The share of active triplets depends on the margin as much as on the embedding. On the trained
# model, find a margin at which about **half** of that batch's valid triplets would be active, and store
# it in `margin_for_half`. `tk.callbacks.active_triplet_fraction(embeddings, labels, margin=m)`
# gives the share for a margin `m`.

# %% tags=["solution"]
batch_embeddings = tk.training.embed(model, data.x_train[first])
### BEGIN SOLUTION
candidates = np.linspace(0.0, 2.0, 201)
shares = [tk.callbacks.active_triplet_fraction(batch_embeddings, data.y_train[first], margin=m) for m in candidates]
margin_for_half = float(candidates[np.argmin(np.abs(np.array(shares) - 0.5))])
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson03.check_margin_for_half(margin_for_half, batch_embeddings, data.y_train[first])

# %% [markdown]
# ## Evaluate: test queries against the training reference

# %%
scores = tk.training.evaluate_embedding(model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
test_embeddings = tk.training.embed(model, data.x_test)
train_embeddings = tk.training.embed(model, data.x_train)
for key in ("precision_at_1", "mean_average_precision_at_r", "mean_average_precision", "NMI", "knn_accuracy"):
    print(f"  {key:<30} {scores[key]:.3f}")

# %% [markdown]
# Did training change the *distances*? For every pair of test series, the next figure compares the
# distance between two series of the same class (green) with the distance between two series of
# different classes (red), for the raw series, the untrained network and the trained one (each
# divided by its median distance, so the three share one axis). Where the histograms overlap,
# a nearest neighbour can come from the wrong class; the *separation* above each panel is the
# probability that a same-class pair is closer than a different-class pair.

# %%
fig, separation = tk.plots.plot_distance_distributions(
    {
        "raw series": data.x_test.reshape(len(data.x_test), -1),
        "untrained network": untrained_test_embeddings,
        "batch-all": test_embeddings,
    },
    data.y_test,
    seed=seed,
)
lesson.figure(fig, "distance_distributions")

# %% [markdown]
# Which classes are still confused? Each row of a 1-NN confusion matrix is a true class and says
# which class its queries' nearest training series belongs to; the diagonal is the per-class P@1.
# Left the raw series, right the batch-all embedding.

# %%
fig, axes = plt.subplots(1, 2, figsize=(2.0 + 0.76 * data.n_classes, 1.2 + 0.4 * data.n_classes))
_, raw_confusion = tk.plots.plot_nn_confusion(
    data.x_test.reshape(len(data.x_test), -1),
    data.y_test,
    data.x_train.reshape(len(data.x_train), -1),
    data.y_train,
    data.class_names,
    ax=axes[0],
    title="raw series",
)
_, confusion = tk.plots.plot_nn_confusion(
    test_embeddings, data.y_test, train_embeddings, data.y_train, data.class_names, ax=axes[1], title="batch-all"
)
fig.tight_layout()
lesson.figure(fig, "nn_confusion")

# %% [markdown]
# A map of the embedding: t-SNE fitted on the training and test series together (one map, so
# train and test points share their coordinates), coloured by class. t-SNE keeps neighbours,
# not distances: read it for which classes sit together, not for how far apart they are.

# %%
fig = tk.plots.plot_dataset_embeddings(
    model, data, method="tsne", seed=seed, title="Batch-all triplet embedding, t-SNE of train and test together"
)
lesson.figure(fig, "embedding_tsne")

# %% [markdown]
# ## Result record

# %%
record_path = lesson.record(
    "triplet batch-all",
    data.name,
    scores,
    epochs=epochs_run,
    wall_time_s=fit_seconds,
    encoder=encoder,
    margin=margin,
    distance_metric=distance_metric,
    positive_pairs=positive_pairs,
    idle_stop_epoch=idle_stop.stopped_epoch,
)
print(f"saved {record_path.name}")

# %% [markdown]
# ## Would the rest of the budget have helped?
#
# The stop is a rule, not a measurement of this run, so let us measure it: train the same model on
# for the epochs the stop skipped (the learning-rate schedule carries on where it was) and score it
# again. This is a check of the rule, not a choice: the recorded model above stays the stopped one.

# %%
if idle_stop.stopped_epoch:
    started = time.perf_counter()
    model.fit(
        batches,
        initial_epoch=epochs_run,
        epochs=epochs,
        steps_per_epoch=steps,
        shuffle=False,
        verbose=0,  # quiet: the line below says what it did
        callbacks=[tk.callbacks.NonFiniteGuard()],
    )
    extra_seconds = time.perf_counter() - started
    full_budget_scores = tk.training.evaluate_embedding(
        model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
    )
    print(
        f"{epochs - epochs_run} more epochs ({extra_seconds:.0f} s): P@1 {scores['precision_at_1']:.3f} -> "
        f"{full_budget_scores['precision_at_1']:.3f}, MAP@R {scores['mean_average_precision_at_r']:.3f} -> "
        f"{full_budget_scores['mean_average_precision_at_r']:.3f}"
    )
else:
    full_budget_scores = None
    print("the fit ran its whole budget: there is nothing to compare")

# %% [markdown]
# ## What this run shows

# %%
n_queries = len(data.y_test)


def p_at_1(s):
    return s["precision_at_1"]


def in_queries(difference):
    """A P@1 difference as a number of test queries (P@1 is the share of queries answered right)."""
    count = round(abs(difference) * n_queries)
    return f"{count} {'query' if count == 1 else 'queries'}"


print(f"Batch-all reached P@1 {p_at_1(scores):.3f} on {n_queries} test queries of {data.name}.")
for name, baseline in baselines.items():
    gain = p_at_1(scores) - p_at_1(baseline)
    if gain > 0:
        print(f"- It beat the {name} ({p_at_1(baseline):.3f}) by {gain:.3f}: {in_queries(gain)} of {n_queries}.")
    elif gain == 0:
        print(f"- It did NOT beat the {name}: both at {p_at_1(baseline):.3f}.")
    else:
        print(f"- It did NOT beat the {name} ({p_at_1(baseline):.3f}): {in_queries(gain)} of {n_queries} worse.")
best_free = max(separation["raw series"], separation["untrained network"])
verb = "separate" if round(separation["batch-all"], 2) > max(round(best_free, 2), 0.5) else "do NOT separate"
if np.isfinite(best_free) and max(round(best_free, 2), round(separation["batch-all"], 2)) <= 0.5:
    print(
        "- Neither its distances nor the free embeddings' separate the classes: separation "
        f"{separation['batch-all']:.2f} vs {separation['raw series']:.2f} (raw) and "
        f"{separation['untrained network']:.2f} (untrained), none above 0.5 (pairs drawn at random)."
    )
elif np.isfinite(best_free):  # undefined when no two test series share a class
    print(
        f"- Its distances {verb} the classes better than the free embeddings: separation "
        f"{separation['batch-all']:.2f} vs {separation['raw series']:.2f} (raw) and "
        f"{separation['untrained network']:.2f} (untrained)."
    )
else:
    print("- No two test series share a class, so the separation of same-class pairs is undefined here.")
worst = int(np.argmin(np.diag(confusion)))
if np.ptp(np.diag(confusion)) > 0:  # with every class equal there is no weakest one
    print(
        f"- Its weakest class is {data.class_names[worst]}: P@1 {confusion[worst, worst]:.2f} "
        f"(raw series: {raw_confusion[worst, worst]:.2f})."
    )
else:
    print(f"- Every class has the same per-class P@1 ({confusion[worst, worst]:.2f}).")
if len(zero_epochs):
    print(
        f"- From epoch {zero_epochs[0]} on, the monitored batches had at most {after_first_zero.max():.3%} of their "
        "triplets active: (nearly) every triplet met the margin, and the batches taught (almost) nothing."
    )
if idle_stop.stopped_epoch and full_budget_scores is not None:
    change = p_at_1(full_budget_scores) - p_at_1(scores)
    saved = f"The idle stop ended training after {epochs_run} of {epochs} epochs"
    if round(abs(change) * n_queries) == 0:
        print(f"- {saved}; training on would not have changed P@1.")
    elif change > 0:
        print(f"- {saved}; training on would have added {change:.3f} P@1 ({in_queries(change)}).")
    else:
        print(f"- {saved}; training on would have cost {-change:.3f} P@1 ({in_queries(change)}).")
spread = lesson.seed_spread(data.name, "precision_at_1")
if "triplet batch-all" in spread:
    mean, std, n_seeds = spread["triplet batch-all"]
    print(f"- Over the {n_seeds} seeds recorded in {results_dir}: P@1 {mean:.3f} on average, std {std:.3f}.")
lesson.finish()

# %% [markdown]
# ## Summary
# - The triplet loss pulls same-class series together and pushes other classes at least a margin away.
# - P×K batches guarantee positives and negatives in every batch; the valid triplets are a small
#   share of all the index triples of a batch.
# - Batch-all averages over every valid triplet; as training succeeds most become inactive.
# - Zero active triplets means every triplet already satisfies the margin: the batch teaches
#   nothing, and `StopWhenIdle` (on by default in `tk.training.fit_embedding`) ends the fit.
# - A learned embedding is judged against free ones: the raw series and the same network untrained.
#
# ## More to explore
# 1. Set `positive_pairs="combinations"` and `distance_metric="squared-L2"`, `margin=1.0`: the study's
#    exact setting. Does it change the scores?
# 2. Try `average="nonzero"` through `loss_config` (mean over active triplets only). What happens to
#    the loss curve, to the idle stop, and to Precision@1?
# 3. Put every class in each batch (`classes_per_batch = data.n_classes`, if there are at most
#    about 16) with `samples_per_class = 4`. Faster or slower to converge?
