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
# - how the margin and the distance metric change what is learned;
# - how to read a comparison of two methods from one run: who won, by how many test queries, and
#   whether that is more than another seed would change.
#
# The losses are `tk.losses.TripletSemiHardLoss` and `TripletHardLoss`, drop-in replacements for
# the retired `tensorflow-addons` losses (same arguments, same values, same gradients — checked
# against goldens produced by tensorflow-addons 0.23 itself).
#
# **Runtime:** about 55 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
classes_per_batch: int | None = None  # P, distinct classes per batch; None: from the data (tk.recipe)
samples_per_class: int | None = None  # K, series of each class per batch; None: from the data
margin: float = 0.5  # hinge margin; embeddings are unit-length, so L2 distances lie in [0, 2]
distance_metric: str = "L2"  # L2 (TFA's default), squared-L2 or angular
learning_rate: float = 1e-3  # Adam, cosine-decayed to 5 % over training
# %%
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start(
    "04_triplet_semihard", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)
print(data.summary())
recipe = tk.recipe.make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train, quick=quick)
classes_per_batch = recipe.classes_per_batch if classes_per_batch is None else classes_per_batch
samples_per_class = recipe.samples_per_class if samples_per_class is None else samples_per_class
print(recipe.describe())

# %% [markdown]
# ## Which negative?
#
# Take one P×K batch from an untrained model and sort each valid triplet (anchor, positive,
# negative) by where its negative falls: *easy* (farther than the positive by more than the margin:
# zero loss), *semi-hard* (farther than the positive but within the margin) and *hard* (closer than
# the positive). Semi-hard mining learns from the middle group; it avoids the hardest negatives,
# which in noisy data are often mislabelled or ambiguous and can collapse the embedding early in
# training.

# %%
untrained = tk.models.embedding_model(tk.models.build_encoder(encoder, data.x_train.shape[1:]))
batch = tk.sampling.balanced_batch_indices(data.y_train, classes_per_batch, samples_per_class, seed=seed)[0]
untrained_embeddings = tk.training.embed(untrained, data.x_train[batch])
dist = np.asarray(tk.losses.pairwise_distances(untrained_embeddings, distance_metric))
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
print(f"triplets of the first batch by their negative, untrained model, margin {margin}:")
for name, count in counts.items():
    print(f"  {name:<10} {count:>7,}  ({count / sum(counts.values()):.1%})")

# %% [markdown]
# ### Exercise 4.1 — The hardest positive of each anchor
# *Practises: the masked reductions inside every mining loss.*
#
# Hard mining trains each anchor on its *farthest* positive: a maximum over only some entries of a
# row of the distance matrix. Write `hardest_positive_distance(embeddings, labels)`: for each row
# of `embeddings` (shape `(b, d)`), the largest L2 distance to another series of its class (every
# class has at least two series). Take the distance matrix from the kit's `tk.losses`; then a
# boolean mask of the positives, and a maximum that ignores the masked-out entries. Hint: move
# those entries below every kept value first.


# %% tags=["solution"]
def hardest_positive_distance(embeddings, labels):
    ### BEGIN SOLUTION
    distances = np.asarray(tk.losses.pairwise_distances(embeddings, "L2"))
    labels = np.asarray(labels)
    positives = (labels[:, None] == labels[None, :]) & ~np.eye(len(labels), dtype=bool)
    lowest = distances.min(axis=1, keepdims=True)
    return np.where(positives, distances - lowest, 0.0).max(axis=1) + lowest[:, 0]
    ### END SOLUTION


# %% tags=["check"]
course.exercises.lesson04.check_hardest_positive(hardest_positive_distance)

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
course.exercises.lesson04.check_semihard_negative(semihard_negative)

# %% [markdown]
# ### The loss that trains is the same rule
#
# The Keras loss this lesson trains with, `tk.losses.TripletSemiHardLoss`, is composed from a few
# named parts in `tk.losses.mining`, in the style of TensorFlow Similarity: the distance matrix,
# the label masks, one semi-hard negative per (anchor, positive) pair — your rule of Exercise 4.2,
# for every pair of the batch at once — a hinge with the margin, and a mean over the positive
# pairs. Composed by hand on the untrained batch, they give exactly the loss the library computes.

