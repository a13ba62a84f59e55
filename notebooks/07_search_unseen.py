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
# # Lesson 7 — Search by example, and classes never seen in training
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslearnkit/tslearnkit/blob/main/notebooks/07_search_unseen.ipynb)
#
# **What you will learn**
# - why embeddings are learned at all: to **search** a collection by example and to recognise
#   **new classes** (a new speaker, a new machine, a new fault) without retraining;
# - the *open-set* protocol: train on some classes, choose the model on other *validation*
#   classes, and evaluate retrieval among classes the model has never seen;
# - how to save an embedding model, reload it in another session, and search a gallery with
#   `tk.search.SearchIndex` — and add a new class to it;
# - whether metric losses (triplets, SupCon, a cosine softmax) beat a classifier's embedding, and
#   the raw series, when the classes are new — in this run, and as the number of training classes
#   grows (the kit's open-set benchmark).
#
# **Runtime:** about 60 s for the full run on a quiet 2-core CPU (measured by `bench/lessons.py`); quick mode: seconds.

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
seed: int = 0  # seeds the class split, weights, batches and k-means
epochs: int | None = None  # None: set by the recipe's step budget (tk.recipe); a number overrides it
quick: bool = False  # True: a tiny run for CI
results_dir: str = "runs/results"  # result records (JSON); `tslearnkit run` passes its own folder
figures_dir: str = "runs/figures"  # figures (PNG); the committed results/ and figures/ are never touched by default
encoder: str = "fcn"  # conv (the study's CNN), fcn, resnet or inception
unseen_fraction: float = 0.5  # share of the classes held out of training
validation_classes: int = 2  # seen classes held out of training to choose the search model
margin: float = 0.5  # triplet margin; embeddings are unit-length, distances in [0, 2]
top_k: int = 5  # neighbours shown per query in the search figure
benchmark_records: str = "../results/open_set"  # the open-set benchmark's records (relative to notebooks/)

# %%
import matplotlib.pyplot as plt
import numpy as np

import tslearnkit as tk
from tslearnkit import course

lesson = course.lesson.start(
    "07_search_unseen", seed=seed, quick=quick, results_dir=results_dir, figures_dir=figures_dir
)
data = tk.data.load_dataset(dataset, standardize=False)
if data.n_classes < tk.data.MIN_OPEN_SET_CLASSES:
    print(
        f"{data.name} has {data.n_classes} classes, and an open-set split needs at least "
        f"{tk.data.MIN_OPEN_SET_CLASSES}: two to train on and two the model never sees. "
        f"This lesson uses {tk.data.DEFAULT_DATASET} instead."
    )
    data = tk.data.load_dataset(tk.data.DEFAULT_DATASET, standardize=False)
if quick:  # a small, short copy of the data: quick mode stays quick on any dataset
    data = tk.data.shrink(data, seed=seed)


def names(classes):
    """The names of class indices: what a person reads (index 0 need not be called "0")."""
    return [data.class_names[c] for c in classes]


# %% [markdown]
# ## Split the classes, not the series
#
# `tk.data.open_set_split` draws `unseen_fraction` of the classes at random and holds them out:
# the models train on the **seen** classes' training series only. Each unseen class's series
# (from both splits: the models never see any of them) are split into **queries** and a
# **gallery** to search. Channels are standardised with statistics of the seen training series
# only, so nothing about the unseen classes leaks into the models.

# %%
split = tk.data.open_set_split(data, unseen_fraction=unseen_fraction, seed=seed).standardized()
print(f"{data.name}: {data.n_classes} classes, {data.timesteps} time steps, {data.channels} channel(s)")
print(f"  seen classes   {names(split.seen_classes)}")
print(
    f"  unseen classes {names(split.unseen_classes)}: {len(split.y_query)} queries, {len(split.y_gallery)} gallery series"
)

