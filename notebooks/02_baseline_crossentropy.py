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
# # Lesson 2 — The cross-entropy baseline (and the no-learning baseline)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/02_baseline_crossentropy.ipynb)
#
# **What you will learn**
# - how to train a time-series classifier and use its penultimate layer as an embedding;
# - how we score an embedding as a *retrieval* system: test series are queries, training series
#   the reference (Precision@1, MAP@R, MAP, NMI — pytorch-metric-learning's definitions);
# - what nearest neighbours on the raw series (Euclidean and DTW) already achieve, so later lessons
#   can tell whether learning helped;
# - how to see where an embedding helps: same- vs different-class distances, and which classes its
#   nearest neighbours confuse.
#
# **Runtime:** about 15 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
seed: int = 0  # seeds weights, shuffling and k-means
epochs: int | None = None  # None: set by the recipe's step budget (tk.recipe); a number overrides it
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start(
    "02_baseline_crossentropy", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train, quick=quick)
print(recipe.describe())

# %% [markdown]
# ## How we score an embedding: retrieval
#
# Every lesson scores its embedding the same way. Each **test** series is a **query**; the
# **training** series form the **reference** that is searched. For each query we rank all
# references by distance and ask whether the ones of the query's class come first
# (pytorch-metric-learning's definitions):
#
# - **Precision@1 (P@1)**: the share of queries whose nearest reference has the query's class.
#   That is exactly **1-nearest-neighbour accuracy**: predict the class of the nearest training
#   series. (The records hold it twice, as `precision_at_1` and `knn_accuracy`.)
# - **MAP@R**: for a query of class *c*, **R is the number of references of class *c*** — every
#   right answer the reference holds. Look at the first R places of the ranking; at each place *i*
#   that holds a class-*c* reference, take the precision at *i* (the share of class-*c* references
#   among the first *i*); add these up and divide by R. Average over the queries. A query scores 1
#   only when all its R same-class references come before any other. P@1 looks at the nearest
#   neighbour only; MAP@R at the whole neighbourhood.
# - **NMI** compares k-means clusters of the test embeddings with the true classes (k = the number
#   of classes); MAP is MAP@R without the cut at R.
#
# ### Exercise 2.1 — MAP@R of one ranking
# *Practises: what R is, and how MAP@R differs from P@1.*
#
# A query of class B is searched against a reference of ten series; three of them are of class B.
# Ranked from nearest to farthest, their classes read:
#
# `B  A  B  C  B  A  C  A  C  A`
#
# Work out by hand, before running the check, this query's P@1 and its MAP@R, and write them in
# `predicted_precision_at_1` and `predicted_map_at_r`. The check ranks the same list with the kit
# and compares.

# %% tags=["solution"]
### BEGIN SOLUTION
predicted_precision_at_1 = 1.0  # the nearest reference is a B
predicted_map_at_r = (1 / 1 + 0 + 2 / 3) / 3  # R = 3: hits at places 1 and 3 of the first 3
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson02.check_map_at_r(predicted_precision_at_1, predicted_map_at_r)

# %% [markdown]
# ## Step 1 — no learning at all: nearest neighbours on the raw series
#
# For each test series, find the closest training series and predict its class. With Euclidean
# distance, two series are compared frame by frame; **dynamic time warping (DTW)** first aligns
# them in time, which helps when speakers talk at different speeds. These numbers are the bar
# every learned embedding has to clear.
#
# DTW compares every pair of time steps, so its cost grows with the square of the length. On long
# or large datasets `tk.baselines.plan_dtw` limits the warping to a window around the diagonal
# (and, if that is not enough, scores a stratified subsample of the test queries); the line
# printed below says what it did.

# %%
import time

dtw_plan = tk.baselines.plan_dtw(len(data.x_test), len(data.x_train), data.timesteps, quick=quick)
print(dtw_plan.describe())
baselines = {}
for distance in ("euclidean", "dtw"):
    started = time.perf_counter()
    scores = tk.baselines.nearest_neighbour_scores(
        data.x_train, data.y_train, data.x_test, data.y_test, distance=distance, plan=dtw_plan, seed=seed
    )
    name = "1-NN Euclidean (raw)" if distance == "euclidean" else "1-NN DTW (raw)"
    baselines[name] = scores
    extra = {"dtw_plan": dtw_plan.describe()} if distance == "dtw" else {}
    lesson.record(name, data.name, scores, epochs=0, wall_time_s=time.perf_counter() - started, **extra)
    print(f"{name:<22} P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}")

