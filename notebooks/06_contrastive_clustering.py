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
#   follows), scored with NMI, AMI and ARI — against clustering the raw series and a triplet embedding;
# - why SupCon's loss stops falling well above zero: its floor, computed from the batch shape.
#
# **Runtime:** about 50 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
seed: int = 0  # seeds views, weights, batches and k-means
epochs: int | None = None  # contrastive training epochs; None: set by the recipe's step budget (tk.recipe)
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
from tslearnkit import course

lesson = course.lesson.start(
    "06_contrastive_clustering", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train, quick=quick)
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
# (Khosla et al. 2020) uses the same form, but every other view of the same class is a positive:
# with P(i) the positives of view i (same class, not i itself),
#
# $$\mathcal{L}_i = -\frac{1}{|P(i)|} \sum_{p \in P(i)} \log \frac{\exp(\mathrm{sim}(z_i, z_p)/\tau)}{\sum_{k \ne i} \exp(\mathrm{sim}(z_i, z_k)/\tau)}$$
#
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
course.exercises.lesson06.check_positive_index(positive_index)

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
course.exercises.lesson06.check_nt_xent(nt_xent)

# %% [markdown]
# ## Baseline: k-means on the raw series
#
# Every clustering score in this lesson is k-means with k = the number of classes, run on the test
# series (raw, or their latent points), compared with the true classes: NMI and AMI measure how
# much the clusters tell about the classes, ARI how often pairs of series are grouped alike
# (1 = the clusters are the classes; about 0 = no better than chance).

# %%
raw_flat = data.x_test.reshape(len(data.x_test), -1)
raw_scores = tk.metrics.cluster_scores(raw_flat, data.y_test, n_clusters=n_clusters, seed=seed)
lesson.record("k-means on raw series", data.name, raw_scores, epochs=0, wall_time_s=0.0, width=raw_flat.shape[1])
print(
    f"raw series ({raw_flat.shape[1]} numbers each), k-means with k = {n_clusters}: "
    + "  ".join(f"{name} {value:.3f}" for name, value in raw_scores.items())
)

# %% [markdown]
# ## NT-Xent (no labels), 2-D latent
#
# `tk.training.fit_contrastive` makes the two views of every batch on the fly, builds the
# encoder and a 2-D projection, compiles them with `tk.losses.NTXentLoss` and fits — no labels
# needed. (`verbose=2`: a few summary lines instead of a progress bar.)

# %%
import time

import keras

latents, scores_of, widths = {}, {}, {}


def score_latent(model, label, n_epochs, seconds, temperature):
    """Retrieval and clustering scores of the test series' latent points; one record."""
    scores = tk.training.evaluate_embedding(model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
    latents[label] = tk.training.embed(model, data.x_test)
    scores.update(tk.metrics.cluster_scores(latents[label], data.y_test, n_clusters=n_clusters, seed=seed))
    scores_of[label], widths[label] = scores, latents[label].shape[1]
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


ntxent_fit = tk.training.fit_contrastive(
    data.x_train,
    loss="ntxent",
    loss_config={"temperature": temperature_ntxent, "normalize": normalize},
    recipe=recipe,
    encoder=encoder,
    embedding_dim=latent_dim,
    normalize=normalize,
    epochs=epochs,
    seed=seed,
    verbose=2,
)
score_latent(ntxent_fit.model, f"NT-Xent {latent_dim}-D", ntxent_fit.epochs, ntxent_fit.wall_time_s, temperature_ntxent)

# %% [markdown]
# ## SupCon (labels), 2-D latent — the Keras way
#
# With labels, every view of the same class is a positive. SupCon trains on P×K batches: P classes,
# K series of each, and each series enters the loss as two views.

# %%
classes_per_batch, samples_per_class = recipe.classes_per_batch, recipe.samples_per_class
print(
    f"one SupCon batch: P×K = {classes_per_batch}×{samples_per_class} series, "
    f"two views each: {2 * classes_per_batch * samples_per_class} rows"
)

# %% [markdown]
# ### Exercise 6.3 — How low can SupCon go?
# *Practises: reading a loss formula to predict its minimum for a given batch shape.*
#
# **Before training**, predict the lowest value SupCon's loss can reach on batches of this shape,
# and write it into `predicted_floor`. Think of the best possible latent, then of the probability
# each positive gets in the formula above.
#
# Then verify without training: build one made-up batch with this layout (labels and 2-D latent
# points) where every row of a class sits on the same point and the classes lie far apart, and put
# the kit's SupCon loss of it, at the lesson's SupCon temperature and on plain distances (no
# normalisation), into `ideal_loss`.

# %% tags=["solution"]
### BEGIN SOLUTION
predicted_floor = np.log(2 * samples_per_class - 1)
### END SOLUTION

# %% tags=["solution"]
### BEGIN SOLUTION
ideal_labels = np.tile(np.repeat(np.arange(classes_per_batch), samples_per_class), 2)
ideal_latent = np.stack([100.0 * ideal_labels, np.zeros(len(ideal_labels))], axis=1).astype("float32")
ideal_loss = float(tk.losses.supcon_loss(ideal_labels, ideal_latent, temperature=temperature_supcon, normalize=False))
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson06.check_supcon_floor(predicted_floor, ideal_loss, samples_per_class)

# %% [markdown]
# ## Why the losses stop where they do
#
# SupCon's loss averages −log over the positives of each anchor. Even in the best possible latent —
# all positives on the anchor, every other class infinitely far away — the softmax spreads its
# probability evenly over the |P(i)| positives, so each gets 1/|P(i)| and the loss is
# log |P(i)|. With K series per class and two views each, |P(i)| = 2K − 1 (the anchor's other view
# and both views of the other K − 1 series). The loss cannot fall below that floor: a SupCon loss
# that has flattened out just above it has almost nothing left to learn, although it is far from
# zero. NT-Xent has a single positive per anchor: its floor is log 1 = 0, approached only as the
# other views are pushed infinitely far away — without normalisation the latent can always spread a
# little further, so the NT-Xent loss keeps creeping down.
#
# The training below acts on the floor: a small callback stops SupCon once its epoch loss is within
# 1 % of the floor (if that never happens, the whole step budget runs).

# %%
supcon_floor = np.log(2 * samples_per_class - 1)


class StopNearFloor(keras.callbacks.Callback):
    """Stops training once the epoch's loss is within `share` of `floor`: nothing left to learn."""

    def __init__(self, floor, share=0.01):
        super().__init__()
        self.floor, self.share, self.stopped_epoch = floor, share, None

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] <= self.floor * (1 + self.share):
            self.stopped_epoch = epoch + 1
            self.model.stop_training = True