# %% [markdown]
# ## Choose the model without looking at the unseen classes
#
# Several models will be trained, and one of them will serve the search. Choosing it by its score
# on the unseen queries would make that score optimistic: the unseen classes would have picked
# the model, and they would no longer be unseen. The image benchmarks (Musgrave et al., *A Metric
# Learning Reality Check*) choose on **validation classes** instead: a few seen classes held out
# of training, split into queries and a gallery exactly like the unseen ones. They are the
# closest proxy for "classes the model never saw" that we are allowed to look at.
#
# `split_seen_classes` reads only the seen part of the split. When there are too few seen classes
# to spare two (it keeps at least two to train on), it falls back on the seen classes' own test
# series searching their training series — a weaker proxy, and the cell says so.
# `choose_search_model` scores every candidate on that validation data and returns the best by
# MAP@R. Neither function reads anything of the unseen classes: a test of the kit
# (`tests/test_lesson07_selection.py`) runs them on a split whose unseen labels are shuffled,
# whose unseen series are replaced by noise, and whose unseen parts cannot be read at all, and
# checks that the choice does not move.


# %%
def split_seen_classes(split, n_validation, seed):
    """Carve validation data out of the *seen* classes of an open-set split (unseen ones are never read).

    Returns:
        ``(x_fit, y_fit, validation)``: the series the models train on, and
        ``validation = {"query": (x, y), "gallery": (x, y), "name": str, "kind": str}`` to choose a
        model with.
    """
    if len(split.seen_classes) >= n_validation + 2 and n_validation >= 2:
        held_out = np.random.default_rng(seed).choice(split.seen_classes, size=n_validation, replace=False)
        seen_part = tk.data.TimeSeriesDataset(
            split.name, split.x_train, split.y_train, split.x_seen_test, split.y_seen_test, split.class_names
        )
        inner = tk.data.open_set_split(seen_part, unseen_classes=held_out.tolist(), seed=seed)
        validation = {
            "query": (inner.x_query, inner.y_query),
            "gallery": (inner.x_gallery, inner.y_gallery),
            "name": "validation classes",
            "kind": "seen classes held out of training",
        }
        return inner.x_train, inner.y_train, validation
    validation = {
        "query": (split.x_seen_test, split.y_seen_test),
        "gallery": (split.x_train, split.y_train),
        "name": "seen classes' test series",
        "kind": "too few seen classes to hold whole classes out",
    }
    return split.x_train, split.y_train, validation


def choose_search_model(models, validation, metric="mean_average_precision_at_r", seed=0):
    """The name of the model with the best ``metric`` on ``validation``, and every model's score."""
    (x_query, y_query), (x_gallery, y_gallery) = validation["query"], validation["gallery"]
    scores = {
        name: tk.training.evaluate_embedding(model, x_gallery, y_gallery, x_query, y_query, seed=seed)[metric]
        for name, model in models.items()
    }
    return max(scores, key=scores.get), scores


# %%
x_fit, y_fit, validation = split_seen_classes(split, validation_classes, seed)
training_classes = np.unique(y_fit)
print(f"training classes   {names(training_classes)}: {len(y_fit)} series")
print(f"validation data    {validation['name']} ({validation['kind']}): {names(np.unique(validation['query'][1]))}")
print(f"unseen classes     {names(split.unseen_classes)}: never used to train or to choose a model")
recipe = tk.recipe.make_recipe(y_fit, data.timesteps, data.channels, x_train=x_fit, quick=quick, open_set=True)
print(recipe.describe())

# %% [markdown]
# ### Exercise 7.1 — Three kinds of classes, no overlap
# *Practises: checking an open-set protocol before trusting its numbers; class names, not indices.*
#
# Write `shared_class_names(labels_a, labels_b, class_names)`: the **names** of the classes that
# occur in both label arrays (an empty list when none do). Labels are class indices; a person
# reads names, and index 0 is not always the class called "0". The cell after the check uses
# your function to confirm the protocol: the unseen classes share nothing with the training or
# the validation data.


# %% tags=["solution"]
def shared_class_names(labels_a, labels_b, class_names):
    ### BEGIN SOLUTION
    common = np.intersect1d(np.asarray(labels_a), np.asarray(labels_b))
    return [class_names[c] for c in common]
    ### END SOLUTION


# %% tags=["check"]
course.exercises.lesson07.check_shared_class_names(shared_class_names, y_fit, validation, split)

# %%
parts = {"training": y_fit, "validation": validation["query"][1], "unseen": split.y_query}
for first, second in (("training", "unseen"), ("validation", "unseen"), ("training", "validation")):
    shared = shared_class_names(parts[first], parts[second], data.class_names)
    print(f"{first} and {second} classes in common: {shared or 'none'}")

# %% [markdown]
# ## No learning: raw series
#
# The bar to clear: each unseen query searches the unseen gallery by the distance between raw
# series — Euclidean, and DTW (within a cost budget, as in lesson 2).