# %%
distances = tk.losses.pairwise_distances(untrained_embeddings, "L2")  # (b, b)
positives, negatives = tk.losses.mining.label_masks(labels)  # (b, b) masks: same class / other class
negative = tk.losses.mining.semihard_negatives(distances, negatives)  # (b, b): d(a, n) for each pair (a, p)
composed = tk.losses.mining.masked_mean(tk.losses.mining.hinge(distances - negative, margin), positives)
library = tk.losses.triplet_semihard_loss(labels, untrained_embeddings, margin=margin)
print(f"composed from the parts: {float(composed):.6f}   tk.losses.triplet_semihard_loss: {float(library):.6f}")

# %% [markdown]
# ### Exercise 4.3 — Predict what the margin does
# *Practises: which triplets a margin makes active, predicted from the hinge before it is measured.*
#
# A triplet is *active* (it has a gradient) while its loss is above zero. Before the next cell
# measures it, predict the share of the batch's valid triplets that are active on the untrained
# model at three margins: 0, the lesson's `margin`, and `wide_margin`, a margin larger than any
# distance in the batch. Reason from the counts printed above; no new distances are needed. Store
# the three shares (fractions between 0 and 1) in a dict `predicted_active = {margin: share}`.

# %%
wide_margin = max(2 * margin, round(float(dist.max()) + 0.1, 1))
print(f"the three margins: 0.0, {margin} and wide_margin = {wide_margin}")

# %% tags=["solution"]
### BEGIN SOLUTION
n_triplets = sum(counts.values())
predicted_active = {
    0.0: counts["hard"] / n_triplets,
    margin: (counts["hard"] + counts["semi-hard"]) / n_triplets,
    wide_margin: 1.0,
}
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson04.check_active_shares(
    predicted_active, untrained_embeddings, labels, margins=(0.0, margin, wide_margin), distance_metric=distance_metric
)

# %% [markdown]
# The same measurement at more margins: the share of active triplets grows with the margin, from
# the hard triplets alone at 0 to every triplet once the margin exceeds every distance. Training
# moves the curve the other way: it pushes negatives out until they clear the margin.

# %%
for m in sorted({0.0, margin / 5, margin, 2 * margin, wide_margin}):
    share = tk.callbacks.active_triplet_fraction(
        untrained_embeddings, labels, margin=m, distance_metric=distance_metric
    )
    print(f"  margin {m:<5.2f} active {share:6.1%}")

# %% [markdown]
# ## Train with both mining strategies
#
# `tk.training.fit_embedding` builds the embedding model, compiles it with the loss named by
# `loss`, draws P×K batches with `tk.sampling.balanced_batches` and calls `model.fit` with the
# recipe's epochs and learning-rate schedule — what lesson 3 wrote out by hand. By default it also
# stops once the training loss has stayed below a thousandth of its first epoch for
# `tk.training.STOP_WHEN_IDLE_STEPS` optimizer steps: every triplet the miner picks already
# satisfies the margin, so the batches teach nothing more. `FitResult.idle_stop_epoch` says when
# (`None` if the budget ran out first).

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
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
    )
    scores = tk.training.evaluate_embedding(fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
    results[label] = (fit, scores)
    stop = f"stopped idle after epoch {fit.idle_stop_epoch}" if fit.idle_stop_epoch else "ran its whole budget"
    print(f"  P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}  ({stop})")
    lesson.record(
        label,
        data.name,
        scores,
        epochs=fit.epochs,
        wall_time_s=fit.wall_time_s,
        encoder=encoder,
        margin=margin,
        distance_metric=distance_metric,
        idle_stop_epoch=fit.idle_stop_epoch,
    )
steps_per_epoch = fit.steps // fit.epochs
budget_epochs = recipe.epochs_for(steps_per_epoch) if epochs is None else epochs

# %% [markdown]
# The training losses on a log scale (they fall by decades; an epoch at exactly zero — no triplet
# above the margin in any batch — is marked along the bottom edge), with the idle stops as dashed
# lines. The two losses average different triplets (semi-hard: one negative per anchor–positive
# pair; hard: one triplet per anchor), so compare where each one goes flat, not their heights.

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6.5, 3.5))
for (label, (fit, _)), color in zip(results.items(), ("tab:blue", "tab:orange")):
    loss = np.asarray(fit.history["loss"])
    epoch_numbers = np.arange(1, len(loss) + 1)
    ax.plot(epoch_numbers, np.where(loss > 0, loss, np.nan), color=color, label=label)
    if np.any(loss == 0):
        at_zero = epoch_numbers[loss == 0]
        ax.plot(at_zero, np.zeros(len(at_zero)), "x", color=color, transform=ax.get_xaxis_transform())
    if fit.idle_stop_epoch:
        ax.axvline(fit.idle_stop_epoch, color=color, linestyle="--", linewidth=1)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log scale)")