# %% [markdown]
# Now the whole pipeline in plain Keras: P×K batches from `tk.sampling.balanced_batches`, each
# turned into its two stacked views by `tk.augment.make_tf_stacked_views`; an embedding model
# from `tk.models`; `compile` with `tk.losses.SupConLoss`; `fit`, with `NonFiniteGuard`, the
# floor stop and a `ProgressBar` that prints a few summary lines.

# %%
steps = tk.sampling.steps_per_epoch(data.y_train, classes_per_batch, samples_per_class)
supcon_epochs = recipe.epochs_for(steps) if epochs is None else epochs
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
stop_near_floor = StopNearFloor(supcon_floor)
started = time.perf_counter()
supcon_history = supcon_model.fit(
    batches,
    epochs=supcon_epochs,
    steps_per_epoch=steps,
    shuffle=False,  # tk.sampling already drew the batch order, seeded
    verbose=0,
    callbacks=[
        tk.callbacks.NonFiniteGuard(),
        stop_near_floor,
        tk.progress.ProgressBar(mode="lines", desc="SupCon"),
    ],
)
supcon_losses = np.array(supcon_history.history["loss"])
score_latent(
    supcon_model, f"SupCon {latent_dim}-D", len(supcon_losses), time.perf_counter() - started, temperature_supcon
)

# %% [markdown]
# Where did each loss end, compared with its floor? The plot shows the distance to the floor on a
# log scale, per optimizer step.

# %%
supcon_stop = (
    f"stopped after epoch {stop_near_floor.stopped_epoch} of {supcon_epochs}, within 1 % of its floor"
    if stop_near_floor.stopped_epoch
    else f"ran all {supcon_epochs} epoch{'s' * (supcon_epochs != 1)} without coming within 1 % of its floor"
)
ntxent_losses = np.array(ntxent_fit.history["loss"])
print(f"SupCon {supcon_stop}.")
print(
    f"SupCon: last-epoch loss {supcon_losses[-1]:.3f}, floor log(2·{samples_per_class} − 1) = {supcon_floor:.3f}: "
    f"{supcon_losses[-1] - supcon_floor:.3f} above it (first epoch: {supcon_losses[0] - supcon_floor:.3f} above)"
)
print(f"NT-Xent: last-epoch loss {ntxent_losses[-1]:.3f}, floor log 1 = 0 (first epoch: {ntxent_losses[0]:.3f})")

