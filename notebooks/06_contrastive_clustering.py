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
# # Lesson 6 — Contrastive learning and clustering in a 2-D latent space
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/06_contrastive_clustering.ipynb)
#
# **What you will learn**
# - NT-Xent (SimCLR): self-supervised contrastive learning from two augmented views of each series;
# - SupCon: the supervised version, where every series of the same class is a positive;
# - clustering directly in a **2-D latent plane** with no normalisation (as in the talk this lesson
#   follows), scored with NMI, AMI and ARI — against clustering the raw series and a triplet embedding.
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
seed: int = 0  # seeds views, weights, batches and k-means
epochs: int = 0  # contrastive training epochs; 0: set by the recipe's step budget (tk.recipe)
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv, fcn, resnet or inception
latent_dim: int = 2  # the talk clusters directly in a 2-D latent plane
normalize: bool = False  # the talk uses the latent without L2 normalisation
temperature_ntxent: float = 0.5  # NT-Xent temperature
temperature_supcon: float = 0.1  # SupCon temperature
# %%
import numpy as np

import tslearnkit as tk

lesson = tk.lesson.start(
    "06_contrastive_clustering", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, quick=quick)
print(recipe.describe())
n_clusters = data.n_classes  # k-means gets as many clusters as there are classes

# %% [markdown]
# ## The loss
#
# NT-Xent takes a batch of N series, makes two augmented **views** of each (random crop, jitter,
# scaling) and asks every view to pick out its partner among the other 2N − 1 views:
#
# $$\mathcal{L}_i = -\log \frac{\exp(\mathrm{sim}(z_i, z_j)/\tau)}{\sum_{k \ne i} \exp(\mathrm{sim}(z_i, z_k)/\tau)}$$
#
# With `normalize=False` the similarity is the negative squared Euclidean distance between latent
# points (see `tk.losses.nt_xent_loss`), so the 2-D plane can be clustered directly. SupCon
# (Khosla et al. 2020) uses the same form, but every view of the same class counts as a positive.
# First, what two views of one series look like:

# %%
import matplotlib.pyplot as plt

view_a, view_b = tk.augment.two_views(data.x_train[:1], seed=seed)
fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(data.x_train[0, :, 0], lw=2, label="original")
ax.plot(view_a[0, :, 0], ls="--", label="view a")
ax.plot(view_b[0, :, 0], ls=":", label="view b")
ax.set_xlabel("time step")
ax.set_ylabel("channel 1 (standardised)")
ax.legend()
ax.set_title("Two augmented views of one series")
lesson.figure(fig, "two_views")

# %% [markdown]
# ### Exercise 6.1 — Where is my partner?
# *Practises: the batch layout every contrastive loss uses.*
#
# The loss sees the two views of N series stacked as one batch of 2N rows: `[view_a; view_b]`,
# so rows i and N + i are the two views of series i. Write `positive_index(n)` returning, for
# each of the 2N rows, the index of the row holding its partner view.


# %% tags=["solution"]
def positive_index(n):
    ### BEGIN SOLUTION
    return np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson06.check_positive_index(positive_index)

# %% [markdown]
# ### Exercise 6.2 — NT-Xent by hand
# *Practises: the formula above, in NumPy.*
#
# Write `nt_xent(z_a, z_b, temperature)`: normalise every row to unit length, take the cosine
# similarities of all 2N rows of `[z_a; z_b]` divided by the temperature, and return the mean
# over the 2N rows of −log(softmax of the partner), where each row's own entry is left out of its
# denominator. (`tk.losses.nt_xent_loss(..., normalize=True)` is the reference.)


# %% tags=["solution"]
def nt_xent(z_a, z_b, temperature):
    ### BEGIN SOLUTION
    z = np.concatenate([z_a, z_b]).astype(np.float64)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    logits = z @ z.T / temperature
    np.fill_diagonal(logits, -np.inf)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    partner = positive_index(len(z_a))
    return float(-log_softmax[np.arange(len(z)), partner].mean())
    ### END SOLUTION


# %% tags=["check"]
tk.exercises.lesson06.check_nt_xent(nt_xent)

# %% [markdown]
# ## Baseline: k-means on the raw series

# %%
raw_flat = data.x_test.reshape(len(data.x_test), -1)
raw_scores = tk.metrics.cluster_scores(raw_flat, data.y_test, seed=seed)
print("raw series:", {k: round(v, 3) for k, v in raw_scores.items()})
lesson.record("k-means on raw series", data.name, raw_scores, epochs=0, wall_time_s=0.0)

# %% [markdown]
# ## NT-Xent (no labels), 2-D latent
#
# `tk.training.fit_contrastive` makes the two views of every batch on the fly, builds the
# encoder and a 2-D projection, compiles them with `tk.losses.NTXentLoss` and fits — no labels
# needed.

# %%
import time

import keras

latents = {}