# %%
scores = {}
dtw_plan = tk.baselines.plan_dtw(len(split.x_query), len(split.x_gallery), data.timesteps, quick=quick)
for distance, name in (("euclidean", "1-NN Euclidean (raw)"), ("dtw", "1-NN DTW (raw)")):
    scores[name] = tk.baselines.nearest_neighbour_scores(
        split.x_gallery, split.y_gallery, split.x_query, split.y_query, distance=distance, plan=dtw_plan, seed=seed
    )
    print(
        f"{name:<22} unseen classes: P@1 {scores[name]['precision_at_1']:.3f}  "
        f"MAP@R {scores[name]['mean_average_precision_at_r']:.3f}"
    )
print(dtw_plan.describe())

# %% [markdown]
# ## Train on the training classes
#
# Six models, each trained on the training classes only, each with a 128-dimensional embedding
# and the same step budget, so the comparison is of losses — with one difference, printed with
# the fits below: each loss takes the recipe's batch for it, a plain mini-batch for the two
# classifiers and a P×K batch for the others, and the two need not hold as many series:
# - a classifier (cross-entropy, lesson 2; it needs its classes numbered `0 .. n − 1`, and its
#   embedding is the encoder's output);
# - a **cosine-softmax** classifier (`head="cosine"`): the encoder's output is put on the unit
#   sphere and scored against one learned, normalised weight vector per class. Those vectors act
#   as *proxies* of the classes, and the embedding is trained on the same geometry (angles) that
#   retrieval uses;
# - the three triplet losses of lessons 3–4 on P×K batches;
# - SupCon (lesson 6) on the same P×K batches — at 128-D here, not 2-D, so it competes on equal terms.
#
# The recipe was made with `open_set=True`: no share of the training classes' series is held out
# to keep "the best weights", because weights best for the training classes are not what a
# search among new classes needs. On long series it also caps each fit at half the time steps a
# closed-set fit may process (never below 150 optimizer steps): six fits at the whole cap would
# make this lesson slow, and on validation classes, for all six methods, the half cap scored
# within the spread of the whole cap (`bench/open_set_budget.py`). `verbose=2` prints a few
# summary lines per fit.

# %%
fit_labels = np.searchsorted(training_classes, y_fit)  # 0 .. n - 1 for the classifiers
fits = {}
for head, name in (("linear", "cross-entropy"), ("cosine", "cosine softmax")):
    fits[name] = tk.training.fit_classifier(
        x_fit, fit_labels, recipe=recipe, encoder=encoder, head=head, epochs=epochs, seed=seed, verbose=2
    )
for loss, name in (("batch_all", "triplet batch-all"), ("semihard", "triplet semi-hard"), ("hard", "triplet hard")):
    fits[name] = tk.training.fit_embedding(
        x_fit,
        y_fit,
        loss=loss,
        loss_config={"margin": margin},
        recipe=recipe,
        encoder=encoder,
        epochs=epochs,
        seed=seed,
        verbose=2,
    )
fits["SupCon"] = tk.training.fit_embedding(
    x_fit, y_fit, loss="supcon", recipe=recipe, encoder=encoder, epochs=epochs, seed=seed, verbose=2
)

# %% [markdown]
# How long each fit ran. A triplet loss of zero means that every triplet of the batch already
# satisfies the margin: the batch teaches nothing (the classifiers and SupCon have no such zero:
# they use the whole budget). `fit_embedding` stops once the loss has
# stayed below a thousandth of its first epoch's value for 50 optimizer steps
# (`stop_when_idle`). For the unseen classes this is the heart of the matter: such a model has
# separated its *training* classes and gets no more signal from them — there is nothing left in
# those batches that could teach it more about classes it has never seen.

# %%
print(f"step budget: {recipe.steps} optimizer steps, rounded up to whole epochs")
plain_batch = min(recipe.batch_size, len(y_fit))
pk = f"{recipe.pk_batch} (P×K = {recipe.classes_per_batch} × {recipe.samples_per_class})"
print(f"series per batch: {plain_batch} for the classifiers, {pk} for the triplet losses and SupCon")
if plain_batch != recipe.pk_batch:
    print(f"  so {'the classifiers' if plain_batch < recipe.pk_batch else 'the others'} see fewer series per step")