fig, ax = plt.subplots(figsize=(7, 3.5))
for name, losses, floor, steps_per_epoch in (
    ("NT-Xent", ntxent_losses, 0.0, ntxent_fit.steps / max(1, ntxent_fit.epochs)),
    ("SupCon", supcon_losses, supcon_floor, steps),
):
    above = np.maximum(losses - floor, 1e-6)
    ax.plot(np.arange(1, len(losses) + 1) * steps_per_epoch, above, label=f"{name} (floor {floor:.2f})")
ax.set_yscale("log")
ax.set_xlabel("optimizer step")
ax.set_ylabel("training loss − its floor (log scale)")
ax.set_title("How far each loss is from the lowest value it can reach")
ax.legend()
lesson.figure(fig, "loss_above_floor")

# %% [markdown]
# The latent plane of the test series: the grey background shows the k-means regions (numbered
# k0, k1, ...; k = the number of classes), the points are coloured by their true class. Good
# clustering means each region holds one colour.

# %%
if latent_dim == 2:
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
else:
    print(f"latent_dim={latent_dim}: no plane to draw (the figure needs a 2-D latent)")

# %% [markdown]
# ## Compare with a triplet embedding (128-D, semi-hard)
#
# A reference from the triplet lessons, **not at the same width**: a 128-D unit-length embedding
# has far more room than a 2-D plane, so it is not a fair contest with the 2-D latents. The
# table below says each method's width.
#
# Unlike SupCon, a triplet loss can reach zero: then every triplet of the batch already satisfies
# the margin, and the batch teaches nothing. `fit_embedding` stops once the loss has stayed below a
# thousandth of its first epoch for 50 optimizer steps; the line below says whether it did.

# %%
triplet_fit = tk.training.fit_embedding(
    data.x_train,
    data.y_train,
    loss="semihard",
    loss_config={"margin": 0.5},
    recipe=recipe,
    encoder=encoder,
    seed=seed,
    verbose=0,
)
triplet_embeddings = tk.training.embed(triplet_fit.model, data.x_test)
triplet_label = f"triplet semi-hard {triplet_embeddings.shape[1]}-D"
scores_of[triplet_label] = tk.training.evaluate_embedding(
    triplet_fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
)
scores_of[triplet_label].update(
    tk.metrics.cluster_scores(triplet_embeddings, data.y_test, n_clusters=n_clusters, seed=seed)
)
widths[triplet_label] = triplet_embeddings.shape[1]
lesson.record(
    triplet_label,
    data.name,
    scores_of[triplet_label],
    epochs=triplet_fit.epochs,
    wall_time_s=triplet_fit.wall_time_s,
    width=widths[triplet_label],
)
stop = (
    f"stopped after epoch {triplet_fit.idle_stop_epoch}: the loss had been near zero for 50 steps"
    if triplet_fit.idle_stop_epoch
    else "the whole step budget"
)
print(f"{triplet_label}: NMI {scores_of[triplet_label]['NMI']:.3f}  ({triplet_fit.epochs} epochs, {stop})")

# %% [markdown]
# How far apart are series of the same class, compared with series of different classes? One
# histogram pair per method (distances divided by each method's median, so widths compare); the
# separation is the chance that a same-class pair is closer than a different-class pair.

# %%
fig, separation = tk.plots.plot_distance_distributions(
    {"raw series": raw_flat, **latents, triplet_label: triplet_embeddings}, data.y_test, seed=seed
)
lesson.figure(fig, "distance_distributions")

# %% [markdown]
# All methods side by side. Clustering: k-means with k = the number of classes on the test series;
# P@1: each test series' nearest training series, in the same space.

# %%
scores_of = {"k-means on raw series": raw_scores, **scores_of}
widths = {"k-means on raw series": raw_flat.shape[1], **widths}
separation["k-means on raw series"] = separation.pop("raw series")  # the same space, named as in the table
print(f"k-means with k = {n_clusters} (the number of classes) on {len(data.x_test)} test series")
print(f"{'method':<26}{'width':>7}{'NMI':>8}{'AMI':>8}{'ARI':>8}{'P@1':>8}{'separation':>12}")
for name, scores in scores_of.items():
    p_at_1 = f"{scores['precision_at_1']:.3f}" if "precision_at_1" in scores else "—"
    apart = f"{separation[name]:.3f}" if np.isfinite(separation[name]) else "—"  # no two test series share a class
    print(
        f"{name:<26}{widths[name]:>5}-D{scores['NMI']:>8.3f}{scores['AMI']:>8.3f}{scores['ARI']:>8.3f}"
        f"{p_at_1:>8}{apart:>12}"
    )

# %% [markdown]
# ## What this run shows