# %% [markdown]
# ## Step 2 — train a classifier
#
# The encoder turns a `(timesteps, channels)` series into a feature vector; a final dense layer
# maps it to one logit per class, trained with cross-entropy. The classifier never sees a notion
# of *distance* — but its penultimate layer often makes a decent embedding anyway. That is the
# baseline of the study this kit grew from.
#
# How long to train and with which batch size depends on the dataset, so the lesson does not fix
# them: `tk.recipe.make_recipe` derives them from the training split (a budget of optimizer
# steps, a validation share of the training split to keep the best weights when every class is
# big enough, on-the-fly augmentation for small training sets, and each channel also standardised
# within its own series when most series are nearly flat at the dataset's scale; see the line
# printed above).
# When the loss falls by more than a factor of ten, the plot draws it on a log scale, so the late
# epochs stay visible.

# %%
fit = tk.training.fit_classifier(
    data.x_train,
    data.y_train,
    recipe=recipe,
    encoder=encoder,
    epochs=epochs,
    learning_rate=learning_rate,
    seed=seed,
)
fig = tk.plots.plot_history(fit.history, title="Cross-entropy training")
training_loss = np.asarray(fit.history["loss"])
if training_loss.max() > 10 * training_loss.min() > 0:  # spans more than a decade
    fig.axes[0].set_yscale("log")
lesson.figure(fig, "history")

# %% [markdown]
# `tk.training.fit_classifier` did three things for you: it built the model from `tk.models`,
# compiled it, and called `model.fit` with the recipe's batch size, epochs and learning-rate
# schedule. Build one yourself first.
#
# ### Exercise 2.2 — Build a classifier with `tk.models`
# *Practises: the kit's model builders — an encoder, then a classification head on it.*
#
# Build `my_classifier`: the encoder that the lesson's `encoder` parameter names, for series of
# this dataset's shape `(timesteps, channels)`, followed by a head with one logit per class.
# `tk.models` has a builder for each of the two parts (`help(tk.models)` lists them).

# %% tags=["solution"]
### BEGIN SOLUTION
my_encoder = tk.models.build_encoder(encoder, data.x_train.shape[1:])
my_classifier = tk.models.classifier_model(my_encoder, data.n_classes)
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson02.check_classifier(my_classifier, data)

# %% [markdown]
# Compiling is the Keras way to say *how* to train: an optimizer, and a loss that matches the
# outputs. The labels are class indices, so the loss is the *sparse* categorical cross-entropy;
# the model ends on logits (no softmax), hence `from_logits=True`. After this,
# `my_classifier.fit(x, y, ...)` would train it; `fit_classifier` did exactly that above, with the
# recipe's batch size and epochs and a cosine-decayed learning rate.

# %%
import keras

