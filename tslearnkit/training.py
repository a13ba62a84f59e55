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

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import models, sampling
from .callbacks import active_triplet_fraction  # noqa: F401  (kept importable from here)
from .data import check_labels, check_series, stratified_split_indices
from .metrics.clustering import cluster_scores  # noqa: F401  (kept importable from here)
from .metrics.evaluation import embedding_scores
from .recipe import BATCH_AUGMENTATIONS, Recipe

__all__ = [
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

LOSSES = {
    "batch_all": "TripletBatchAllLoss",
    "semihard": "TripletSemiHardLoss",
    "hard": "TripletHardLoss",
    "supcon": "SupConLoss",
    "ntxent": "NTXentLoss",
}


@dataclasses.dataclass
class FitResult:
    """What a ``fit_*`` helper returns.

    Attributes:
        model: the trained model (classifier logits, or embeddings).
        embedding_model: maps series ``(n, t, c)`` to embeddings ``(n, d)``.
        history: ``{metric: [value per epoch]}`` from Keras.
        wall_time_s: seconds spent in ``fit``.
        epochs: epochs actually run (early stopping may cut them).
        steps: optimizer steps actually run.
        best_epoch: with a recipe's validation split, the epoch whose weights were kept
            (``None`` when the last weights are used).
    """

    model: object
    embedding_model: object
    history: dict
    wall_time_s: float
    epochs: int
    steps: int = 0
    best_epoch: int | None = None


# --------------------------------------------------------------------------- shared pieces
def resolve_verbose(verbose) -> int:
    """``"auto"`` → 1 (progress bar) in an interactive session, 2 (a line per epoch) in batch
    runs (papermill via ``tslearnkit run`` sets ``TSLEARNKIT_BATCH=1``) and when not a TTY."""
    if verbose != "auto":
        return int(verbose)
    if os.environ.get("TSLEARNKIT_BATCH") or os.environ.get("CI"):
        return 2
    interactive = sys.stdout.isatty() or "ipykernel" in sys.modules
    return 1 if interactive else 2


def _seed_everything(seed: int) -> None:
    import keras

    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer; got {seed!r}")
    keras.utils.set_random_seed(int(seed))


def _strategy(strategy):
    import tensorflow as tf

    return strategy if strategy is not None else tf.distribute.get_strategy()


def _build_encoder(encoder, input_shape, encoder_config):
    if isinstance(encoder, str):
        return models.build_encoder(encoder, input_shape, **(encoder_config or {}))
    if callable(encoder):
        return encoder(input_shape, **(encoder_config or {}))
    raise ValueError(
        f"encoder must be a name in {sorted(models.ENCODERS)} or a function "
        f"input_shape -> keras.Model; got {type(encoder).__name__}"
    )


def _optimizer(learning_rate: float, total_steps: int, schedule: str):
    import keras

    if schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(total_steps, 1), alpha=0.05)
    elif schedule == "constant":
        lr = learning_rate
    else:
        raise ValueError(f"lr_schedule must be 'cosine' or 'constant'; got {schedule!r}")
    return keras.optimizers.Adam(lr)


def _make_loss(loss, **loss_config):
    from . import losses

    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)} or pass a Loss")
        return getattr(losses, LOSSES[loss])(**loss_config)
    if loss_config:
        raise ValueError("loss_config applies only when loss is given by name")
    return loss


def _fit(model, dataset, *, epochs, steps_per_epoch, verbose, callbacks, validation_data=None):
    from .callbacks import NonFiniteGuard

    start = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,  # batch order is already drawn, seeded, by tslearnkit.sampling
        verbose=resolve_verbose(verbose),
        callbacks=[NonFiniteGuard(), *callbacks],
        validation_data=validation_data,
    )
    elapsed = time.perf_counter() - start
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    n_epochs = len(hist["loss"]) if "loss" in hist else 0
    return hist, elapsed, n_epochs


def _check_train(x, y):
    x = check_series(x, name="x_train")
    y = check_labels(y, len(x), name="y_train")
    if len(np.unique(y)) < 2:
        raise ValueError("y_train holds a single class; metric learning needs at least two")
    return x, y