print(f"{'method':<20} {'steps run':>9}  {'first loss':>10}  {'last loss':>9}  why it stopped")
for name, fit in fits.items():
    loss = fit.history["loss"]
    if fit.idle_stop_epoch is not None:
        why = f"loss about zero for 50 steps (epoch {fit.idle_stop_epoch})"
    else:
        why = "step budget spent"
    print(f"{name:<20} {fit.steps:>9}  {loss[0]:>10.3g}  {loss[-1]:>9.3g}  {why}")

# %% [markdown]
# ## Retrieval on three kinds of classes
#
# Each model is scored three times with the same `retrieval_metrics` as before (P@1, MAP@R, ...):
# - **seen**: the training classes' test series search their training series — the closed-set
#   score of lessons 2–6;
# - **validation**: retrieval among the validation data, used to choose the search model;
# - **unseen**: queries search the gallery, both of classes no model ever saw.
#
# The search model is chosen first, before any learned model is scored on the unseen classes.
# Scores that agree to the three printed decimals count as a tie (`versus`), here and in the
# conclusion.


# %%
def versus(a, b):
    """+1, 0 or -1: a above, level with or below b at the printed precision (three decimals)."""
    return 0 if abs(a - b) < 5e-4 else (1 if a > b else -1)


models = {name: fit.embedding_model for name, fit in fits.items()}
best, validation_scores = choose_search_model(models, validation, seed=seed)
print(f"chosen on the {validation['name']} by MAP@R: {best}")
tied = [n for n, v in validation_scores.items() if n != best and versus(v, validation_scores[best]) == 0]
if tied:
    print(f"  tied with {', '.join(tied)} ({validation_scores[best]:.3f}): the first in the list wins a tie")

is_training_class = np.isin(split.y_seen_test, training_classes)
x_closed, y_closed = split.x_seen_test[is_training_class], split.y_seen_test[is_training_class]
unseen, seen = dict(scores), {}  # the raw-series baselines have no training, hence no seen score
for name, model in models.items():
    unseen[name] = tk.training.evaluate_embedding(
        model, split.x_gallery, split.y_gallery, split.x_query, split.y_query, seed=seed
    )
    seen[name] = tk.training.evaluate_embedding(model, x_fit, y_fit, x_closed, y_closed, seed=seed)
for part, results in (("unseen classes", unseen), ("seen classes", seen)):
    for name, result in results.items():
        fit = fits.get(name)
        lesson.record(
            name,
            f"{data.name} ({part})",
            result,
            epochs=fit.epochs if fit else 0,
            wall_time_s=fit.wall_time_s if fit else 0.0,
            unseen_classes=split.unseen_classes.tolist(),
            training_classes=training_classes.tolist(),
            embedding_dim=int(fit.embedding_model.output_shape[-1]) if fit else None,
            chosen_for_search=name == best,
            protocol="open-set" if part == "unseen classes" else "closed-set",
        )
print(f"{'method':<22} {'seen P@1':>9} {'valid. MAP@R':>13} {'unseen P@1':>11} {'unseen MAP@R':>13}")
for name, result in unseen.items():
    closed = f"{seen[name]['precision_at_1']:9.3f}" if name in seen else f"{'–':>9}"
    valid = f"{validation_scores[name]:13.3f}" if name in validation_scores else f"{'–':>13}"
    print(f"{name:<22} {closed} {valid} {result['precision_at_1']:11.3f} {result['mean_average_precision_at_r']:13.3f}")

# %% [markdown]
# The same numbers as bars. Read the grey and blue bars of each model together: how much of the
# closed-set score survives on classes the model never saw? And the raw series, which have no
# training at all: where do they stand?

# %%
labels = list(unseen)
fig, ax = plt.subplots(figsize=(8, 0.55 * len(labels) + 1.9))
rows = np.arange(len(labels))
ax.barh(
    rows - 0.2,
    [seen[n]["precision_at_1"] if n in seen else 0 for n in labels],
    0.4,
    color="tab:gray",
    label="seen classes (closed set)",
)
ax.barh(
    rows + 0.2, [unseen[n]["precision_at_1"] for n in labels], 0.4, color="tab:blue", label="unseen classes (open set)"
)
ax.set_yticks(rows, [f"{n}  (search model)" if n == best else n for n in labels])
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel("Precision@1 (the axis starts at 0); raw series have no training, so no closed-set bar")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=8, frameon=False)
ax.set_title(f"Retrieval on classes seen in training vs. never seen ({data.name}, seed {seed})")
fig.tight_layout()
lesson.figure(fig, "seen_vs_unseen")

