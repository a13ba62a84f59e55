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
# # Lesson 4 — Mining triplets: semi-hard and hard
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/04_triplet_semihard.ipynb)
#
# **What you will learn**
# - *semi-hard* mining (FaceNet): for each anchor–positive pair, the closest negative that is still
#   farther than the positive;
# - *hard* mining (batch-hard): the farthest positive and the closest negative of each anchor;
# - how the margin and the distance metric change what is learned.
#
# The losses are `tk.losses.TripletSemiHardLoss` and `TripletHardLoss`, drop-in replacements for
# the retired `tensorflow-addons` losses (same arguments, same values, same gradients — checked
# against goldens produced by tensorflow-addons 0.23 itself).
#
# **Runtime:** about two minutes on a 2-core CPU (quick mode: seconds).

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
classes_per_batch: int = 0  # P, distinct classes per batch; 0: from the data (tk.recipe)
samples_per_class: int = 0  # K, series of each class per batch; 0: from the data
margin: float = 0.5  # hinge margin; embeddings are unit-length, so L2 distances lie in [0, 2]
distance_metric: str = "L2"  # L2 (TFA's default), squared-L2 or angular
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk

lesson = tk.lesson.start(
    "04_triplet_semihard", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, quick=quick)
classes_per_batch = classes_per_batch or recipe.classes_per_batch
samples_per_class = samples_per_class or recipe.samples_per_class
print(recipe.describe())

# %% [markdown]
# ## Which negative?
#
# Take one P×K batch from an untrained model and count, for each anchor–positive pair, how its
# negatives fall: *easy* (farther than the positive by more than the margin: zero loss), *semi-hard*
# (farther than the positive but within the margin) and *hard* (closer than the positive).
# Semi-hard mining learns from the middle group; it avoids the hardest negatives, which in noisy
# data are often mislabelled or ambiguous and can collapse the embedding early in training.

# %%

untrained = tk.models.embedding_model(tk.models.build_encoder(encoder, data.x_train.shape[1:]))
batch = tk.sampling.balanced_batch_indices(data.y_train, classes_per_batch, samples_per_class, seed=seed)[0]
dist = np.asarray(tk.losses.pairwise_distances(tk.training.embed(untrained, data.x_train[batch]), distance_metric))
labels = data.y_train[batch]
same = labels[:, None] == labels[None, :]
counts = {"easy": 0, "semi-hard": 0, "hard": 0}
for a in range(len(batch)):
    for p in np.flatnonzero(same[a]):
        if p == a:
            continue
        d_neg = dist[a, ~same[a]]
        counts["hard"] += int(np.sum(d_neg < dist[a, p]))
        counts["semi-hard"] += int(np.sum((d_neg >= dist[a, p]) & (d_neg < dist[a, p] + margin)))
        counts["easy"] += int(np.sum(d_neg >= dist[a, p] + margin))
print("negatives per category, untrained model:", counts)

# %% [markdown]
# ### Exercise 4.1 — The masked maximum of hard mining
# *Practises: the masked reductions inside every mining loss.*
#
# Hard mining takes, for each anchor, its *farthest* positive: a maximum over only some entries of
# a row of the distance matrix. Write `masked_maximum(distances, mask)` returning, for each row,
# the largest `distances` entry where `mask` is True (use NumPy or `keras.ops`; every row has at
# least one True entry). Hint: move the masked-out entries below every kept value first.


# %% tags=["solution"]
def masked_maximum(distances, mask):
    ### BEGIN SOLUTION
    lowest = distances.min(axis=1, keepdims=True)
    return np.where(mask, distances - lowest, 0.0).max(axis=1) + lowest[:, 0]
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson04.check_masked_maximum(masked_maximum)

# %% [markdown]
# ### Exercise 4.2 — Which negative does semi-hard mining pick?
# *Practises: FaceNet's semi-hard rule.*
#
# Write `semihard_negative(d_ap, d_an)`: given one anchor's distance to its positive `d_ap` and
# an array `d_an` of its distances to the negatives, return the index of the negative semi-hard
# mining trains on — the closest negative that is **strictly farther** than the positive, or, if
# there is none, the farthest negative.