def score_latent(model, label, n_epochs, seconds, temperature):
    """Retrieval and clustering scores of the test series' latent points; one record."""
    scores = tk.training.evaluate_embedding(model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
    latents[label] = tk.training.embed(model, data.x_test)
    scores.update(tk.metrics.cluster_scores(latents[label], data.y_test, seed=seed))
    print(
        f"{label}: NMI {scores['NMI']:.3f}  AMI {scores['AMI']:.3f}  ARI {scores['ARI']:.3f}  P@1 {scores['precision_at_1']:.3f}"
    )
    lesson.record(
        label,
        data.name,
        scores,
        epochs=n_epochs,
        wall_time_s=seconds,
        encoder=encoder,
        latent_dim=latent_dim,
        normalize=normalize,
        temperature=temperature,
    )


fit = tk.training.fit_contrastive(
    data.x_train,
    loss="ntxent",
    loss_config={"temperature": temperature_ntxent, "normalize": normalize},
    recipe=recipe,
    encoder=encoder,
    embedding_dim=latent_dim,
    normalize=normalize,
    epochs=epochs or None,
    seed=seed,
)
score_latent(fit.model, "NT-Xent 2-D", fit.epochs, fit.wall_time_s, temperature_ntxent)

# %% [markdown]
# ## SupCon (labels), 2-D latent — the Keras way
#
# With labels, every view of the same class is a positive. Here is the whole pipeline in plain
# Keras: P×K batches from `tk.sampling.balanced_batches`, each turned into its two stacked views
# by `tk.augment.make_tf_stacked_views`; an embedding model from `tk.models`; `compile` with
# `tk.losses.SupConLoss`; `fit`, with `NonFiniteGuard` and one `ProgressBar`.

# %%
classes_per_batch, samples_per_class = recipe.classes_per_batch, recipe.samples_per_class
steps = tk.sampling.steps_per_epoch(data.y_train, classes_per_batch, samples_per_class)
supcon_epochs = epochs or recipe.epochs_for(steps)
batches = tk.sampling.balanced_batches(
    data.x_train,
    data.y_train,
    classes_per_batch,
    samples_per_class,
    seed=seed,
    epochs=supcon_epochs,
    transform=tk.augment.make_tf_stacked_views(seed),
)
supcon_model = tk.models.embedding_model(
    tk.models.build_encoder(encoder, data.x_train.shape[1:]), dim=latent_dim, normalize=normalize
)
schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps * supcon_epochs, alpha=0.05)
supcon_model.compile(
    optimizer=keras.optimizers.Adam(schedule),
    loss=tk.losses.SupConLoss(temperature=temperature_supcon, normalize=normalize),
)
started = time.perf_counter()
supcon_model.fit(
    batches,
    epochs=supcon_epochs,
    steps_per_epoch=steps,
    shuffle=False,  # tk.sampling already drew the batch order, seeded
    verbose=0,
    callbacks=[tk.callbacks.NonFiniteGuard(), tk.progress.ProgressBar(desc="SupCon")],
)
score_latent(supcon_model, "SupCon 2-D", supcon_epochs, time.perf_counter() - started, temperature_supcon)

# %% [markdown]
# ### Exercise 6.3 — NT-Xent in your own Keras code
# *Practises: compiling with a `tk.losses` class.*
#
# Build `ntxent_model` like `supcon_model` above (same encoder, `dim=latent_dim`,
# `normalize=normalize`) and compile it with Adam and `tk.losses.NTXentLoss` at
# `temperature_ntxent` and the lesson's `normalize`. (Fitting it would take
# `tk.sampling.shuffled_batches(data.x_train, data.y_train, 64, transform=tk.augment.make_tf_stacked_views(seed))`:
# NT-Xent needs no class-balanced batches.)

# %% tags=["solution"]
### BEGIN SOLUTION
ntxent_model = tk.models.embedding_model(
    tk.models.build_encoder(encoder, data.x_train.shape[1:]), dim=latent_dim, normalize=normalize
)
ntxent_model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=tk.losses.NTXentLoss(temperature=temperature_ntxent, normalize=normalize),
)
### END SOLUTION

# %% tags=["check"]
tk.exercises.lesson06.check_ntxent_model(ntxent_model, temperature_ntxent, normalize)

# %% [markdown]
# The latent plane of the test series: background colours are the k-means regions, points are
# coloured by their true speaker. Good clustering means each region holds one colour.

# %%
fig, axes = plt.subplots(1, len(latents), figsize=(7 * len(latents), 5.5), squeeze=False)
for ax, (label, z) in zip(axes[0], latents.items()):
    tk.plots.plot_latent_clusters(
        z,
        data.y_test,
        data.class_names,
        n_clusters=n_clusters,
        seed=seed,
        ax=ax,
        title=f"{label}: test series in the latent plane",
    )
fig.tight_layout()
lesson.figure(fig, "latent_clusters")

# %% [markdown]
# ## Compare with a triplet embedding (128-D, semi-hard)

# %%
fit = tk.training.fit_embedding(
    data.x_train,
    data.y_train,
    loss="semihard",
    loss_config={"margin": 0.5},
    recipe=recipe,
    encoder=encoder,
    seed=seed,
    verbose=0,
)
triplet_scores = tk.training.evaluate_embedding(
    fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
)
triplet_scores.update(tk.metrics.cluster_scores(tk.training.embed(fit.model, data.x_test), data.y_test, seed=seed))
print(f"triplet semi-hard 128-D: NMI {triplet_scores['NMI']:.3f}  ARI {triplet_scores['ARI']:.3f}")
lesson.record("triplet semi-hard (k-means)", data.name, triplet_scores, epochs=fit.epochs, wall_time_s=fit.wall_time_s)
lesson.finish()

# %% [markdown]
# ## Summary
# - NT-Xent learns from augmentations alone. Squeezed into a 2-D plane, nine speakers overlap: in our
#   runs its clusters matched the speakers *less* well than k-means on the raw series (see the
#   results table in the README) — self-supervision has to discover what "same speaker" means.
# - SupCon adds the labels and gives compact clusters even in two dimensions, far better than
#   NT-Xent; a 128-D triplet embedding still clusters best.
# - Without normalisation the 2-D latent can be clustered and drawn directly.
#
# ## More to explore
# 1. Give NT-Xent a 16-D latent (`latent_dim=16`) and cluster that. Does NMI rise?
# 2. Set `normalize=True`: the latent becomes a circle. How does k-means cope?
# 3. Change the temperatures by a factor of 5 either way and watch the clusters.