# %% [markdown]
# ### Distances among the unseen classes
#
# P@1 only looks at the nearest neighbour. The whole picture is the distribution of distances:
# between two series of the same unseen class (green) and of two different unseen classes (red).
# Where the two histograms overlap, a query's neighbours mix its class with others. The raw
# series are flattened and compared with the Euclidean distance; each panel's distances are
# divided by its median, and the *separation* (AUC) is the chance that a random same-class pair
# is closer than a random different-class pair (0.5: no separation at all).

# %%
unseen_x = np.concatenate([split.x_query, split.x_gallery])
unseen_y = np.concatenate([split.y_query, split.y_gallery])
raw_label = "raw series (Euclidean)"
unseen_embeddings = {raw_label: unseen_x.reshape(len(unseen_x), -1)}
for name, model in models.items():
    unseen_embeddings[name] = tk.training.embed(model, unseen_x)
fig, separation = tk.plots.plot_distance_distributions(
    unseen_embeddings, unseen_y, seed=seed, title=f"Distances among the unseen classes ({data.name})"
)
lesson.figure(fig, "unseen_distances")
print("separation (AUC) among the unseen classes: " + ", ".join(f"{n} {v:.2f}" for n, v in separation.items()))

# %% [markdown]
# Which unseen classes get confused with which? A nearest-neighbour confusion matrix answers it:
# each unseen query's row counts the class of its nearest gallery series, for the raw series and
# for the search model.

# %%
unseen_positions = {c: i for i, c in enumerate(split.unseen_classes)}  # matrix rows: the unseen classes only
query_rows = np.array([unseen_positions[c] for c in split.y_query])
gallery_rows = np.array([unseen_positions[c] for c in split.y_gallery])
unseen_names = names(split.unseen_classes)
fig, axes = plt.subplots(
    1, 2, figsize=(max(6.0, 2.4 + 0.8 * len(unseen_names)), max(3.4, 1.6 + 0.4 * len(unseen_names)))
)
search_query = tk.training.embed(models[best], split.x_query)
search_gallery = tk.training.embed(models[best], split.x_gallery)
_, raw_confusion = tk.plots.plot_nn_confusion(
    split.x_query, query_rows, split.x_gallery, gallery_rows, unseen_names, ax=axes[0], title="raw series (Euclidean)"
)
_, search_confusion = tk.plots.plot_nn_confusion(
    search_query, query_rows, search_gallery, gallery_rows, unseen_names, ax=axes[1], title=f"{best} embedding"
)
for ax in axes:
    ax.grid(False)
fig.suptitle(f"1-NN confusion among the unseen classes ({data.name}; rows sum to 1)", fontsize=10)
fig.tight_layout()
lesson.figure(fig, "unseen_confusion")
worst = int(np.argmin(np.diag(search_confusion)))
if search_confusion[worst, worst] == 1.0:
    print(f"{best}: every unseen query's nearest gallery series has the query's class")
else:
    mistaken = int(np.argmax(np.where(np.eye(len(unseen_names), dtype=bool)[worst], -1, search_confusion[worst])))
    print(
        f"{best}: the class found least often is {unseen_names[worst]} (P@1 {search_confusion[worst, worst]:.2f}, "
        f"raw series {raw_confusion[worst, worst]:.2f}); it is most often mistaken for {unseen_names[mistaken]}"
    )

# %% [markdown]
# ## More training classes: what the benchmark measured
#
# This run is one class draw with a handful of training classes. Does metric learning overtake
# the classifier when there are more classes to learn from? One run cannot say, and the lesson
# has no time to train dozens of models. The kit's **open-set benchmark** did (`tslearnkit
# benchmark --protocol open-set`, README "Classes never seen in training"): for each dataset it
# fixes two unseen classes per class draw, trains every method on 2, then more, training classes
# (same width, same budget, nothing chosen on the unseen classes) and searches the unseen ones.
# The cell reads its committed records and draws MAP@R against the number of training classes;
# the dashed line is raw-series DTW, which needs no training at all.

# %%
from pathlib import Path