# %%
ntxent_label, supcon_label = f"NT-Xent {latent_dim}-D", f"SupCon {latent_dim}-D"
nmi = {name: scores["NMI"] for name, scores in scores_of.items()}


ami = {name: scores["AMI"] for name, scores in scores_of.items()}


def versus(a, b):
    """One computed clause: did `a` beat `b` on NMI, by how much, and does AMI (chance-corrected) agree."""
    scores = f"NMI {nmi[a]:.3f} vs {nmi[b]:.3f}, {nmi[a] - nmi[b]:+.3f}; AMI {ami[a]:.3f} vs {ami[b]:.3f}"
    if max(round(ami[a], 2), round(ami[b], 2)) <= 0:  # both clusterings at chance: no winner to name
        return f"neither {a} nor {b} clustered better than chance ({scores}; AMI 0 = chance)"
    verb = "beat" if nmi[a] > nmi[b] else "did not beat"
    clause = f"{a} {verb} {b} ({scores}"
    if (nmi[a] > nmi[b]) != (ami[a] > ami[b]):  # NMI rewards many small clusters even by chance; AMI does not
        return clause + ": AMI, corrected for chance (0 = chance), ranks them the other way)"
    return clause + ")"


print(f"NMI: k-means with k = {n_clusters} clusters, one per class, on the {len(data.x_test)} test series.")
print(f"Without labels: {versus(ntxent_label, 'k-means on raw series')}.")
print(f"With labels: {versus(supcon_label, ntxent_label)}; {versus(supcon_label, 'k-means on raw series')}.")
print(
    f"Not like for like (a {widths[triplet_label]}-D embedding against a {latent_dim}-D latent): "
    f"{versus(triplet_label, supcon_label)}."
)
raw_label = "k-means on raw series"
pairs_better = separation[ntxent_label] > separation[raw_label]
above_chance = (
    max(round(separation[ntxent_label], 3), round(separation[raw_label], 3)) > 0.5  # 0.5: random pairs
    and max(round(ami[ntxent_label], 2), round(ami[raw_label], 2)) > 0  # 0: clusters at chance, as versus says
)
if np.isfinite(separation[raw_label]) and above_chance and pairs_better != (nmi[ntxent_label] > nmi[raw_label]):
    print(
        f"Pairs and clusters disagree for {ntxent_label}: its same-class pairs are "
        f"{'better' if pairs_better else 'worse'} separated than the raw series' (AUC "
        f"{separation[ntxent_label]:.3f} vs {separation[raw_label]:.3f}), yet its k-means clusters match the "
        f"classes {'worse' if pairs_better else 'better'} — NMI depends on k-means finding the groups, not "
        "only on pairs."
    )
print(
    f"SupCon's loss ended at {supcon_losses[-1]:.3f}, {supcon_losses[-1] - supcon_floor:.3f} above its floor "
    f"log(2K − 1) = {supcon_floor:.3f} (K = {samples_per_class}); it {supcon_stop}. "
    f"NT-Xent's loss ended at {ntxent_losses[-1]:.3f} (floor 0)."
)

# %% [markdown]
# One run is one seed. Where `results_dir` holds this lesson's records of several seeds
# (`tslearnkit run --seeds 0 1 2`), the next cell prints their spread: a difference smaller than
# the spread says little.

# %%
spread = lesson.seed_spread(data.name, "NMI")
if spread:
    print("NMI over the seeds recorded in results_dir (mean, standard deviation, seeds):")
    for method, (mean, std, n_seeds) in spread.items():
        print(f"  {method:<26} mean {mean:.3f}, std {std:.3f}  ({n_seeds} seeds)")
else:
    print("One seed only: no spread to weigh these differences against (`tslearnkit run --seeds 0 1 2`).")
lesson.finish()

# %% [markdown]
# ## Summary
# - NT-Xent learns from augmentations alone: it has to discover what "same class" means, and in a
#   2-D plane several classes must share little room. The cell above says whether its clusters
#   beat k-means on the raw series in this run.
# - SupCon adds the labels; its loss has a floor of log(2K − 1) for P×K batches of two views, so
#   a SupCon loss that stops well above zero can still be done learning — and training can stop
#   there.
# - All contrastive latents here are 2-D and unnormalised, so they can be clustered and drawn
#   directly; the triplet reference is 128-D, a wider space, and its table row says so.
#
# ## More to explore
# 1. Give NT-Xent a 16-D latent (`latent_dim=16`) and cluster that. Does NMI rise?
# 2. Set `normalize=True`: the latent becomes a circle. How does k-means cope?
# 3. Change the temperatures by a factor of 5 either way and watch the clusters.
