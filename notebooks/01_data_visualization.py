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
# - why we standardise each channel with statistics from the training split only;
# - how far plain Euclidean distance between raw series already tells the classes apart, scored
#   honestly (no query in its own reference).
#
# **Runtime:** about 10 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
seed: int = 0  # seeds the random picks and the validation split
epochs: int | None = None  # this lesson trains nothing; kept so every lesson takes the same parameters
quick: bool = False  # True: smaller plots for CI smoke runs
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
series_per_class: int = 3  # how many example series to draw for each class
validation_fraction: float = 0.2  # share of the training split held out for validation
# %%
import matplotlib.pyplot as plt
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start(
    "01_data_visualization", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
series_per_class = 1 if quick else series_per_class

# %% [markdown]
# ## Your own data
#
# Every lesson takes its data by name, through the `dataset` parameter. Your own recordings get a
# name in two lines: read them into a dataset, then save it. The most common file is a **long**
# table, one row per time step: a column naming the recording (the series), a time column, one
# column per channel and the class label. Here a tiny made-up table stands in for your file:
# twelve recordings of 20 to 30 steps, two channels, three activities.

# %%
import tempfile

import pandas as pd

table_rng = np.random.default_rng(seed)  # its own generator: the rest of the lesson draws as before
rows = []
for recording in range(12):
    activity = ("walk", "run", "sit")[recording % 3]
    speed = {"walk": 1.0, "run": 3.0, "sit": 0.1}[activity]
    for t in range(table_rng.integers(20, 31)):
        rows.append((f"r{recording}", t, np.sin(speed * t / 3), np.cos(speed * t / 3), activity))
own_table = pd.DataFrame(rows, columns=["recording", "t", "ax", "ay", "activity"])
print(f"{len(own_table)} rows; the first two:\n{own_table.head(2)}")

# %% [markdown]
# `tk.data.from_dataframe` names the columns' roles; every other column is a channel. Recordings
# of different lengths are fine, labels may be text, and without a test split of your own a
# stratified one is drawn (seeded). The notes at the end of the summary say what was decided.

# %%
own_data = tk.data.from_dataframe(own_table, series="recording", time="t", label="activity", seed=seed)
print(own_data.summary())

# %% [markdown]
# Saving it under a name is the second line. Here it goes into a temporary folder (`data_dir=`),
# so running this lesson never writes into your data folder; with your own data leave `data_dir`
# out and it lands where every lesson looks (`~/.cache/tslearnkit`, or `$TSLEARNKIT_DATA`):
#
# ```python
# own_data = tk.data.load_file("my_recordings.csv", series="recording", time="t", label="activity")
# own_data.save("mydata")
# ```
#
# Then set `dataset = "mydata"` in the parameters cell of any lesson, or run them all from a
# shell with `tslearnkit run --quick --dataset mydata` (`tslearnkit import my_recordings.csv
# --name mydata --series recording --time t --label activity` does both lines from the shell).

# %%
with tempfile.TemporaryDirectory() as scratch:
    own_data.save("mydata", data_dir=scratch)
    print("saved datasets:", tk.data.list_datasets(scratch)["saved"])
    print("load_dataset('mydata') gives", tk.data.load_dataset("mydata", data_dir=scratch))

# %% [markdown]
# **In Colab** every notebook runs on a machine of its own that forgets its files when it stops,
# so bring your file to the lesson you want to run: paste the next cell into that notebook, after
# its install cell, set `upload_own_file = True` and the column names of your file, run it and pick
# the file; then set `dataset = "mydata"` in the parameters cell and run the lesson. Outside Colab
# the cell does nothing.

# %%
import sys

upload_own_file = False  # True in Colab: pick a CSV on your computer, read it and save it as "mydata"
if upload_own_file and "google.colab" in sys.modules:
    from google.colab import files

    import tslearnkit as tk

    uploaded = files.upload()  # {file name: content}; the file is written to the current folder
    mine = tk.data.load_file(next(iter(uploaded)), series="recording", time="t", label="activity")
    print(mine.summary(), "\nsaved:", mine.save("mydata", overwrite=True))

# %% [markdown]
# ## The data
#
# The default dataset, **JapaneseVowels**, comes from the UEA archive and ships inside the `aeon`
# package, so it loads without a network. Nine male speakers said the vowel pair /ae/; each utterance
# was cut into 10 ms frames and each frame described by 12 LPC cepstrum coefficients. One **sample**
# is therefore a small matrix: time steps × 12 channels. The task is to recognise the **speaker** —
# the time-series cousin of face verification, where metric learning first became popular.
#
# Utterances differ in length. The loader pads shorter ones at the end by repeating their last
# frame, so the whole split fits in one array. The lesson runs on any dataset of the kit
# (`dataset="ArrowHead"`, ...); the table below is always the one of the dataset loaded.

# %%
data = tk.data.load_dataset(dataset, standardize=False)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
print("one sample:", data.x_train[0].shape, "= (timesteps, channels)")

# %% [markdown]
# ## A few series of each class
#
# All twelve channels of JapaneseVowels in one small panel are a tangle, so we draw at most three,
# chosen by a rule that works on any dataset: the channels whose **class means differ most on the
# training split**. For
# each channel we average the series of each class (one mean curve per class), measure how far
# apart those curves are (their standard deviation across classes, averaged over time) and divide
# by the channel's overall spread, so a channel with large values does not win just for its scale.
# Only training series enter the rule: the test split stays unseen.

# %%
class_means = np.stack([data.x_train[data.y_train == c].mean(axis=0) for c in np.unique(data.y_train)])
channel_score = class_means.std(axis=0).mean(axis=0) / (data.x_train.std(axis=(0, 1)) + 1e-12)
channels_to_draw = np.sort(np.argsort(channel_score)[::-1][:3])
drawn = ", ".join(f"{c + 1} (score {channel_score[c]:.2f})" for c in channels_to_draw)
if data.channels > len(channels_to_draw):
    others = np.delete(channel_score, channels_to_draw)
    print(f"channels drawn: {drawn}; the other channels score at most {others.max():.2f}")
else:
    print(f"every channel is drawn (the dataset has {data.channels}): {drawn}")

# %% [markdown]
# Each row below is one class, each panel one series; the coloured lines are the chosen channels
# (numbered from 1, as in the line above). Look for what stays the same within a row and changes
# between rows: that is what an embedding will have to capture.

# %%
fig = tk.plots.plot_series(
    data.x_train, data.y_train, data.class_names, per_class=series_per_class, seed=seed, channels=channels_to_draw
)
lesson.figure(fig, "series_per_class")

# %% [markdown]
# ## How the classes are distributed
#
# The table above counts the series of each class in the training and the test split. Later
# lessons hold out part of the training split for **validation** (to choose epochs and settings
# without looking at the test split). A **stratified** split holds out the same share of every
# class, so the validation part has the class proportions of the training split.
#
# ### Exercise 1.1 — Predict the validation split
# *Practises: what a stratified split keeps the same in both parts.*
#
# The cell after the check holds out a share `validation_fraction` (a parameter of this lesson) of
# the training split, stratified by class. Before you run it, predict how many series of each
# class the validation part will get: set `predicted_validation_counts` to an array with one entry
# per class (entry `c` for the class with index `c`), from the counts printed above and the
# parameter — not from the split itself. The check makes the split and compares, allowing one
# series of rounding per class.

# %% tags=["solution"]
### BEGIN SOLUTION
train_counts = np.bincount(data.y_train, minlength=data.n_classes)
predicted_validation_counts = np.round(validation_fraction * train_counts)
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson01.check_validation_counts(predicted_validation_counts, data, validation_fraction, seed)

# %% [markdown]
# Here is the split, and every part's class counts side by side.

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
for ax, values, title in (
    (axes[0], data.x_train, "as loaded"),
    (axes[1], x_train_std, "standardised (train statistics)"),
):
    ax.boxplot(values.reshape(-1, data.channels), showfliers=False)
    ax.set_xlabel("channel")
    ax.set_ylabel("value")
    ax.set_title(title)
fig.suptitle("Per-channel value ranges in the training split")
fig.tight_layout()
lesson.figure(fig, "standardisation")
test_channel_means = x_test_std.reshape(-1, data.channels).mean(axis=0)
print(
    f"test-split channel means after standardisation: {test_channel_means.min():.2f} to {test_channel_means.max():.2f}"
    if data.channels > 1
    else f"test-split mean after standardisation: {test_channel_means[0]:.2f}",
    "(the training split's are 0 by construction; the test split's need not be)",
)

# %% [markdown]
# ### Exercise 1.2 — Standardise without leaking the test split
# *Practises: statistics from the training split only.*
#
# Write `standardize_like_train(x_train, x_test)`: compute each channel's mean and standard
# deviation over all training series and all their time steps, and return both splits shifted and
# scaled by those numbers, as `(x_train_std, x_test_std)`. A channel that never changes (a dead
# sensor) has no spread at all: make sure it does not turn into NaN.


# %% tags=["solution"]
def standardize_like_train(x_train, x_test):
    ### BEGIN SOLUTION
    values = x_train.astype(np.float64)  # in float32 a constant channel's std is rounding error, not 0
    mean = values.mean(axis=(0, 1), keepdims=True)
    std = values.std(axis=(0, 1), keepdims=True)
    std = np.where(std > 1e-8, std, 1.0)  # a dead channel is shifted to 0, not divided by 0
    return (x_train - mean) / std, (x_test - mean) / std
    ### END SOLUTION


# %% tags=["check"]
course.exercises.lesson01.check_standardize(standardize_like_train, data)

# %% [markdown]
# ## How far apart are same-class series?
#
# Before any learning: is a series already closer to series of its own class than to the others?
# Below, for all pairs of test series, plain Euclidean distances between the flattened series,
# same-class pairs in green and different-class pairs in red — once on the series as loaded and
# once standardised. Each panel divides its distances by its median, so the two share one axis.
# The **separation** in each title is the probability that a random same-class pair is closer than
# a random different-class pair (the ROC AUC): 0.5 means the distance knows nothing about the
# classes, 1.0 that every same-class pair is closer than every different-class pair. This is the
# "no learning" baseline that later lessons try to beat.


# %%
def flat(x):
    """One vector per series: (n, timesteps, channels) -> (n, timesteps * channels)."""
    return x.reshape(len(x), -1)


fig, separation = tk.plots.plot_distance_distributions(
    {"as loaded": flat(data.x_test), "standardised": flat(x_test_std)}, data.y_test, seed=seed
)
lesson.figure(fig, "distance_histogram")

# %% [markdown]
# ### Exercise 1.3 — A query that is also in the reference
# *Practises: why the series we score are never in the reference they are searched against.*
#
# Suppose we scored the no-learning baseline the lazy way: every standardised **training** series
# is a query, and the reference it is searched against is the whole training split — the query
# itself included. First, without computing anything, write the 1-nearest-neighbour accuracy you
# expect in `predicted_self_match` (a number in [0, 1]). Then verify it: compute that accuracy in
# `self_match` with the kit's k-nearest-neighbour accuracy (series flattened to vectors, as above).

# %% tags=["solution"]
### BEGIN SOLUTION
predicted_self_match = 1.0  # each series finds itself, at distance 0
self_match = tk.metrics.knn_accuracy(flat(x_train_std), data.y_train, flat(x_train_std), data.y_train, k=1)
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson01.check_self_match(predicted_self_match, self_match, x_train_std, data)

# %% [markdown]
# So the honest ways to score are: each **test** series against the training split (what every
# lesson reports), or **leave-one-out** within the training split (each series searched against
# all the others). Nearest-neighbour accuracy is called **Precision@1** in retrieval: the share of
# queries whose nearest reference has their class. Below, both, on the standardised series and on
# the series as loaded, beside the accuracy of guessing at random in the training split's class
# proportions (the score of a method that learned nothing about the series).

# %%
leave_one_out = tk.metrics.retrieval_metrics(flat(x_train_std), data.y_train, include=["precision_at_1"])
raw_scores = tk.baselines.nearest_neighbour_scores(x_train_std, data.y_train, x_test_std, data.y_test)
unscaled_scores = tk.baselines.nearest_neighbour_scores(data.x_train, data.y_train, data.x_test, data.y_test)
train_share = np.bincount(data.y_train, minlength=data.n_classes) / len(data.y_train)
test_share = np.bincount(data.y_test, minlength=data.n_classes) / len(data.y_test)
chance_accuracy = float(np.sum(train_share * test_share))  # P(guess == true class) for independent draws
one_nn = {
    "leave-one-out, training split (standardised)": leave_one_out["precision_at_1"],
    "test vs training split (standardised)": raw_scores["knn_accuracy"],
    "test vs training split (as loaded)": unscaled_scores["knn_accuracy"],
    "random guess in the training proportions": chance_accuracy,
}
for name, value in one_nn.items():
    print(f"{name:<46} {value:.3f}")

# %% [markdown]
# ## Result record
#
# Every lesson writes small JSON records; `tslearnkit run` collects them. This lesson trains
# nothing, so its record describes the data and how well plain Euclidean distance already
# retrieves the right class (1-NN accuracy of test against train) — lesson 2 puts this beside DTW.

# %%
summary = {
    "n_train": len(data.x_train),
    "n_test": len(data.x_test),
    "n_classes": data.n_classes,
    "timesteps": data.timesteps,
    "channels": data.channels,
    "raw_1nn_accuracy": raw_scores["knn_accuracy"],
}
if np.isfinite(separation["standardised"]):  # undefined when no two test series share a class
    summary["raw_separation_auc"] = separation["standardised"]
lesson.record("dataset summary", data.name, summary, epochs=0, wall_time_s=0.0)
lesson.finish()

# %% [markdown]
# ## What this run shows
#
# The sentences below are computed from this run's numbers, so they hold for whatever dataset and
# seed you ran.


# %%
def describe_balance(split_counts, split):
    """One sentence on how balanced a split is (classes without series are named apart)."""
    present = split_counts[split_counts > 0]
    empty = [data.class_names[c] for c in np.flatnonzero(split_counts == 0)]
    if present.min() == present.max():
        sentence = f"The {split} split is balanced: {present.min()} series in every class"
    elif present.max() / present.min() < 1.1:  # a series or two apart is no imbalance worth a ratio
        sentence = f"The {split} split is nearly balanced: {present.min()} to {present.max()} series per class"
    else:
        smallest = data.class_names[np.flatnonzero(split_counts == present.min())[0]]
        largest = data.class_names[split_counts.argmax()]
        sentence = (
            f"The {split} split is imbalanced: from {present.min()} series (class {smallest}) to "
            f"{present.max()} (class {largest}), a ratio of {present.max() / present.min():.1f}"
        )
    return sentence + (f"; no series of class {', '.join(map(str, empty))}." if len(empty) else ".")


print(describe_balance(counts["train (all)"], "training"))
print(describe_balance(counts["test"], "test"))
auc, auc_as_loaded = f"{separation['standardised']:.2f}", f"{separation['as loaded']:.2f}"
if np.isfinite(separation["standardised"]):
    print(
        f"On standardised test series, a same-class pair is closer than a different-class pair with "
        f"probability {auc} (0.5 = no separation, 1 = complete)"
        + (f"; as loaded, {auc_as_loaded}." if auc_as_loaded != auc else ", as loaded too.")
    )
else:
    print("No two test series share a class, so the separation of same-class pairs is undefined here.")
test_accuracy = raw_scores["knn_accuracy"]
gain = test_accuracy - chance_accuracy
if gain > 0:
    print(
        f"Euclidean 1-NN on the standardised series finds the right class for {test_accuracy:.3f} of the test series, "
        f"{gain:.3f} above a random guess in the training proportions ({chance_accuracy:.3f})."
    )
else:
    print(
        f"Euclidean 1-NN on the standardised series ({test_accuracy:.3f}) does NOT beat a random guess in the training "
        f"proportions ({chance_accuracy:.3f}): raw distance tells these classes apart badly."
    )
effect = test_accuracy - unscaled_scores["knn_accuracy"]
if data.channels == 1:  # one shift and scale for every series: distances keep their order
    print(
        "With one channel, standardising shifts and scales every series alike, so it cannot change which "
        "training series is nearest"
        + (
            "; test 1-NN accuracy is unchanged."
            if effect == 0
            else f"; the {effect:+.3f} in test 1-NN accuracy comes from distances so close (or tied) that float "
            "rounding ordered them another way."
        )
    )
elif effect > 0:
    print(f"Standardising the channels raised test 1-NN accuracy by {effect:.3f}.")
elif effect < 0:
    print(f"Standardising the channels did NOT help 1-NN here: test accuracy fell by {-effect:.3f}.")
else:
    print("Standardising the channels left test 1-NN accuracy unchanged.")
drop = leave_one_out["precision_at_1"] - test_accuracy
print(
    f"Leave-one-out within the training split scores {leave_one_out['precision_at_1']:.3f}: "
    + (f"the test queries are harder, by {drop:.3f}." if drop > 0 else "the test queries are not harder.")
)
spread = lesson.seed_spread(data.name, "raw_1nn_accuracy")
for mean, std, n_seeds in spread.values():
    print(
        f"Over the records of {n_seeds} seeds, raw 1-NN accuracy averages {mean:.3f} with a standard deviation of {std:.3f}"
        + (" (the same for every seed: nothing random enters it)." if std == 0 else ".")
    )

# %% [markdown]
# ## Summary
# - A multivariate sample is a `(timesteps, channels)` matrix; a split is `(n, timesteps, channels)`.
# - A few channels chosen by a stated rule (class means apart, on training data only) make a plot
#   readable; all channels in one panel do not.
# - Stratified splits keep each class's share; standardise per channel with training statistics
#   only. Per-series normalisation would throw away information about the class.
# - Score a baseline with queries that are not in their own reference: test against train, or
#   leave-one-out. The distance distributions and the 1-NN accuracy say how much raw distance
#   already knows about the classes — the bar for every learned embedding.
#
# ## More to explore
# 1. Load `BasicMotions` (`dataset="BasicMotions"`) and compare its distance distributions with
#    these. What do you expect every method to score on it, and why?
# 2. Replace the per-channel standardisation with per-series z-normalisation and recompute the 1-NN
#    accuracy. What happens, and why?
# 3. Draw the three channels with the *lowest* score instead. Can you still tell the classes apart?