ax.set_title(f"Semi-hard vs hard mining (budget: {budget_epochs} epochs)")
ax.legend()
lesson.figure(fig, "history")

# %% [markdown]
# ## What each mining strategy learned
#
# For every pair of test series: the distance between two series of one class (green) and of two
# different classes (red), for the raw series and each embedding, each divided by its median
# distance. The *separation* above a panel is the probability that a same-class pair is closer
# than a different-class pair; where the two histograms overlap, a nearest neighbour can come
# from the wrong class.

# %%
test_embeddings = {label: tk.training.embed(fit.model, data.x_test) for label, (fit, _) in results.items()}
fig, separation = tk.plots.plot_distance_distributions(
    {"raw series": data.x_test.reshape(len(data.x_test), -1), **test_embeddings}, data.y_test, seed=seed
)
lesson.figure(fig, "distance_distributions")

# %% [markdown]
# One number for the shape of those histograms: the median same-class distance divided by the
# median different-class distance. It is 1 when the classes are not gathered at all and falls
# towards 0 as each class tightens relative to the gaps between classes.


# %%
def same_over_different(embeddings, labels, *, max_points=600):
    """Median same-class distance / median different-class distance over the pairs of at most
    ``max_points`` series (a seeded sample)."""
    keep = np.random.default_rng(seed).permutation(len(labels))[:max_points]
    embeddings, labels = np.asarray(embeddings, np.float64)[keep], np.asarray(labels)[keep]
    distances = np.linalg.norm(embeddings[:, None, :] - embeddings[None, :, :], axis=-1)
    same_class = labels[:, None] == labels[None, :]
    pairs = np.triu(np.ones_like(same_class), k=1)
    return float(np.median(distances[same_class & pairs]) / np.median(distances[~same_class & pairs]))


tightness = {label: same_over_different(emb, data.y_test) for label, emb in test_embeddings.items()}
tightness["raw series"] = same_over_different(data.x_test.reshape(len(data.x_test), -1), data.y_test)
for name, value in tightness.items():
    print(f"  {name:<18} same-class / different-class distance (medians): {value:.2f}")

# %% [markdown]
# Which classes does each one still confuse? One 1-NN confusion matrix per strategy: rows are the
# true classes of the test queries, columns the class of their nearest training series; the
# diagonal is the per-class P@1.

# %%
fig, axes = plt.subplots(1, 2, figsize=(2.0 + 0.76 * data.n_classes, 1.2 + 0.4 * data.n_classes))
confusion = {}
for ax, (label, (fit, _)) in zip(axes, results.items()):
    train_embeddings = tk.training.embed(fit.model, data.x_train)
    _, confusion[label] = tk.plots.plot_nn_confusion(
        test_embeddings[label], data.y_test, train_embeddings, data.y_train, data.class_names, ax=ax, title=label
    )
fig.tight_layout()
lesson.figure(fig, "nn_confusion")