my_classifier.compile(
    optimizer=keras.optimizers.Adam(learning_rate),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

# %% [markdown]
# ## Step 3 — evaluate the classifier and its embedding
#
# - **accuracy**: the classifier's own predictions on the test split;
# - **retrieval metrics** of the embedding (the penultimate layer), as defined above: P@1 (=
#   1-NN accuracy), MAP@R, MAP, NMI and AMI;
# - **kNN accuracy** for k = 1, 3, 5, 10 (a majority vote of the k nearest training embeddings).

# %%
train_embeddings = tk.training.embed(fit.embedding_model, data.x_train)
test_embeddings = tk.training.embed(fit.embedding_model, data.x_test)
logits = fit.model.predict(data.x_test, verbose=0)
accuracy = float(np.mean(logits.argmax(1) == data.y_test))
scores = tk.metrics.embedding_scores(train_embeddings, data.y_train, test_embeddings, data.y_test, seed=seed)
scores["accuracy"] = accuracy
print(f"classifier accuracy {accuracy:.3f}")
for key in (
    "precision_at_1",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "NMI",
    "AMI",
    "knn_accuracy",
    "knn_accuracy_at_3",
    "knn_accuracy_at_5",
    "knn_accuracy_at_10",
):
    if key in scores:  # a k-NN vote is scored only where the training split holds k series
        print(f"  {key:<30} {scores[key]:.3f}")

# %% [markdown]
# Did learning beat the raw series? The same two retrieval scores for the three methods, side by
# side (each raw baseline ranks raw training series; the embedding ranks training embeddings):

# %%
methods = {"cross-entropy embedding": scores, **baselines}
print(f"{'method':<26} {'P@1':>6} {'MAP@R':>6}")
for name, method_scores in methods.items():
    print(f"{name:<26} {method_scores['precision_at_1']:>6.3f} {method_scores['mean_average_precision_at_r']:>6.3f}")

# %% [markdown]
# P@1 needs one right neighbour; MAP@R needs all R of them ahead of every other class, so it is
# usually the lower of the two. How far apart are the classes? For all pairs of test series, the
# same-class distances (green) against the different-class ones (red), on the raw series and in
# the embedding, each divided by its median. The **separation** in each title is the probability
# that a random same-class pair is closer than a random different-class pair (0.5: none, 1: all).

# %%
fig, separation = tk.plots.plot_distance_distributions(
    {"raw series (Euclidean)": data.x_test.reshape(len(data.x_test), -1), "cross-entropy embedding": test_embeddings},
    data.y_test,
    seed=seed,
)
lesson.figure(fig, "distance_distributions")

# %% [markdown]
# Which classes does the embedding confuse? For each test query, the class of its nearest training
# embedding: rows are the true classes, columns the neighbour's class, each row sums to 1. The
# diagonal is each class's P@1; an off-diagonal cell says which class a query was taken for.

# %%
fig, confusion = tk.plots.plot_nn_confusion(
    test_embeddings,
    data.y_test,
    train_embeddings,
    data.y_train,
    data.class_names,
    title="Cross-entropy embedding: 1-NN confusion (test queries, training reference)",
)
lesson.figure(fig, "nn_confusion")

# %% [markdown]
# ### Exercise 2.3 — Precision@1 by hand
# *Practises: what a retrieval metric measures, in NumPy.*
#
# Write `precision_at_1(queries, query_labels, reference, reference_labels)` in NumPy: queries and
# reference are `(n, d)` and `(m, d)` arrays of embeddings, ranked by Euclidean distance. Return
# P@1 as defined at the top of the lesson, as a float.


# %% tags=["solution"]
def precision_at_1(queries, query_labels, reference, reference_labels):
    ### BEGIN SOLUTION
    distances = np.linalg.norm(queries[:, None, :] - reference[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    return float(np.mean(reference_labels[nearest] == query_labels))
    ### END SOLUTION


# %% tags=["check"]
course.exercises.lesson02.check_precision_at_1(precision_at_1)

# %% [markdown]
# ## Step 4 — look at the embedding
#
# 128 dimensions do not fit on a screen, so we project. **PCA** keeps the directions of largest
# variance (fitted on train, applied to test: what you see is faithful but crowded); **t-SNE**
# keeps neighbourhoods (clusters look cleaner than they are, distances between clusters mean
# little). t-SNE has no way to place new points on an existing map, so it is fitted **once on the
# training and test embeddings together**; the two panels share that one map. Lessons 3 and 4 draw
# their embeddings the same way, so the maps can be compared.

# %%
fig = tk.plots.plot_train_test_embeddings(
    train_embeddings,
    data.y_train,
    test_embeddings,
    data.y_test,
    data.class_names,
    method="pca",
    title="Cross-entropy embedding, PCA (fitted on train)",
)
lesson.figure(fig, "embedding_pca")

# %%
fig = tk.plots.plot_train_test_embeddings(
    train_embeddings,
    data.y_train,
    test_embeddings,
    data.y_test,
    data.class_names,
    method="tsne",
    seed=seed,
    title="Cross-entropy embedding, t-SNE (fitted on train and test together)",
)
lesson.figure(fig, "embedding_tsne")

# %% [markdown]
# ## Result record

# %%
lesson.record("cross-entropy", data.name, scores, epochs=fit.epochs, wall_time_s=fit.wall_time_s, encoder=encoder)
lesson.finish()

# %% [markdown]
# ## What this run shows
#
# Computed from this run's variables, so the sentences hold for any dataset and seed.

# %%
ce = scores
for metric, label in (("precision_at_1", "P@1 (1-NN accuracy)"), ("mean_average_precision_at_r", "MAP@R")):
    best_value = max(method_scores[metric] for method_scores in methods.values())
    leaders = [name for name in methods if methods[name][metric] == best_value]
    if len(leaders) == 1:
        runner_up = max((name for name in methods if name not in leaders), key=lambda name: methods[name][metric])
        lead = round(best_value, 3) - round(methods[runner_up][metric], 3)  # the gap of the printed values
        print(f"{label}: {leaders[0]} is best with {best_value:.3f}, {lead:.3f} ahead of {runner_up}.")
    else:
        print(f"{label}: {' and '.join(leaders)} tie for best at {best_value:.3f}.")
    for name, base in baselines.items():
        gap = ce[metric] - base[metric]
        if gap > 0:
            print(f"  The cross-entropy embedding beat {name} by {gap:.3f}.")
        elif gap == 0:
            print(f"  The cross-entropy embedding only tied {name}.")
        else:
            print(f"  The cross-entropy embedding did NOT beat {name}: {-gap:.3f} below it.")
if dtw_plan.n_queries < dtw_plan.n_queries_total:
    print(
        f"(DTW was scored on {dtw_plan.n_queries} of {dtw_plan.n_queries_total} test queries: {dtw_plan.describe()}.)"
    )
raw_auc, ce_auc = separation["raw series (Euclidean)"], separation["cross-entropy embedding"]
if np.isfinite(raw_auc):  # undefined when no two test series share a class
    print(
        f"Separation of same- from different-class pairs: {raw_auc:.2f} on the raw series, {ce_auc:.2f} in the "
        "embedding"
        + (
            " — neither is above 0.5, the level of pairs drawn at random: neither separates the classes."
            if max(round(raw_auc, 2), round(ce_auc, 2)) <= 0.5
            else " — the embedding pulls classes apart more."
            if round(ce_auc, 2) > round(raw_auc, 2)
            else " — the embedding does NOT separate them better."
        )
    )
else:
    print("No two test series share a class, so the separation of same-class pairs is undefined here.")
gap_map = ce["precision_at_1"] - ce["mean_average_precision_at_r"]
print(
    f"In the embedding, P@1 is {ce['precision_at_1']:.3f} and MAP@R {ce['mean_average_precision_at_r']:.3f}: "
    + (
        "the nearest neighbour is right far more often than all R same-class references come first."
        if gap_map > 0.1
        else "the whole neighbourhood is nearly as clean as the nearest neighbour."
    )
)
mistakes = confusion - np.diag(np.diag(confusion))
if mistakes.max() > 0:
    true_class, taken_for = np.unravel_index(mistakes.argmax(), mistakes.shape)
    print(
        f"Most frequent 1-NN mistake: {mistakes.max():.0%} of the test queries of class "
        f"{data.class_names[true_class]} have a nearest neighbour of class {data.class_names[taken_for]}."
    )
else:
    print("Every test query's nearest training embedding has its class: no 1-NN mistake.")
if ce["precision_at_1"] >= accuracy:
    print(
        f"The embedding's 1-NN ({ce['precision_at_1']:.3f}) is at least as accurate as the classifier ({accuracy:.3f})."
    )
else:
    print(
        f"The embedding's 1-NN ({ce['precision_at_1']:.3f}) is less accurate than the classifier itself ({accuracy:.3f})."
    )
predicted = np.unique(logits.argmax(1))
if len(predicted) == 1:  # a classifier that learned only the class prior
    print(
        f"  But the classifier predicts class {data.class_names[predicted[0]]} for every test query: its accuracy is "
        "that class's share of the test split, not a skill."
    )
spread_p1 = lesson.seed_spread(data.name, "precision_at_1")
spread_map = lesson.seed_spread(data.name, "mean_average_precision_at_r")
if spread_p1:
    print("Over the seeds recorded in results_dir (mean, with the standard deviation in brackets):")
    for name, (mean, std, n_seeds) in spread_p1.items():
        map_mean, map_std, _ = spread_map[name]
        print(f"  {name:<22} P@1 {mean:.3f} ({std:.3f})  MAP@R {map_mean:.3f} ({map_std:.3f})  {n_seeds} seeds")
    if "cross-entropy" in spread_p1 and len(spread_p1) > 1:
        ce_mean, ce_std, _ = spread_p1["cross-entropy"]
        best_raw = max((name for name in spread_p1 if name != "cross-entropy"), key=lambda name: spread_p1[name][0])
        mean_gap = ce_mean - spread_p1[best_raw][0]
        print(
            f"  On average over seeds, cross-entropy is {abs(mean_gap):.3f} {'above' if mean_gap >= 0 else 'below'} "
            f"{best_raw} on P@1; "
            + (
                "that is less than its own seed-to-seed standard deviation, so the seeds do not settle who is better."
                if abs(mean_gap) < ce_std
                else "that is more than its own seed-to-seed standard deviation."
            )
        )

# %% [markdown]
# ## Summary
# - A classifier trained with cross-entropy gives an embedding for free: its penultimate layer.
# - We evaluate embeddings as retrieval: test queries against the training reference. P@1 is
#   1-NN accuracy; MAP@R asks for all R same-class references first (R = how many the reference
#   holds of the query's class).
# - Raw-series nearest neighbours (Euclidean, DTW) are the no-learning bar to beat; the lines
#   above say whether this run beat it, on which score, and which classes it still confuses.
#
# ## More to explore
# 1. Switch `encoder` to `"conv"` (the study's network) and `"resnet"`. Which embedding retrieves best?
# 2. Train for 5 epochs only (`epochs = 5`). Does accuracy or Precision@1 fall first?
# 3. DTW is much slower than Euclidean distance. Time both; how does the gap grow with series length?
