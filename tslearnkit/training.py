"""Training helpers shared by every lesson, and :func:`embed` / :func:`evaluate_embedding`.

Three ways to learn an embedding, each a thin layer over ``model.fit``:

* :func:`fit_classifier` — cross-entropy; the encoder's output is the embedding (the baseline).
* :func:`fit_embedding` — a metric loss (triplet batch-all / semi-hard / hard, SupCon) on
  class-balanced P×K batches from :func:`tslearnkit.sampling.balanced_batches`.
* :func:`fit_contrastive` — two augmented views per series; NT-Xent (self-supervised) or
  SupCon (with labels).

The arguments they share are documented once, in :class:`FitOptions`. The most important is
``recipe`` (a :class:`tslearnkit.recipe.Recipe` from ``tk.recipe.make_recipe``): batch sizes,
P×K, a step budget that sets the epochs, a validation share carved from the training split to
keep the best weights, on-the-fly augmentation; explicit arguments override it.
:func:`evaluate_embedding` scores an embedding the way every lesson reports it: test series as
queries against the training series as reference.

Scores and callbacks live elsewhere (still importable from here): ``embedding_scores`` and
``cluster_scores`` in :mod:`tslearnkit.metrics`, ``ActiveTripletsCallback``,
``active_triplet_fraction`` and ``BestWeights`` in :mod:`tslearnkit.callbacks`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import models, sampling
from .callbacks import active_triplet_fraction  # noqa: F401  (kept importable from here)
from .checks import check_int
from .data import check_labels, check_series
from .fitting import (
    LOSSES,
    FitOptions,
    FitResult,
    _augmenter,
    _best_epoch,
    _build_encoder,
    _check_recipe,
    _check_train,
    _epochs,
    _fit,
    _fit_embedding_model,
    _optimizer,
    _pick,
    _retrieval_callback,
    _seed_everything,
    _selection_callbacks,
    _strategy,
    _validation_split,
    resolve_verbose,
)
from .metrics.clustering import cluster_scores  # noqa: F401  (kept importable from here)
from .metrics.evaluation import embedding_scores
from .recipe import Recipe

# Optimizer steps of (near-)zero loss after which fit_embedding stops (bench/recipe_rules.py measures it).
STOP_WHEN_IDLE_STEPS = 50

__all__ = [
    "STOP_WHEN_IDLE_STEPS",
    "FitResult",
    "LOSSES",
    "fit_classifier",
    "fit_embedding",
    "fit_contrastive",
    "embed",
    "evaluate_embedding",
    "FitOptions",
    "resolve_verbose",
]


# --------------------------------------------------------------------------- classifier
def fit_classifier(
    x_train,
    y_train,
    *,
    recipe: Recipe | None = None,
    encoder="conv",
    encoder_config: dict | None = None,
    head: str = "linear",
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float = 1e-3,
    lr_schedule: str = "cosine",
    augment: bool | None = None,
    validation: tuple | None = None,
    callbacks: Sequence = (),
    seed: int = 0,
    verbose="auto",
    strategy=None,
) -> FitResult:
    """Train ``encoder`` → a classifier head with cross-entropy.

    Args:
        x_train: ``(n, timesteps, channels)`` float32 training series.
        y_train: ``(n,)`` integer labels.
        recipe: a :class:`tslearnkit.recipe.Recipe` (``tk.recipe.make_recipe``); it sets
            ``batch_size``, ``augment``, the step budget (hence ``epochs``) and the held-out
            validation share used to keep the best weights. Explicit arguments override it.
        encoder: a name from :data:`tslearnkit.models.ENCODERS` or a builder function.
        encoder_config: keyword arguments for the encoder.
        head: ``"linear"`` (Dense logits; the embedding is the encoder's output) or ``"cosine"``
            (normalised softmax: the embedding is the encoder's output on the unit sphere; see
            :func:`tslearnkit.models.classifier_model`).
        epochs, batch_size, learning_rate: the usual (without a recipe: 30 epochs, batch 32);
            Adam with ``lr_schedule``.
        augment: augment each training batch on the fly (jitter, scaling, magnitude warp).
        validation: optional ``(x_val, y_val)`` for ``val_accuracy`` and retrieval metrics
            (``val_precision_at_1``, ...) against the training set.
        callbacks: extra Keras callbacks (e.g. EarlyStopping on ``val_precision_at_1``).
        seed: seeds Python, NumPy and TensorFlow; same seed, same result on CPU.
        verbose: ``"auto"``, 0, 1 or 2.
        strategy: a ``tf.distribute.Strategy``; ``None`` uses the default (one device).
            On JAX, a ``keras.distribution.DataParallel`` instead (set as Keras' distribution).

    Returns:
        :class:`FitResult`; ``embedding_model`` is the encoder (the classifier's penultimate
        output), L2-normalised for ``head="cosine"``.
    """
    import keras

    x_train, y_train = _check_train(x_train, y_train)
    _check_recipe(recipe)
    n_classes = int(y_train.max()) + 1
    _seed_everything(seed)
    (x_fit, y_fit), selection = _validation_split(x_train, y_train, recipe, seed)
    batch_size = int(_pick(batch_size, recipe, "batch_size", 32))
    batch_size = min(batch_size, len(x_fit))
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_fit), batch_size)
    epochs = _epochs(epochs, recipe, steps_per_epoch, default=30)
    with _strategy(strategy):
        enc = _build_encoder(encoder, x_train.shape[1:], encoder_config)
        model = models.classifier_model(enc, n_classes, head=head)
        if head == "cosine":
            enc = keras.Model(model.input, model.get_layer("embedding").output, name="cosine_embedding")
        model.compile(
            optimizer=_optimizer(learning_rate, steps_per_epoch * epochs, lr_schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    dataset = sampling.shuffled_batches(
        x_fit,
        y_fit,
        batch_size,
        seed=seed,
        epochs=epochs,
        transform=_augmenter(_pick(augment, recipe, "augment", False), seed),
    )
    val_data = None
    if validation is not None:
        val_data = (check_series(validation[0], name="x_val"), check_labels(validation[1], name="y_val"))
    extra = _retrieval_callback(val_data, (x_fit, y_fit), 1)
    for cb in extra:
        cb.embedding_model = enc
    extra += _selection_callbacks(selection, (x_fit, y_fit), enc, epochs)
    history, elapsed, n_epochs = _fit(
        model,
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        verbose=verbose,
        callbacks=[*extra, *callbacks],
        validation_data=val_data,
        desc="cross-entropy",
    )
    return FitResult(model, enc, history, elapsed, n_epochs, steps_per_epoch * n_epochs, _best_epoch(extra))


# --------------------------------------------------------------------------- metric losses
def fit_embedding(
    x_train,
    y_train,
    *,
    loss="semihard",
    loss_config: dict | None = None,
    recipe: Recipe | None = None,
    encoder="conv",
    encoder_config: dict | None = None,
    embedding_dim: int | None = 128,
    normalize: bool = True,
    classes_per_batch: int | None = None,
    samples_per_class: int | None = None,
    epochs: int | None = None,
    learning_rate: float = 1e-3,
    lr_schedule: str = "cosine",
    augment: bool | None = None,
    batch_transform: Callable | None = None,
    validation: tuple | None = None,
    callbacks: Sequence = (),
    seed: int = 0,
    verbose="auto",
    strategy=None,
    stop_when_idle: int | None = STOP_WHEN_IDLE_STEPS,
) -> FitResult:
    """Train an embedding with a metric loss on class-balanced P×K batches.

    Args:
        x_train, y_train: training split only (``(n, t, c)`` float32, ``(n,)`` int).
        loss: ``"batch_all"``, ``"semihard"``, ``"hard"``, ``"supcon"`` or a Keras ``Loss``
            taking ``(labels, embeddings)``.
        loss_config: keyword arguments for a loss given by name (``margin``,
            ``distance_metric``, ``temperature``, ...).
        recipe: a :class:`tslearnkit.recipe.Recipe`; sets P, K, ``augment``, the step budget
            (hence ``epochs``) and the held-out validation share that picks the best weights.
            Explicit arguments override it. Without a recipe: P = 4, K = 10, 30 epochs.
        encoder, encoder_config: see :func:`tslearnkit.models.build_encoder`.
        embedding_dim, normalize: see :func:`tslearnkit.models.embedding_model`.
        classes_per_batch, samples_per_class: P and K; a batch holds P·K series.
        augment: augment each training batch on the fly (applied before ``batch_transform``).
        batch_transform: optional ``(x, y) -> (x, y)`` tensor function applied to each batch.
        validation: optional ``(x_val, y_val)``; retrieval metrics of these queries against
            the training set are added to the logs as ``val_precision_at_1`` etc.
        epochs, learning_rate, lr_schedule, callbacks, seed, verbose, strategy: as in
            :func:`fit_classifier`. An epoch covers every training series at least once.
        stop_when_idle: stop once the training loss has stayed below a thousandth of its first
            epoch's value for this many optimizer steps (rounded up to whole epochs): every
            triplet of (nearly) every batch already satisfies the margin, so the batches have no
            gradient left (:class:`tslearnkit.callbacks.StopWhenIdle`). ``None`` trains the whole
            budget. Only hinge losses (the triplet losses) ever reach zero.

    Returns:
        :class:`FitResult` whose ``model`` and ``embedding_model`` are the same model;
        ``idle_stop_epoch`` says when the idle rule stopped it.
    """
    x_train, y_train = _check_train(x_train, y_train)
    _check_recipe(recipe)
    _seed_everything(seed)
    (x_fit, y_fit), selection = _validation_split(x_train, y_train, recipe, seed)
    p = int(_pick(classes_per_batch, recipe, "classes_per_batch", 4))
    k = int(_pick(samples_per_class, recipe, "samples_per_class", 10))
    steps_per_epoch = sampling.steps_per_epoch(y_fit, p, k)
    epochs = _epochs(epochs, recipe, steps_per_epoch, default=30)
    transform = _chain(_augmenter(_pick(augment, recipe, "augment", False), seed), batch_transform)
    dataset = sampling.balanced_batches(x_fit, y_fit, p, k, seed=seed, epochs=epochs, transform=transform)
    options = FitOptions(
        recipe,
        encoder,
        encoder_config,
        learning_rate,
        lr_schedule,
        validation,
        tuple(callbacks),
        seed,
        verbose,
        strategy,
    )
    return _fit_embedding_model(
        x_fit,
        y_fit,
        dataset,
        steps_per_epoch,
        epochs,
        options,
        embedding_dim=embedding_dim,
        normalize=normalize,
        loss=loss,
        loss_config=loss_config,
        selection=selection,
        stop_when_idle=stop_when_idle,
    )


def _chain(first, second):
    if first is None or second is None:
        return first or second
    return lambda xb, yb: second(*first(xb, yb))


# --------------------------------------------------------------------------- contrastive
def fit_contrastive(
    x_train,
    y_train=None,
    *,
    loss="ntxent",
    loss_config: dict | None = None,
    recipe: Recipe | None = None,
    views: Callable | None = None,
    encoder="fcn",
    encoder_config: dict | None = None,
    embedding_dim: int | None = 2,
    normalize: bool = False,
    batch_size: int | None = None,
    epochs: int | None = None,
    learning_rate: float = 1e-3,
    lr_schedule: str = "cosine",
    validation: tuple | None = None,
    callbacks: Sequence = (),
    seed: int = 0,
    verbose="auto",
    strategy=None,
) -> FitResult:
    """Contrastive training on two augmented views of each series.

    Each batch of ``B`` series becomes ``2B`` rows ``[view_a; view_b]`` (labels repeated). NT-Xent
    treats the other view of the same series as the only positive (labels unused,
    self-supervised); SupCon treats every row of the same class as a positive.

    Args:
        x_train: ``(n, t, c)`` float32 training series.
        y_train: ``(n,)`` labels; required for ``"supcon"``, unused by ``"ntxent"`` except for
            validation metrics and model selection.
        loss: ``"ntxent"``, ``"supcon"`` or a Loss taking ``(labels, [z_a; z_b])``.
        recipe: a :class:`tslearnkit.recipe.Recipe`; sets ``batch_size``
            (``contrastive_batch_size``), the step budget and, for SupCon, the held-out
            validation share. NT-Xent is self-supervised: it never selects weights with labels.
        views: tensor function ``x_batch -> (view_a, view_b)``; default
            :func:`tslearnkit.augment.make_tf_two_views` seeded with ``seed``.
        embedding_dim, normalize: the talk's setting is a 2-D latent used directly
            (``embedding_dim=2, normalize=False``).
        Other arguments as in :func:`fit_embedding` (without a recipe: batch 64, 50 epochs).

    Returns:
        :class:`FitResult`.
    """
    import tensorflow as tf

    _check_recipe(recipe)
    x_train = check_series(x_train, name="x_train")
    supervised = y_train is not None and loss == "supcon"
    if y_train is None:
        if loss == "supcon":
            raise ValueError("loss='supcon' needs y_train")
        y_train = np.zeros(len(x_train), np.int64)
    y_train = check_labels(y_train, len(x_train), name="y_train")
    _seed_everything(seed)
    if views is None:
        from . import augment

        views = augment.make_tf_two_views(seed)
    elif not callable(views):
        raise ValueError(f"views must be a function x_batch -> (view_a, view_b) of tensors, or None; got {views!r}")

    def to_views(xb, yb):
        view_a, view_b = views(xb)
        return tf.concat([view_a, view_b], axis=0), tf.concat([yb, yb], axis=0)

    (x_fit, y_fit), selection = _validation_split(x_train, y_train, recipe if supervised else None, seed)
    batch_size = _pick(batch_size, recipe, "contrastive_batch_size", 64)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 2:
        raise ValueError(
            f"batch_size must be an integer >= 2 (a batch of one series has no negatives); got {batch_size!r}"
        )
    batch_size = int(batch_size)
    drop = len(x_fit) >= batch_size
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_fit), batch_size, drop)
    epochs = _epochs(epochs, recipe, steps_per_epoch, default=50)
    dataset = sampling.shuffled_batches(
        x_fit, y_fit, batch_size, seed=seed, epochs=epochs, drop_remainder=drop, transform=to_views
    )
    options = FitOptions(
        recipe,
        encoder,
        encoder_config,
        learning_rate,
        lr_schedule,
        validation,
        tuple(callbacks),
        seed,
        verbose,
        strategy,
    )
    return _fit_embedding_model(
        x_fit,
        y_fit,
        dataset,
        steps_per_epoch,
        epochs,
        options,
        embedding_dim=embedding_dim,
        normalize=normalize,
        loss=loss,
        loss_config=loss_config,
        selection=selection,
        supervised=False,
    )


# --------------------------------------------------------------------------- evaluation
def embed(model, x, *, batch_size: int = 256) -> np.ndarray:
    """Embeddings of ``x`` (``(n, t, c)``) as a float32 ``(n, d)`` array (inference mode)."""
    x = check_series(x)
    check_int("batch_size", batch_size, low=1)
    expected = tuple(getattr(model, "input_shape", (None, None, None))[1:])
    if len(expected) == 2 and any(e is not None and e != got for e, got in zip(expected, x.shape[1:])):
        raise ValueError(
            f"x has series of shape (timesteps, channels) = {x.shape[1:]} but the model takes {expected}; "
            "preprocess the series the way the training split was (same dataset, resampling and channels)"
        )
    # Fixed-size chunks through Keras's cached compiled predict step: it traces at most twice
    # (full chunk, last chunk) and runs about 2x faster than eager calls (bench/train.py).
    chunks = [np.asarray(model.predict_on_batch(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 0), np.float32)


def evaluate_embedding(
    model,
    x_train,
    y_train,
    x_test,
    y_test,
    *,
    k_values: Sequence[int] = (1, 3, 5, 10),
    legacy_k: int = 3,
    batch_size: int = 256,
    seed: int = 0,
) -> dict:
    """Score an embedding: test series are queries, training series the reference.

    Returns a flat dict with pytorch-metric-learning's retrieval metrics (``precision_at_1``,
    ``r_precision``, ``mean_average_precision_at_r``, ``mean_average_precision``,
    ``mean_reciprocal_rank``, ``NMI``, ``AMI``; k = all references), the study's
    ``legacy_map_at_k`` at ``k = legacy_k``, and ``knn_accuracy`` (k = 1) plus
    ``knn_accuracy_at_{k}`` for the other ``k_values``.
    """
    train_emb = embed(model, x_train, batch_size=batch_size)
    test_emb = embed(model, x_test, batch_size=batch_size)
    return embedding_scores(train_emb, y_train, test_emb, y_test, k_values=k_values, legacy_k=legacy_k, seed=seed)


# --------------------------------------------------------------------------- moved
def __getattr__(name):
    # Kept importable from here; the callbacks live in tslearnkit.callbacks.
    if name == "ActiveTripletsCallback":
        from . import callbacks

        return callbacks.ActiveTripletsCallback
    raise AttributeError(f"module 'tslearnkit.training' has no attribute {name!r}")