records_path = Path(benchmark_records)
benchmark = course.open_set_benchmark.load_open_set_records(records_path) if records_path.is_dir() else []
if benchmark:
    fig = course.open_set_figure.plot_open_set_curves(benchmark)
    lesson.figure(fig, "open_set_curves")
    benchmark_findings = course.open_set_benchmark.open_set_findings(benchmark)
    for line in benchmark_findings:
        print(line)
else:
    benchmark_findings = []
    print(f"No open-set benchmark records at {records_path.resolve()} (they come with the repository's results/).")

# %% [markdown]
# ## Save the model, load it elsewhere, search
#
# A search service embeds its gallery once and then answers queries. `model.save` writes the
# embedding model; `tk.search.SearchIndex` embeds the gallery and finds the nearest items of a
# query (exact search: the same distance and tie rule as the metrics above); `index.save` stores
# the model and the gallery's embeddings and labels together, so another process — here, a
# `load` — gets the same neighbours. The model is the one the validation data chose.

# %%
import tempfile

index = tk.search.SearchIndex(models[best], split.x_gallery, split.y_gallery)
with tempfile.TemporaryDirectory() as folder:  # removed with everything in it once loaded again
    saved = index.save(Path(folder) / "unseen_gallery")
    reloaded = tk.search.SearchIndex.load(saved)
shown_k = min(top_k, reloaded.size)  # a gallery smaller than top_k is shown whole
found = reloaded.query(split.x_query, k=shown_k)
same = index.query(split.x_query, k=shown_k)
print(f"searching with the {best} model: {reloaded.size} gallery series, {reloaded.dim}-d embeddings")
print(f"the reloaded index returns the same neighbours: {np.array_equal(found.indices, same.indices)}")

# %% [markdown]
# What a search looks like: three queries (left) and their nearest gallery series, with the
# distance between embeddings. A green title is a match of the query's class, a red one a miss.

# %%
fig = tk.plots.plot_search_results(
    split.x_query, split.y_query, split.x_gallery, found, data.class_names, rows=3, seed=seed
)
lesson.figure(fig, "search_results")

# %% [markdown]
# ### Exercise 7.2 — Recall@k from the index, and P@1
# *Practises: reading `tk.search` results; how a search engine's recall relates to the metrics.*
#
# First **predict**, before you write any code: will recall@1 of the index (each query's single
# nearest gallery series) equal the unseen P@1 of the search model in the table above? Store
# `True` or `False` in `recall_at_1_is_p_at_1`.
#
# Then write `recall_at_k(neighbours, query_labels)`: the share of queries that have **at least
# one** gallery series of their own class among their `k` neighbours (`neighbours.labels` holds
# the neighbours' classes, one row per query). The check tries it on the search above and tells
# you whether your prediction held.


# %% tags=["solution"]
### BEGIN SOLUTION
recall_at_1_is_p_at_1 = True  # same distance, same tie rule: the nearest neighbour is the same series


def recall_at_k(neighbours, query_labels):
    matches = neighbours.labels == np.asarray(query_labels)[:, None]
    return float(np.mean(matches.any(axis=1)))


### END SOLUTION


# %% tags=["check"]
course.exercises.lesson07.check_recall_at_k(
    recall_at_k, found, split.y_query, recall_at_1_is_p_at_1, unseen[best]["precision_at_1"]
)

# %% [markdown]
# ### Exercise 7.3 — A class the model never saw, added without retraining
# *Practises: growing a `tk.search.SearchIndex`; what "no retraining" buys on an unseen class.*
#
# `new_class` below is one of the **unseen** classes: no model was trained on it. Build `grown`,
# an index with the search model (`reloaded.model`) over the unseen gallery **without** the
# series of `new_class`. Store in `predicted_hits_before` your prediction, made before running
# anything, of the share of `new_class`'s queries whose nearest gallery series has their class.
# Then measure it (`hits_before`), add the gallery series of `new_class` to `grown` with their
# labels, and measure the same share again (`hits_after`). Only the queries of `new_class` count.

# %%
new_class = int(split.unseen_classes[np.argmax([np.sum(split.y_gallery == c) for c in split.unseen_classes])])
print(f"new class: {data.class_names[new_class]} ({np.sum(split.y_gallery == new_class)} gallery series)")