# %% tags=["solution"]
def semihard_negative(d_ap, d_an):
    ### BEGIN SOLUTION
    d_an = np.asarray(d_an)
    farther = np.flatnonzero(d_an > d_ap)
    if len(farther) == 0:
        return int(np.argmax(d_an))
    return int(farther[np.argmin(d_an[farther])])
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson04.check_semihard_negative(semihard_negative)

# %% [markdown]
# ## Train with both mining strategies
#
# `tk.training.fit_embedding` builds the embedding model, compiles it with the loss named by
# `loss`, draws P×K batches with `tk.sampling.balanced_batches` and calls `model.fit` with the
# recipe's epochs and learning-rate schedule — what lesson 3 wrote out by hand.

# %%
results = {}
for loss_name, label in (("semihard", "triplet semi-hard"), ("hard", "triplet hard")):
    print(f"--- {label}")
    fit = tk.training.fit_embedding(
        data.x_train,
        data.y_train,
        loss=loss_name,
        loss_config={"margin": margin, "distance_metric": distance_metric},
        recipe=recipe,
        encoder=encoder,
        classes_per_batch=classes_per_batch,
        samples_per_class=samples_per_class,
        epochs=epochs or None,
        learning_rate=learning_rate,
        seed=seed,
    )
    scores = tk.training.evaluate_embedding(fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
    results[label] = (fit, scores)
    print(
        f"  P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}  NMI {scores['NMI']:.3f}"
    )
    lesson.record(
        label,
        data.name,
        scores,
        epochs=fit.epochs,
        wall_time_s=fit.wall_time_s,
        encoder=encoder,
        margin=margin,
        distance_metric=distance_metric,
    )

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
for label, (fit, _) in results.items():
    ax.plot(np.arange(1, len(fit.history["loss"]) + 1), fit.history["loss"], label=label)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Semi-hard vs hard mining")
ax.legend()
lesson.figure(fig, "history")

# %% [markdown]
# ### Exercise 4.3 — Soft-margin hard mining, in your own Keras code
# *Practises: compiling a Keras model with a `tk.losses` class.*
#
# Build `soft_model`, an embedding model (`tk.models.embedding_model` of a `tk.models` encoder
# for this data), and compile it with Adam and `tk.losses.TripletHardLoss(soft=True)`: hard
# mining with a smooth `log(1 + exp(d_ap − d_an))` in place of the hinge and its margin. (No need
# to fit it here: `soft_model.fit(tk.sampling.balanced_batches(...))` would.)

# %% tags=["solution"]
import keras

### BEGIN SOLUTION
soft_model = tk.models.embedding_model(tk.models.build_encoder(encoder, data.x_train.shape[1:]))
soft_model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=tk.losses.TripletHardLoss(soft=True))
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson04.check_soft_model(soft_model)

# %% [markdown]
# ## The semi-hard embedding

# %%
fit, scores = results["triplet semi-hard"]
fig = tk.plots.plot_dataset_embeddings(
    fit.model, data, method="tsne", seed=seed, title="Semi-hard triplet embedding, t-SNE"
)
lesson.figure(fig, "embedding_tsne")

# %%
for label, (_, s) in results.items():
    print(
        f"{label:<20} P@1 {s['precision_at_1']:.3f}  MAP@R {s['mean_average_precision_at_r']:.3f}  "
        f"MAP {s['mean_average_precision']:.3f}  NMI {s['NMI']:.3f}"
    )
lesson.finish()

# %% [markdown]
# ## Summary
# - Semi-hard mining trains on negatives that are farther than the positive but inside the margin.
# - Hard mining trains each anchor on its hardest positive and negative: strong signal, more noise.
# - The margin sets the scale: with unit-length embeddings L2 distances lie in [0, 2].
#
# ## More to explore
# 1. Try `margin` in {0.1, 0.5, 1.0}. Which works best here, and why might a margin near 2 fail?
# 2. Switch `distance_metric` to `"angular"`. Is the result different from `"L2"` on unit vectors?
# 3. Use `TripletHardLoss(soft=True)` through `loss_config={"soft": True}`: the soft-margin variant.
