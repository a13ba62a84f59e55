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
# # Lesson 1 — Looking at multivariate time series
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/01_data_visualization.ipynb)
#
# **What you will learn**
# - what one sample of a multivariate time series is, and how it is stored (`(n, timesteps, channels)`);
# - how the classes are distributed in the training and test splits, and after a stratified validation split;
# - why we standardise each channel with statistics from the training split only.
#
# **Runtime:** under a minute on a laptop CPU. No training happens here.

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
seed: int = 0  # seeds the random picks and the validation split
epochs: int = 0  # this lesson trains nothing; kept so every lesson takes the same parameters
quick: bool = False  # True: smaller plots for CI smoke runs
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
series_per_class: int = 3  # how many example series to draw for each class
validation_fraction: float = 0.2  # share of the training split held out for validation
# %%
import matplotlib.pyplot as plt
import numpy as np

import tslearnkit as tk

lesson = tk.lesson.start(
    "01_data_visualization", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
series_per_class = 1 if quick else series_per_class

# %% [markdown]
# ## The data
#
# The default dataset, **JapaneseVowels**, comes from the UEA archive and ships inside the `aeon`
# package, so it loads without a network. Nine male speakers said the vowel pair /ae/; each utterance
# was cut into 10 ms frames and each frame described by 12 LPC cepstrum coefficients. One **sample**
# is therefore a small matrix: time steps × 12 channels. The task is to recognise the **speaker** —
# the time-series cousin of face verification, where metric learning first became popular.
#
# Utterances last 7 to 29 frames. The loader pads shorter ones at the end by repeating their last
# frame, so the whole split fits in one array.

# %%
data = tk.data.load_dataset(dataset, standardize=False)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
print("one sample:", data.x_train[0].shape, "= (timesteps, channels)")

# %% [markdown]
# Each row below is one speaker, each panel one utterance; the coloured lines are the channels.
# Look for what stays the same within a row and changes between rows: that is what an
# embedding will have to capture.

# %%
fig = tk.plots.plot_series(data.x_train, data.y_train, data.class_names, per_class=series_per_class, seed=seed)
lesson.figure(fig, "series_per_class")

# %% [markdown]
# ## How the classes are distributed
#
# The training split is balanced (30 utterances per speaker); the test split is not (24 to 88).
# When we hold out a validation set from the training split, a **stratified** split keeps the
# class proportions the same in both parts.

# %%
x_fit, y_fit, x_val, y_val = tk.data.stratified_split(data.x_train, data.y_train, validation_fraction, seed=seed)
counts = {
    "train (all)": np.bincount(data.y_train, minlength=data.n_classes),
    "train (fit part)": np.bincount(y_fit, minlength=data.n_classes),
    "validation": np.bincount(y_val, minlength=data.n_classes),
    "test": np.bincount(data.y_test, minlength=data.n_classes),
}
fig = tk.plots.plot_class_distribution(counts, data.class_names, title=f"{data.name}: series per class")
lesson.figure(fig, "class_distribution")

# %% [markdown]
# ### Exercise 1.1 — Count the classes yourself
# *Practises: labels as class indices; the balance of a split.*
#
# Set `train_counts` to an array whose entry `c` is the number of **training** series of class
# `c` (one entry per class, `data.n_classes` in all). The check compares it with the figure above.

# %% tags=["solution"]
### BEGIN SOLUTION
train_counts = np.bincount(data.y_train, minlength=data.n_classes)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson01.check_class_counts(train_counts, data)

# %% [markdown]
# ## Standardising channels — with training statistics only
#
# The channels live on different scales. We shift and scale each channel by its mean and standard
# deviation **computed on the training split only**, and apply the same numbers to the test split.
# Computing them on all data would let the test set leak into training. We also do *not*
# z-normalise each series on its own: that would erase the level of each coefficient, which is
# much of what identifies a speaker.

# %%
x_train_std, x_test_std, stats = tk.data.standardize(data.x_train, data.x_test)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5), sharey=False)
for ax, values, title in ((axes[0], data.x_train, "raw"), (axes[1], x_train_std, "standardised (train statistics)")):
    ax.boxplot(values.reshape(-1, data.channels), showfliers=False)
    ax.set_xlabel("channel")
    ax.set_ylabel("value")
    ax.set_title(title)