# %% tags=["solution"]
### BEGIN SOLUTION
predicted_hits_before = 0.0  # a class that is not in the gallery can never be the nearest neighbour's
in_new_class = split.y_gallery == new_class
grown = tk.search.SearchIndex(reloaded.model, split.x_gallery[~in_new_class], split.y_gallery[~in_new_class])
new_queries = split.x_query[split.y_query == new_class]
hits_before = float(np.mean(grown.query(new_queries, k=1).labels[:, 0] == new_class))
grown.add(split.x_gallery[in_new_class], split.y_gallery[in_new_class])
hits_after = float(np.mean(grown.query(new_queries, k=1).labels[:, 0] == new_class))
### END SOLUTION

# %% tags=["check"]
course.exercises.lesson07.check_new_class(
    predicted_hits_before, hits_before, hits_after, grown, reloaded, split, new_class
)

# %% [markdown]
# ## What this run shows
#
# Computed from this run's numbers (and from the records of other seeds in `results_dir`, if a
# multi-seed run left any): the change from seen to unseen classes, the best method on the unseen
# classes, the comparison with raw-series DTW, and how the validation data's choice fared.

# %%
learned = list(fits)
raw_baselines = ("1-NN Euclidean (raw)", "1-NN DTW (raw)")
map_r = "mean_average_precision_at_r"


print("From seen to unseen classes (P@1):")
for name in learned:
    before, after = seen[name]["precision_at_1"], unseen[name]["precision_at_1"]
    gap = abs(round(after, 3) - round(before, 3))  # the gap of the printed values
    change = {1: f"up {gap:.3f}", 0: "the same", -1: f"down {gap:.3f}"}[versus(after, before)]
    print(f"  {name}: {before:.3f} → {after:.3f} ({change})")

# A report of this run, not a choice: the search model was fixed above, on the validation data.
ranked = sorted(learned, key=lambda n: unseen[n][map_r], reverse=True)
first, second = unseen[ranked[0]][map_r], unseen[ranked[1]][map_r]
print(
    f"Best learned embedding on the unseen classes by MAP@R: {ranked[0]} ({first:.3f}), "
    + (f"ahead of {ranked[1]} by {first - second:.3f}." if versus(first, second) else f"level with {ranked[1]}.")
)
for key, label in (("precision_at_1", "P@1"), (map_r, "MAP@R")):
    raw = max(raw_baselines, key=lambda n: unseen[n][key])  # the better raw baseline is the bar
    bar, raw_name = unseen[raw][key], f"the better raw baseline, {raw.removesuffix(' (raw)')}"
    above = [n for n in learned if versus(unseen[n][key], bar) > 0]
    level = [n for n in learned if versus(unseen[n][key], bar) == 0]
    top = max(learned, key=lambda n: unseen[n][key])
    if above:
        print(
            f"On {label}, {', '.join(above)} beat {raw_name} ({bar:.3f}); the best, {top}, by {unseen[top][key] - bar:.3f}."
        )
    elif level:
        print(f"On {label}, no learned embedding beat {raw_name} ({bar:.3f}); {', '.join(level)} matched it.")
    else:
        print(
            f"On {label}, no learned embedding beat {raw_name} ({bar:.3f}); "
            f"the closest, {top}, fell short by {bar - unseen[top][key]:.3f}."
        )
metric_losses = [n for n in learned if n != "cross-entropy"]
ce_map_r = unseen["cross-entropy"][map_r]
beat_ce = [n for n in metric_losses if versus(unseen[n][map_r], ce_map_r) > 0]
if len(beat_ce) == len(metric_losses):
    verdict = "every metric loss beat it"
elif beat_ce:
    verdict = f"{', '.join(beat_ce)} beat it; {', '.join(n for n in metric_losses if n not in beat_ce)} did NOT"
else:
    verdict = "no metric loss beat it"
print(
    f"Against the cross-entropy embedding on unseen MAP@R ({ce_map_r:.3f}): "
    + ", ".join(f"{n} {unseen[n][map_r] - ce_map_r:+.3f}" for n in metric_losses)
    + f" — {verdict}."
)
idle = [f"{n} (after {fits[n].steps} of {recipe.steps} steps)" for n in learned if fits[n].idle_stop_epoch is not None]
if idle:
    print(f"Fits stopped early because their loss stayed about zero: {', '.join(idle)}.")
