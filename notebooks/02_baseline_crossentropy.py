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
#   can tell whether learning helped.
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
seed: int = 0  # seeds weights, shuffling and k-means
epochs: int = 0  # 0: set by the recipe's step budget (tk.recipe); > 0 overrides it
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk

lesson = tk.lesson.start(
    "02_baseline_crossentropy", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, quick=quick)
print(recipe.describe())

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
# big enough, on-the-fly augmentation for small training sets; see the line printed above).

# %%
fit = tk.training.fit_classifier(
    data.x_train,
    data.y_train,
    recipe=recipe,
    encoder=encoder,
    epochs=epochs or None,
    learning_rate=learning_rate,
    seed=seed,
)
lesson.figure(tk.plots.plot_history(fit.history, title="Cross-entropy training"), "history")

# %% [markdown]
# `tk.training.fit_classifier` did three things for you: it built the model from `tk.models`,
# compiled it, and called `model.fit` with the recipe's batch size, epochs and learning-rate
# schedule. The next two exercises do the first two by hand, the Keras way.
#
# ### Exercise 2.1 — Build a classifier with `tk.models`
# *Practises: `tk.models.build_encoder`, `tk.models.classifier_model`.*
#
# Build `my_classifier`: an encoder named `encoder` (the lesson's parameter) for inputs of shape
# `data.x_train.shape[1:]`, followed by one logit per class (`data.n_classes`).

# %% tags=["solution"]
### BEGIN SOLUTION
my_encoder = tk.models.build_encoder(encoder, data.x_train.shape[1:])
my_classifier = tk.models.classifier_model(my_encoder, data.n_classes)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson02.check_classifier(my_classifier, data)

# %% [markdown]
# ### Exercise 2.2 — Compile it
# *Practises: `model.compile` with an optimizer and a loss that matches the outputs.*
#
# Compile `my_classifier` with `keras.optimizers.Adam(learning_rate)` and the cross-entropy loss
# for integer labels and logits (outputs without a softmax).

# %% tags=["solution"]
import keras

### BEGIN SOLUTION
my_classifier.compile(
    optimizer=keras.optimizers.Adam(learning_rate),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson02.check_compiled(my_classifier)

# %% [markdown]
# ## Step 3 — evaluate the classifier and its embedding
#
# - **accuracy**: the classifier's own predictions on the test split;
# - **retrieval metrics**: each test embedding queries all training embeddings. *Precision@1* is
#   the share of queries whose nearest neighbour has the right class; *MAP@R* rewards having all R
#   same-class references ranked first; *NMI* compares k-means clusters of the test embeddings with
#   the true classes;
# - **kNN accuracy** for k = 1, 3, 5, 10.

# %%
logits = fit.model.predict(data.x_test, verbose=0)
accuracy = float(np.mean(logits.argmax(1) == data.y_test))
scores = tk.training.evaluate_embedding(
    fit.embedding_model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
)
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
    print(f"  {key:<30} {scores[key]:.3f}")

# %% [markdown]
# ### Exercise 2.3 — Precision@1 by hand
# *Practises: what a retrieval metric measures.*
#
# Write `precision_at_1(queries, query_labels, reference, reference_labels)` in NumPy: for each
# query (a row of `queries`), find the closest row of `reference` by Euclidean distance and
# compare its label with the query's; return the share of matches.


# %% tags=["solution"]
def precision_at_1(queries, query_labels, reference, reference_labels):
    ### BEGIN SOLUTION
    distances = np.linalg.norm(queries[:, None, :] - reference[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    return float(np.mean(reference_labels[nearest] == query_labels))
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson02.check_precision_at_1(precision_at_1)

# %% [markdown]
# ## Step 4 — look at the embedding
#
# 128 dimensions do not fit on a screen, so we project. **PCA** keeps the directions of largest
# variance (fitted on train, applied to test: what you see is faithful but crowded); **t-SNE**
# keeps neighbourhoods (clusters look cleaner than they are, distances between clusters mean little).

# %%
fig = tk.plots.plot_dataset_embeddings(fit.embedding_model, data, method="pca", title="Cross-entropy embedding, PCA")
lesson.figure(fig, "embedding_pca")

# %%
fig = tk.plots.plot_dataset_embeddings(
    fit.embedding_model, data, method="tsne", seed=seed, title="Cross-entropy embedding, t-SNE"
)
lesson.figure(fig, "embedding_tsne")

# %% [markdown]
# ## Result record

# %%
lesson.record("cross-entropy", data.name, scores, epochs=fit.epochs, wall_time_s=fit.wall_time_s, encoder=encoder)
for name, base in baselines.items():
    print(f"{name:<22} P@1 {base['precision_at_1']:.3f}")
print(f"{'cross-entropy':<22} P@1 {scores['precision_at_1']:.3f}")
lesson.finish()

# %% [markdown]
# ## Summary
# - A classifier trained with cross-entropy gives an embedding for free: its penultimate layer.
# - We evaluate embeddings as retrieval: test queries against the training reference.
# - Raw-series nearest neighbours (Euclidean, DTW) are the no-learning bar to beat.
#
# ## More to explore
# 1. Switch `encoder` to `"conv"` (the study's network) and `"resnet"`. Which embedding retrieves best?
# 2. Train for 5 epochs only (`epochs = 5`). Does accuracy or Precision@1 fall first?
# 3. DTW is much slower than Euclidean distance. Time both; how does the gap grow with series length?