fig.suptitle("Per-channel value ranges in the training split")
fig.tight_layout()
lesson.figure(fig, "standardisation")
print("test-split channel means after standardisation (not exactly 0 — and that is fine):")
print(np.round(x_test_std.reshape(-1, data.channels).mean(0), 2))

# %% [markdown]
# ### Exercise 1.2 — Standardise without leaking the test split
# *Practises: statistics from the training split only.*
#
# Write `standardize_like_train(x_train, x_test)`: compute each channel's mean and standard
# deviation over the training series and all their time steps (axes 0 and 1), and return both
# splits shifted and scaled by those numbers, as `(x_train_std, x_test_std)`.


# %% tags=["solution"]
def standardize_like_train(x_train, x_test):
    ### BEGIN SOLUTION
    mean = x_train.mean(axis=(0, 1), keepdims=True)
    std = x_train.std(axis=(0, 1), keepdims=True)
    return (x_train - mean) / std, (x_test - mean) / std
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson01.check_standardize(standardize_like_train, data)

# %% [markdown]
# How far apart are two utterances of the same speaker, compared with two different speakers?
# A quick look with plain Euclidean distance on the standardised series (this is the "no learning"
# baseline that later lessons try to beat).

# %%
dist = tk.baselines.raw_distances(x_train_std, x_train_std)  # (n, n) Euclidean, via a Gram matrix
same = data.y_train[:, None] == data.y_train[None, :]
off_diagonal = ~np.eye(len(dist), dtype=bool)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.hist(dist[same & off_diagonal], bins=40, alpha=0.6, density=True, label="same class")
ax.hist(dist[~same], bins=40, alpha=0.6, density=True, label="different classes")
ax.set_xlabel("Euclidean distance between standardised series")
ax.set_ylabel("density")
ax.legend()
lesson.figure(fig, "distance_histogram")

# %% [markdown]
# ### Exercise 1.3 — The no-learning baseline, with the kit's metrics
# *Practises: `tk.metrics.knn_accuracy`; series as flat vectors.*
#
# Flatten each standardised series into one vector (`x.reshape(len(x), -1)`), then use
# `tk.metrics.knn_accuracy(train_vectors, y_train, test_vectors, y_test, k=1)` to get the share
# of test series whose nearest training series has the right speaker. Store it in `raw_knn`.

# %% tags=["solution"]
### BEGIN SOLUTION
raw_knn = tk.metrics.knn_accuracy(
    x_train_std.reshape(len(x_train_std), -1), data.y_train, x_test_std.reshape(len(x_test_std), -1), data.y_test, k=1
)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson01.check_raw_knn(raw_knn, x_train_std, x_test_std, data)

# %% [markdown]
# ## Result record
#
# Every lesson ends by writing a small JSON record; `tslearnkit run` collects them. This lesson
# trains nothing, so its record describes the data and how well plain Euclidean distance already
# retrieves the right speaker (1-NN accuracy of test against train) — lesson 2 puts this number in
# the results table beside DTW.

# %%
raw_scores = tk.baselines.nearest_neighbour_scores(x_train_std, data.y_train, x_test_std, data.y_test)
print(f"raw-series 1-NN accuracy: {raw_scores['knn_accuracy']:.3f}")
summary = {
    "n_train": len(data.x_train),
    "n_test": len(data.x_test),
    "n_classes": data.n_classes,
    "timesteps": data.timesteps,
    "channels": data.channels,
    "raw_1nn_accuracy": raw_scores["knn_accuracy"],
}
lesson.record("dataset summary", data.name, summary, epochs=0, wall_time_s=0.0)
lesson.finish()

# %% [markdown]
# ## Summary
# - A multivariate sample is a `(timesteps, channels)` matrix; a split is `(n, timesteps, channels)`.
# - The test split is imbalanced; stratified splits keep class proportions.
# - Standardise per channel with training statistics only; per-series normalisation would throw
#   away speaker information.
#
# ## More to explore
# 1. Load `BasicMotions` (`dataset="BasicMotions"`) and compare its distance histogram with this one.
#    Why will every method score ≈100 % on it?
# 2. Replace the per-channel standardisation with per-series z-normalisation and recompute the 1-NN
#    accuracy. What happens, and why?
# 3. Which channels differ most between speakers? Plot the mean of each channel per class.