for name in learned:
    if fits[name].learned is False:  # the loss did not fall: say so beside the scores it explains
        print(f"{name}: {fits[name].learning_report()}")
raw_separation = separation[raw_label]
better_separated = [n for n in learned if separation[n] > raw_separation]
if np.isfinite(raw_separation):  # undefined when no two unseen series share a class
    print(
        f"Separation of the unseen classes (AUC): {raw_label} {raw_separation:.2f}; "
        + (
            f"better with {', '.join(better_separated)}."
            if better_separated
            else "no learned embedding separated them better."
        )
    )
else:
    print("No two unseen series share a class, so their separation is undefined here.")
rank = 1 + sum(versus(unseen[n][map_r], unseen[best][map_r]) > 0 for n in learned)  # ties share a rank
level_with = [n for n in learned if n != best and versus(unseen[n][map_r], unseen[best][map_r]) == 0]
print(
    f"The {validation['name']} chose {best}; on the unseen classes it ranked {rank} of {len(ranked)} "
    "learned embeddings by MAP@R"
    + (f" (level with {', '.join(level_with)})" if level_with else "")
    + (
        "."
        if rank > 1
        else ", so the validation data picked one of the best."
        if level_with
        else ", so it picked the best."
    )
)
mine = [line for line in benchmark_findings if line.startswith(data.name)]
if mine:
    print(f"With more training classes (the open-set benchmark's records for {data.name}):")
    for line in mine:
        print(f"  {line}")
elif benchmark_findings:
    print(f"The open-set benchmark has no records for {data.name}; on the datasets it covers:")
    for line in benchmark_findings:
        print(f"  {line}")

# %% [markdown]
# And across seeds, if a multi-seed run left records in `results_dir`: each seed holds out other
# classes, so the spread shows how much the numbers above depend on which classes were held out.

# %%
p_at_1_spread = lesson.seed_spread(f"{data.name} (unseen classes)", "precision_at_1")
map_r_spread = lesson.seed_spread(f"{data.name} (unseen classes)", map_r)
if map_r_spread:
    print("Unseen classes over the seeds recorded in results_dir: mean (standard deviation)")
    for name, (mean, std, n_seeds) in sorted(map_r_spread.items(), key=lambda item: -item[1][0]):
        p_mean, p_std, _ = p_at_1_spread[name]
        print(f"  {name:<22} MAP@R {mean:.3f} ({std:.3f})  P@1 {p_mean:.3f} ({p_std:.3f})  {n_seeds} seeds")
else:
    print("One seed only: no spread to weigh these differences against (`tslearnkit run --seeds 0 1 2`).")
lesson.finish()

# %% [markdown]
# ## Summary
# - Metric learning is for search: embed once, find nearest neighbours, add new classes by adding
#   gallery items — no retraining.
# - The open-set protocol splits the *classes* three ways: training classes to learn from,
#   validation classes to choose a model with, unseen classes to report. A model chosen by its
#   unseen score has seen the unseen classes after all. Validation classes are only a proxy: the
#   last cell says how the choice fared on the unseen classes.
# - A closed-set score is not an open-set score: compare each model's seen and unseen bars, and
#   compare the learned embeddings with the raw series, which need no training at all.
# - A triplet loss at zero means the training classes are separated and the batches teach
#   nothing more; the fit stops, and nothing in those batches could have taught the model more
#   about classes it never saw.
# - One run is one class draw. How the comparison moves as training classes are added is read
#   from the open-set benchmark's records (its figure and sentences above), not guessed.
# - A saved model and index give the same neighbours in another process.
#
# ## More to explore
# 1. Run the open-set benchmark on a dataset with more classes than these (`tslearnkit benchmark
#    --protocol open-set --datasets NAME`; the image benchmarks train on a hundred classes). Does
#    the curve keep its direction?
# 2. Run three seeds (`tslearnkit run --seeds 0 1 2`): each seed holds out other classes. How
#    much do the unseen scores move, and does the same method come out on top?
# 3. After choosing, retrain the chosen method on all seen classes (training and validation).
#    Does the unseen score improve?
# 4. Give the cosine softmax a larger or smaller scale (`tk.models.CosineLogits(scale=...)` in
#    your own `classifier_model`). How do the unseen scores move?
# 5. For a gallery of a million series, build the index with `backend="hnsw"`
#    (`pip install 'tslearnkit[search]'`) and compare its neighbours with exact search.