def _pick(value, recipe, field, default):
    """An explicit argument wins, then the recipe's field, then the old fixed default."""
    if value is not None:
        return value
    if recipe is not None:
        return getattr(recipe, field)
    return default


def _check_recipe(recipe):
    if recipe is not None and not isinstance(recipe, Recipe):
        raise ValueError(
            f"recipe must be a tslearnkit.recipe.Recipe (from tk.recipe.make_recipe); got {type(recipe).__name__}"
        )


def _validation_split(x, y, recipe, seed):
    """Carve the recipe's stratified validation share out of the training split."""
    if recipe is None or not recipe.validation_fraction:
        return (x, y), None
    kept, held_out = stratified_split_indices(y, recipe.validation_fraction, seed=seed)
    return (x[kept], y[kept]), (x[held_out], y[held_out])


def _augmenter(augment, seed):
    if not augment:
        return None
    from . import augment as augment_module

    transform = augment_module.make_tf_augmenter(list(BATCH_AUGMENTATIONS), seed=seed)
    return lambda xb, yb: (transform(xb), yb)


def _selection_callbacks(selection, reference, embedding_model, epochs):
    """BestWeights on the held-out part: about ten evaluations in the second half of the fit."""
    if selection is None:
        return []
    from .callbacks import BestWeights

    x_val, y_val = selection
    return [
        BestWeights(
            x_val,
            y_val,
            *reference,
            embedding_model=embedding_model,
            every_n_epochs=max(1, epochs // 20),
            start_epoch=max(1, epochs // 2),
        )
    ]


def _retrieval_callback(validation, reference, every_n_epochs):
    if validation is None:
        return []
    from .metrics import RetrievalMetricsCallback

    x_val, y_val = validation
    x_ref, y_ref = reference
    return [RetrievalMetricsCallback(x_val, y_val, x_ref, y_ref, every_n_epochs=every_n_epochs)]


def _best_epoch(callbacks):
    return next((cb.best_epoch for cb in callbacks if hasattr(cb, "best_score")), None)


@dataclasses.dataclass(frozen=True)
class FitOptions:
    """The arguments every ``fit_*`` helper shares, documented once.

    Attributes:
        recipe: a :class:`tslearnkit.recipe.Recipe` (``tk.recipe.make_recipe``) or ``None``.
        encoder: a name from :data:`tslearnkit.models.ENCODERS` or a builder
            ``input_shape -> keras.Model``; ``encoder_config`` its keyword arguments.
        learning_rate, lr_schedule: Adam's learning rate, ``"cosine"`` (decayed to 5 % over the
            fit) or ``"constant"``.
        validation: optional ``(x_val, y_val)``: retrieval metrics of these queries against the
            fitted series are logged every epoch as ``val_precision_at_1`` etc. (monitoring only;
            model selection uses the recipe's held-out share).
        callbacks: extra Keras callbacks, called after the kit's own.
        seed: seeds Python, NumPy and TensorFlow; same seed, same result on CPU.
        verbose: ``"auto"`` (see :func:`resolve_verbose`), 0, 1 or 2.
        strategy: a ``tf.distribute.Strategy``; the model is built and compiled in its scope.
    """

    recipe: Recipe | None = None
    encoder: object = "conv"
    encoder_config: dict | None = None
    learning_rate: float = 1e-3
    lr_schedule: str = "cosine"
    validation: tuple | None = None
    callbacks: Sequence = ()
    seed: int = 0
    verbose: object = "auto"
    strategy: object = None


def _fit_embedding_model(
    x_fit,
    y_fit,
    dataset,
    steps_per_epoch,
    epochs,
    options: FitOptions,
    *,
    embedding_dim,
    normalize,
    loss,
    loss_config,
    selection,
) -> FitResult:
    """Build and compile encoder → embedding inside the strategy's scope, then fit on ``dataset``."""
    with _strategy(options.strategy).scope():
        enc = _build_encoder(options.encoder, x_fit.shape[1:], options.encoder_config)
        model = models.embedding_model(enc, embedding_dim, normalize)
        optimizer = _optimizer(options.learning_rate, steps_per_epoch * epochs, options.lr_schedule)
        model.compile(optimizer=optimizer, loss=_make_loss(loss, **(loss_config or {})))
    extra = _retrieval_callback(options.validation, (x_fit, y_fit), 1)
    extra += _selection_callbacks(selection, (x_fit, y_fit), None, epochs)
    history, elapsed, n_epochs = _fit(
        model,
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        verbose=options.verbose,
        callbacks=[*extra, *options.callbacks],
    )
    return FitResult(model, model, history, elapsed, n_epochs, steps_per_epoch * n_epochs, _best_epoch(extra))


# --------------------------------------------------------------------------- classifier
def fit_classifier(
    x_train,
    y_train,
    *,
    recipe: Recipe | None = None,
    encoder="conv",
    encoder_config: dict | None = None,
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
    """Train ``encoder`` → Dense(n_classes) with cross-entropy.

    Args:
        x_train: ``(n, timesteps, channels)`` float32 training series.
        y_train: ``(n,)`` integer labels.
        recipe: a :class:`tslearnkit.recipe.Recipe` (``tk.recipe.make_recipe``); it sets
            ``batch_size``, ``augment``, the step budget (hence ``epochs``) and the held-out
            validation share used to keep the best weights. Explicit arguments override it.
        encoder: a name from :data:`tslearnkit.models.ENCODERS` or a builder function.
        encoder_config: keyword arguments for the encoder.
        epochs, batch_size, learning_rate: the usual (without a recipe: 30 epochs, batch 32);
            Adam with ``lr_schedule``.
        augment: augment each training batch on the fly (jitter, scaling, magnitude warp).
        validation: optional ``(x_val, y_val)`` for ``val_accuracy`` and retrieval metrics
            (``val_precision_at_1``, ...) against the training set.
        callbacks: extra Keras callbacks (e.g. EarlyStopping on ``val_precision_at_1``).
        seed: seeds Python, NumPy and TensorFlow; same seed, same result on CPU.
        verbose: ``"auto"``, 0, 1 or 2.
        strategy: a ``tf.distribute.Strategy``; ``None`` uses the default (one device).

    Returns:
        :class:`FitResult`; ``embedding_model`` is the encoder (the classifier's penultimate
        output).
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
    epochs = int(epochs if epochs is not None else (recipe.epochs_for(steps_per_epoch) if recipe else 30))
    with _strategy(strategy).scope():
        enc = _build_encoder(encoder, x_train.shape[1:], encoder_config)
        model = models.classifier_model(enc, n_classes)
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

    Returns:
        :class:`FitResult` whose ``model`` and ``embedding_model`` are the same model.
    """
    x_train, y_train = _check_train(x_train, y_train)
    _check_recipe(recipe)
    _seed_everything(seed)
    (x_fit, y_fit), selection = _validation_split(x_train, y_train, recipe, seed)
    p = int(_pick(classes_per_batch, recipe, "classes_per_batch", 4))
    k = int(_pick(samples_per_class, recipe, "samples_per_class", 10))
    steps_per_epoch = sampling.steps_per_epoch(y_fit, p, k)
    epochs = int(epochs if epochs is not None else (recipe.epochs_for(steps_per_epoch) if recipe else 30))
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

    def to_views(xb, yb):
        view_a, view_b = views(xb)
        return tf.concat([view_a, view_b], axis=0), tf.concat([yb, yb], axis=0)

    (x_fit, y_fit), selection = _validation_split(x_train, y_train, recipe if supervised else None, seed)
    batch_size = int(_pick(batch_size, recipe, "contrastive_batch_size", 64))
    drop = len(x_fit) >= batch_size
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_fit), batch_size, drop)
    epochs = int(epochs if epochs is not None else (recipe.epochs_for(steps_per_epoch) if recipe else 50))
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
    )


# --------------------------------------------------------------------------- evaluation
def embed(model, x, *, batch_size: int = 256) -> np.ndarray:
    """Embeddings of ``x`` (``(n, t, c)``) as a float32 ``(n, d)`` array (inference mode)."""
    x = check_series(x)
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