# %% [markdown]
# ## How the margin and the distance metric change what is learned
#
# Now semi-hard mining at three margins — a fifth of the lesson's `margin`, the margin itself and
# twice it — and with the other distance metric at the lesson's margin. On unit-length embeddings
# the angular distance (1 − cosine) equals half the squared L2 distance: the two metrics rank
# neighbours identically, but the same margin number asks for a different gap
# (L2: d(a, n) − d(a, p) ≥ m; angular: d(a, n)² − d(a, p)² ≥ 2m in L2 units), so they train
# differently. To stay within the lesson's time budget these four fits use **a quarter of the
# step budget** (the idle stop can end them sooner); compare them with each other, not with the
# full-budget fits above. This grid is a report, not a choice: to *pick* a margin, score the
# candidates on a validation share carved from the training split, never on the test queries.

# %%
other_metric = "angular" if distance_metric != "angular" else "L2"
grid_epochs = max(1, budget_epochs // 4)
grid_settings = [
    (distance_metric, margin / 5),
    (distance_metric, margin),
    (distance_metric, 2 * margin),
    (other_metric, margin),
]
grid = {}
for metric, grid_margin in grid_settings:
    name = f"{metric}, margin {grid_margin:g}"
    fit = tk.training.fit_embedding(
        data.x_train,
        data.y_train,
        loss="semihard",
        loss_config={"margin": grid_margin, "distance_metric": metric},
        recipe=recipe,
        encoder=encoder,
        classes_per_batch=classes_per_batch,
        samples_per_class=samples_per_class,
        epochs=grid_epochs,
        learning_rate=learning_rate,
        seed=seed,
        verbose=0,
    )
    scores = tk.training.evaluate_embedding(fit.model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
    embeddings = tk.training.embed(fit.model, data.x_test)
    grid[name] = {
        "fit": fit,
        "scores": scores,
        "metric": metric,
        "margin": grid_margin,
        "test_embeddings": embeddings,
        "tightness": same_over_different(embeddings, data.y_test),
    }
    stop = (
        f"stopped idle after epoch {fit.idle_stop_epoch}"
        if fit.idle_stop_epoch
        else f"all {fit.epochs} epoch{'s' if fit.epochs != 1 else ''}"
    )
    print(
        f"{name:<22} P@1 {scores['precision_at_1']:.3f}  MAP@R {scores['mean_average_precision_at_r']:.3f}  "
        f"same/different {grid[name]['tightness']:.2f}  ({stop}, {fit.wall_time_s:.0f} s)"
    )

# %% [markdown]
# The distances each setting learned, side by side (same construction as above):

# %%
fig, grid_separation = tk.plots.plot_distance_distributions(
    {name: entry["test_embeddings"] for name, entry in grid.items()},
    data.y_test,
    seed=seed,
    title=f"Semi-hard mining, {grid_epochs}-epoch budget: same-class vs different-class distances",
)
lesson.figure(fig, "margin_metric_grid")

# %% [markdown]
# ## What this run shows

# %%
n_queries = len(data.y_test)


def p_at_1(scores):
    return scores["precision_at_1"]


def in_queries(difference):
    """A P@1 difference as a number of test queries (P@1 is the share of queries answered right)."""
    count = round(abs(difference) * n_queries)
    return f"{count} {'query' if count == 1 else 'queries'}"


short = {"triplet semi-hard": "semi-hard", "triplet hard": "hard"}
semi, hard = (results[label][1] for label in short)
gap = p_at_1(semi) - p_at_1(hard)
print(
    f"Semi-hard vs hard mining on {n_queries} test queries of {data.name} (seed {seed}, {budget_epochs}-epoch budget):"
)
if round(abs(gap) * n_queries) == 0:
    print(f"- They tied on P@1 ({p_at_1(semi):.3f}): neither beat the other.")
else:
    winner, loser = ("semi-hard", "hard") if gap > 0 else ("hard", "semi-hard")
    print(
        f"- {winner.capitalize()} mining won on P@1, {max(p_at_1(semi), p_at_1(hard)):.3f} vs "
        f"{min(p_at_1(semi), p_at_1(hard)):.3f}: a gap of {in_queries(gap)} of {n_queries}; {loser} did NOT beat it."
    )
map_gap = semi["mean_average_precision_at_r"] - hard["mean_average_precision_at_r"]
if map_gap == 0:
    print("- On MAP@R (the ranking of every same-class series, not only the first) they tied.")
else:
    leader = "semi-hard" if map_gap > 0 else "hard"
    agrees = round(abs(gap) * n_queries) == 0 or (map_gap > 0) == (gap > 0)
    print(
        f"- On MAP@R (the ranking of every same-class series, not only the first) {leader} led by {abs(map_gap):.3f}"
        + ("." if agrees else ": the full ranking does NOT agree with P@1.")
    )
per_class_gap = np.diag(confusion["triplet semi-hard"]) - np.diag(confusion["triplet hard"])
largest = [c for c in np.argsort(-np.abs(per_class_gap))[:3] if abs(per_class_gap[c]) > 0]
if largest:
    print(
        "- Per class (the diagonals of the 1-NN confusion matrices), the largest differences: "
        + "; ".join(
            f"class {data.class_names[c]} semi-hard {np.diag(confusion['triplet semi-hard'])[c]:.2f}, "
            f"hard {np.diag(confusion['triplet hard'])[c]:.2f}"
            for c in largest
        )
        + "."
    )
else:
    print("- Per class (the diagonals of the 1-NN confusion matrices) they did not differ at all.")
if not np.isfinite(separation["raw series"]):
    print("- No two test series share a class, so the separation of same-class pairs is undefined here.")
for label, name in short.items():
    better = round(separation[label], 2) > max(round(separation["raw series"], 2), 0.5)
    verb = "separated" if better else "did NOT separate"
    if np.isfinite(separation["raw series"]):
        print(
            f"- {name.capitalize()} {verb} same-class from different-class pairs better than the raw series: "
            f"separation {separation[label]:.2f} vs {separation['raw series']:.2f}"
            + (" (0.5: pairs drawn at random)" if round(separation[label], 2) <= 0.5 else "")
            + f"; same/different distance {tightness[label]:.2f} vs {tightness['raw series']:.2f}"
            + (
                ", though its same/different distance is higher: the two measures disagree."
                if better and round(tightness[label], 2) > round(tightness["raw series"], 2)
                else "."
            )
        )
    fit = results[label][0]
    if fit.idle_stop_epoch:
        print(f"  It stopped idle after epoch {fit.idle_stop_epoch}: (nearly) every mined triplet met the margin.")
    if fit.learned is False:  # the loss did not fall: the scores above are those of a barely trained model
        print(f"  {fit.learning_report()}")
spread = lesson.seed_spread(data.name, "precision_at_1")
if not all(label in spread for label in short):
    print(
        "- One seed only: a gap of a few queries can flip with another seed "
        "(`tslearnkit run --seeds 0 1 2` records three; this cell then prints the spread)."
    )
else:
    (m_semi, s_semi, n_semi), (m_hard, s_hard, n_hard) = (spread[label] for label in short)
    verdict = "larger" if abs(m_semi - m_hard) > max(s_semi, s_hard) else "NOT larger"
    print(
        f"- Over the recorded seeds: semi-hard {m_semi:.3f} (std {s_semi:.3f}, {n_semi} seeds), hard {m_hard:.3f} "
        f"(std {s_hard:.3f}, {n_hard} seeds); the gap of the means, {m_semi - m_hard:+.3f}, is {verdict} than a "
        "seed-to-seed standard deviation."
    )

grid_p1 = {name: p_at_1(entry["scores"]) for name, entry in grid.items()}
highest, lowest = max(grid_p1.values()), min(grid_p1.values())
best = " and ".join(name for name, v in grid_p1.items() if round((highest - v) * n_queries) == 0)
worst = " and ".join(name for name, v in grid_p1.items() if round((v - lowest) * n_queries) == 0)
print(f"Margin and metric (semi-hard, {grid_epochs}-epoch budget, compared among themselves):")
if round((highest - lowest) * n_queries) == 0:
    print(f"- Every setting reached the same P@1 ({highest:.3f}): neither margin nor metric changed it.")
else:
    print(
        f"- Highest P@1: {best} ({highest:.3f}); lowest: {worst} ({lowest:.3f}), {in_queries(highest - lowest)} apart."
    )
by_margin = sorted((name for name in grid if grid[name]["metric"] == distance_metric), key=lambda n: grid[n]["margin"])
margins_text = ", ".join(f"{grid[name]['margin']:g}" for name in by_margin)


def trend(values, *, resolution):
    """'rose', 'fell', 'did NOT change' or 'did NOT move one way' over ``values`` in order."""
    steps_taken = np.round(np.diff(values) / resolution)
    if np.all(steps_taken == 0):
        return "did NOT change"
    if np.all(steps_taken >= 0):
        return "rose (it never fell)"
    if np.all(steps_taken <= 0):
        return "fell (it never rose)"
    return "did NOT move one way"


p1_path = [grid_p1[name] for name in by_margin]
p1_trend = trend(p1_path, resolution=1 / n_queries)
if p1_trend.startswith(("rose", "fell")):  # the size of the move: one query is no trend
    p1_trend += f", by {in_queries(p1_path[-1] - p1_path[0])} from the first margin to the last"
print(
    f"- With {distance_metric} and margins {margins_text}, P@1 {p1_trend}: "
    + " → ".join(f"{v:.3f}" for v in p1_path)
    + "."
)
tight_path = [grid[name]["tightness"] for name in by_margin]
print(
    f"- What was learned: same/different distance {trend(tight_path, resolution=0.01)} with the margin: "
    + " → ".join(f"{v:.2f}" for v in tight_path)
    + (" (a larger margin gathered each class tighter)." if tight_path[-1] < tight_path[0] - 0.01 else ".")
)
for name in by_margin:
    fit = grid[name]["fit"]
    if fit.idle_stop_epoch:
        print(
            f"- {name} stopped idle after epoch {fit.idle_stop_epoch} of {grid_epochs}: (nearly) every mined "
            "triplet met the margin, nothing was left to learn."
        )
at_margin = {entry["metric"]: name for name, entry in grid.items() if entry["margin"] == margin}
metric_gap = grid_p1[at_margin[distance_metric]] - grid_p1[at_margin[other_metric]]
if round(abs(metric_gap) * n_queries) == 0:
    print(f"- At margin {margin:g}, {distance_metric} and {other_metric} tied on P@1.")
else:
    leader, other = (distance_metric, other_metric) if metric_gap > 0 else (other_metric, distance_metric)
    print(f"- At margin {margin:g}, {leader} beat {other} by {in_queries(metric_gap)}; {other} did NOT beat it.")
print(
    f"  Same/different distance: {distance_metric} {grid[at_margin[distance_metric]]['tightness']:.2f}, "
    f"{other_metric} {grid[at_margin[other_metric]]['tightness']:.2f}."
)
lesson.finish()

# %% [markdown]
# ## Summary
# - Semi-hard mining trains on negatives that are farther than the positive but inside the margin.
# - Hard mining trains each anchor on its hardest positive and negative: strong signal, more noise.
# - The margin decides which triplets are active: at 0 only the hard ones, beyond every distance
#   all of them. A small margin is met early and training stops with nothing left to learn.
# - The margin sets the scale of a metric: with unit-length embeddings L2 distances lie in [0, 2]
#   and angular distances are half the squared L2 distances, so one margin number means different
#   gaps in the two.
# - A gap of a few test queries between two methods on one seed is not a ranking: compare it with
#   the seed-to-seed spread.
#
# ## More to explore
# 1. Use `TripletHardLoss(soft=True)` through `loss_config={"soft": True}`: hard mining with a smooth
#    `log(1 + exp(d_ap − d_an))` and no margin. Does the idle stop ever fire, and why?
# 2. Run the grid on the full budget (`grid_epochs = budget_epochs`). Do the settings keep their order?
# 3. Run `tslearnkit run --seeds 0 1 2` and reread the conclusion with the spread over seeds.
