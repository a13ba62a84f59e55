"""Fitting an embedding: three helpers over one pipeline (:func:`embed` and :func:`evaluate_embedding`, which
score the fit, live in :mod:`tslearnkit.metrics.evaluation` and are reachable here too).

:func:`fit_classifier` (cross-entropy, the baseline), :func:`fit_embedding` (a metric loss on P×K
batches) and :func:`fit_contrastive` (NT-Xent or SupCon on two augmented views) read the same way: the
shared arguments become one checked :class:`FitOptions`; :func:`_start` seeds and holds the recipe's
validation share out; the helper draws its batches (:mod:`tslearnkit.sampling`) and names its model
and loss; :func:`_train` builds and compiles them in the strategy's scope, adds the kit's callbacks,
runs ``model.fit`` and says whether the loss fell.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Callable, Sequence

import keras
import numpy as np

from . import augment as augmentations
from . import backend, losses, models, sampling
from .callbacks import BestWeights, NonFiniteGuard, StopWhenIdle
from .checks import check_int, check_labels, check_series, check_validation
from .data import stratified_split_indices
from .metrics import RetrievalMetricsCallback
from .metrics.evaluation import embed, evaluate_embedding
from .progress import ProgressBar, progress_mode
from .recipe import BATCH_AUGMENTATIONS, Recipe, resolve, resolve_epochs

__all__ = ["STOP_WHEN_IDLE_STEPS", "LEARNED_BELOW", "LOSSES", "FitOptions", "FitResult", "fit_classifier"]
__all__ += ["fit_embedding", "fit_contrastive", "embed", "evaluate_embedding"]

# Optimizer steps of (near-)zero loss after which fit_embedding stops (bench/recipe_rules.py measures it).
STOP_WHEN_IDLE_STEPS = 50

# A fit *learned* when its last epoch's mean loss is below this fraction of its first's (FitResult.learned).
LEARNED_BELOW = 0.9

# The loss names fit_embedding and fit_contrastive take, and their classes in tslearnkit.losses.
LOSSES = {
    "batch_all": "TripletBatchAllLoss",
    "semihard": "TripletSemiHardLoss",
    "hard": "TripletHardLoss",
    "supcon": "SupConLoss",
    "ntxent": "NTXentLoss",
}


@dataclasses.dataclass(frozen=True)
class FitOptions:
    """The arguments every ``fit_*`` helper shares, documented and checked once (each helper builds one).

    Attributes:
        recipe: a :class:`tslearnkit.recipe.Recipe` from ``tk.recipe.make_recipe``, or ``None``. It sets the
            batch size (P×K), ``augment``, the step budget (so the epochs) and the validation share held out
            to keep the best weights; explicit arguments override it. With ``per_series_channels`` the encoder
            is built for twice the channels, behind :class:`tslearnkit.models.PerSeriesStandardization`.
        encoder, encoder_config: a name of :data:`tslearnkit.models.ENCODERS` or a builder
            ``input_shape -> keras.Model``, and its keyword arguments.
        learning_rate, lr_schedule: Adam's, ``"cosine"`` (decayed to 5 % over the fit) or ``"constant"``.
        validation: optional ``(x_val, y_val)``: retrieval metrics of these queries against the fitted
            series, logged every epoch as ``val_precision_at_1`` etc. (monitoring only).
        callbacks, seed: extra Keras callbacks (after the kit's own); the seed of Python, NumPy and
            TensorFlow (same seed, same result on CPU).
        verbose: ``"auto"`` (see :func:`tslearnkit.progress.progress_mode`), 0 (silent), 1 (a progress
            bar) or 2 (a few summary lines).
        strategy: a ``tf.distribute.Strategy`` (the model is built and compiled in its scope); on JAX a
            ``keras.distribution.DataParallel``, set as Keras' distribution.
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

    def __post_init__(self):
        if self.recipe is not None and not isinstance(self.recipe, Recipe):
            kind = type(self.recipe).__name__
            raise ValueError(f"recipe must be a tslearnkit.recipe.Recipe (from tk.recipe.make_recipe); got {kind}")
        if not isinstance(self.encoder, str) and not callable(self.encoder):
            kind = f"a function input_shape -> keras.Model; got {type(self.encoder).__name__}"
            raise ValueError(f"encoder must be a name in {sorted(models.ENCODERS)} or {kind}")
        check_int("seed", self.seed, low=0)
        # NaN is let through on purpose: NonFiniteGuard stops that run at its first epoch and names
        # the learning rate (a diverging run); everything else wrong is refused here.
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or rate <= 0 or rate == float("inf"):
            raise ValueError(f"learning_rate must be a positive number (Adam's step size, e.g. 1e-3); got {rate!r}")
        if self.lr_schedule not in ("cosine", "constant"):
            raise ValueError(f"lr_schedule must be 'cosine' or 'constant'; got {self.lr_schedule!r}")
        if self.verbose != "auto" and (isinstance(self.verbose, bool) or self.verbose not in (0, 1, 2)):
            raise ValueError(
                f"verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (summary lines); got {self.verbose!r}"
            )


@dataclasses.dataclass
class FitResult:
    """What a ``fit_*`` helper returns.

    Attributes:
        model, embedding_model: the trained model (classifier logits, or embeddings), and the model
            mapping series ``(n, t, c)`` to embeddings ``(n, d)``.
        history: ``{metric: [value per epoch]}`` from Keras.
        wall_time_s, epochs, steps: seconds spent in ``fit``, epochs and optimizer steps actually run.
        best_epoch: with a recipe's validation share, the epoch whose weights were kept (else ``None``).
        idle_stop_epoch: the epoch after which the loss had stayed near zero (below 1/1000 of its first
            epoch's) for ``stop_when_idle`` steps and training stopped; ``None`` when the budget ran out.
        loss_floor: the lowest loss these batches allow: ``log(K - 1)`` for SupCon on P×K batches (each
            anchor's K - 1 positives share the probability), else 0. ``learned`` measures the fall towards it.
    """

    model: object
    embedding_model: object
    history: dict
    wall_time_s: float
    epochs: int
    steps: int = 0
    best_epoch: int | None = None
    idle_stop_epoch: int | None = None
    loss_floor: float = 0.0

    @property
    def learned(self) -> bool | None:
        """Whether the training loss's distance to its floor fell below :data:`LEARNED_BELOW` of the first
        epoch's (``None``: one epoch)."""
        loss, floor = self.history.get("loss") or [], self.loss_floor
        return None if len(loss) < 2 else bool(loss[-1] - floor < LEARNED_BELOW * (loss[0] - floor))

    def learning_report(self) -> str:
        """One sentence on whether the loss fell: what a lesson prints beside its scores."""
        if self.learned is None:
            return "one epoch only: too short to tell whether the model learned."
        loss = self.history["loss"]
        change = f"the training loss went from {loss[0]:.3g} (first epoch) to {loss[-1]:.3g} (last)"
        if self.loss_floor:
            change += f" against a floor of {self.loss_floor:.3g}"
        if self.learned:
            return f"{change}: the model learned."
        how = "a rise" if loss[-1] > loss[0] else f"less than a {1 - LEARNED_BELOW:.0%} fall"
        return (
            f"{change}, {how}: this model did NOT learn, and its embedding is "
            "close to an untrained one (try more steps, a larger learning rate or shorter series)."
        )


# --------------------------------------------------------------------------- the three helpers
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
        x_train, y_train: the training split, ``(n, timesteps, channels)`` float32 and ``(n,)`` int.
        head: ``"linear"`` (Dense logits; the embedding is the encoder's output) or ``"cosine"``
            (normalised softmax: the embedding is the encoder's output on the unit sphere; see
            :func:`tslearnkit.models.classifier_model`).
        epochs, batch_size: without a recipe, 30 epochs of batches of 32.
        augment: augment each training batch on the fly (jitter, scaling, magnitude warp).

    The other arguments are :class:`FitOptions`'; ``validation`` also gives ``val_loss`` and ``val_accuracy``.

    Returns:
        :class:`FitResult`; ``embedding_model`` is the encoder, L2-normalised for ``head="cosine"``.
    """
    options = FitOptions(
        recipe, encoder, encoder_config, learning_rate, lr_schedule, validation, callbacks, seed, verbose, strategy
    )
    x_train, y_train = _check_train(x_train, y_train)
    split = _start(options, x_train, y_train)
    (x_fit, y_fit), _ = split
    batch_size = min(int(resolve(batch_size, recipe, "batch_size", 32)), len(x_fit))
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_fit), batch_size)
    epochs = resolve_epochs(epochs, recipe, steps_per_epoch, 30)
    transform = _augmenter(resolve(augment, recipe, "augment", False), seed, recipe)
    dataset = sampling.shuffled_batches(x_fit, y_fit, batch_size, seed=seed, epochs=epochs, transform=transform)

    def classifier(encoder):
        model = models.classifier_model(encoder, int(y_train.max()) + 1, head=head)
        if head == "cosine":
            encoder = keras.Model(model.input, model.get_layer("embedding").output, name="cosine_embedding")
        return model, encoder

    loss, batches = keras.losses.SparseCategoricalCrossentropy(from_logits=True), (dataset, steps_per_epoch, epochs)
    desc = "cross-entropy" if head == "linear" else f"cross-entropy, {head} head"
    return _train(options, classifier, loss, batches, split, desc=desc, classifier=True)


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
        x_train, y_train: the training split, ``(n, t, c)`` float32 and ``(n,)`` int.
        loss: a name of :data:`LOSSES` but ``"ntxent"``, or a Keras ``Loss`` taking ``(labels, embeddings)``;
            ``loss_config`` the keyword arguments of a named one (``margin``, ``distance_metric``, ...).
        embedding_dim, normalize: see :func:`tslearnkit.models.embedding_model`.
        classes_per_batch, samples_per_class: P and K, P·K series a batch; without a recipe P = 4 (fewer
            classes: all), K = 10 and 30 epochs (an epoch covers every series at least once).
        augment: augment each training batch on the fly (applied before ``batch_transform``).
        batch_transform: optional ``(x, y) -> (x, y)`` applied to each batch, on the batch pipeline's arrays
            (tensors in ``tf.data``, NumPy arrays in a ``PyDataset``: :func:`tslearnkit.sampling.batch_pipeline`).
        stop_when_idle: stop once the loss has stayed below a thousandth of its first epoch's for this
            many optimizer steps (rounded up to whole epochs): every triplet of (nearly) every batch
            satisfies the margin, no gradient is left (:class:`tslearnkit.callbacks.StopWhenIdle`; only
            hinge losses, the triplet losses, ever get there). ``None`` trains the whole budget.

    The other arguments (``recipe``, ``encoder``, ``validation``, ...) are :class:`FitOptions`'.

    Returns:
        :class:`FitResult` whose ``model`` and ``embedding_model`` are the same model.
    """
    options = FitOptions(
        recipe, encoder, encoder_config, learning_rate, lr_schedule, validation, callbacks, seed, verbose, strategy
    )
    if stop_when_idle is not None and (
        isinstance(stop_when_idle, bool) or not isinstance(stop_when_idle, (int, np.integer)) or stop_when_idle < 1
    ):
        raise ValueError(f"stop_when_idle must be None or a number of optimizer steps >= 1; got {stop_when_idle!r}")
    split = _start(options, *_check_train(x_train, y_train))
    (x_fit, y_fit), _ = split
    p = int(resolve(classes_per_batch, recipe, "classes_per_batch", min(4, len(np.unique(y_fit)))))
    k = int(resolve(samples_per_class, recipe, "samples_per_class", 10))
    steps_per_epoch = sampling.steps_per_epoch(y_fit, p, k)
    epochs = resolve_epochs(epochs, recipe, steps_per_epoch, 30)
    transform = _chain(_augmenter(resolve(augment, recipe, "augment", False), seed, recipe), batch_transform)
    dataset = sampling.balanced_batches(x_fit, y_fit, p, k, seed=seed, epochs=epochs, transform=transform)
    metric_loss, desc = _make_loss(loss, loss_config, supervised=True)
    batches = (dataset, steps_per_epoch, epochs)
    make_model = _embedding_model(embedding_dim, normalize)
    floor = math.log(k - 1) if loss == "supcon" and k > 1 else 0.0  # SupCon cannot fall below log(K - 1)
    return _train(
        options, make_model, metric_loss, batches, split, desc=desc, stop_when_idle=stop_when_idle, floor=floor
    )


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
    treats the other view of the same series as the only positive (self-supervised); SupCon treats
    every row of the same class as a positive.

    Args:
        x_train, y_train: ``(n, t, c)`` float32 series and ``(n,)`` labels (needed by ``"supcon"`` only).
        loss: ``"ntxent"``, ``"supcon"`` or a Loss taking ``(labels, [z_a; z_b])``.
        recipe: sets ``batch_size`` (``contrastive_batch_size``), the step budget and, for SupCon only,
            the held-out validation share: NT-Xent is self-supervised and never selects weights with labels.
        views: function ``x_batch -> (view_a, view_b)`` of the batch pipeline's arrays (tensors in
            ``tf.data`` on TensorFlow, NumPy arrays on JAX and PyTorch: see
            :func:`tslearnkit.sampling.batch_pipeline`); default :func:`tslearnkit.augment.make_tf_two_views`
            seeded with ``seed``.
        embedding_dim, normalize: the talk's setting is a 2-D latent used directly.
        batch_size, epochs: ``B`` series a batch (2B rows); without a recipe 64 and 50 epochs.

    The other arguments are as in :func:`fit_embedding`.
    """
    options = FitOptions(
        recipe, encoder, encoder_config, learning_rate, lr_schedule, validation, callbacks, seed, verbose, strategy
    )
    x_train = check_series(x_train, name="x_train")
    supervised = loss == "supcon"  # labels name the positives, and pick the best weights
    if y_train is None and supervised:
        raise ValueError("loss='supcon' needs y_train")
    y_train = check_labels(np.zeros(len(x_train), int) if y_train is None else y_train, len(x_train), name="y_train")
    if views is None:
        views = augmentations.make_tf_two_views(seed)
    elif not callable(views):
        raise ValueError(f"views must be a function x_batch -> (view_a, view_b), or None; got {views!r}")
    if recipe is not None and recipe.per_series_channels:
        views = augmentations.at_series_scale(views)

    if sampling.batch_pipeline() == "tf.data":
        import tensorflow as tf

        concat = tf.concat
    else:  # a PyDataset's NumPy batches (JAX, PyTorch)
        concat = np.concatenate

    def to_views(xb, yb):
        view_a, view_b = views(xb)
        return concat([view_a, view_b], axis=0), concat([yb, yb], axis=0)

    split = _start(options, x_train, y_train, hold_out=supervised)
    (x_fit, y_fit), _ = split
    if len(x_fit) < 2:  # one series has no negatives: the loss is 0 from the first step and nothing is learned
        held = f" ({len(x_train)} before the recipe's validation share)" if len(x_fit) < len(x_train) else ""
        raise ValueError(f"fit_contrastive needs at least 2 training series to contrast; got {len(x_fit)}{held}")
    batch_size = resolve(batch_size, recipe, "contrastive_batch_size", 64)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 2:
        raise ValueError(
            f"batch_size must be an integer >= 2 (a batch of one series has no negatives); got {batch_size!r}"
        )
    drop = len(x_fit) >= batch_size
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_fit), int(batch_size), drop)
    epochs = resolve_epochs(epochs, recipe, steps_per_epoch, 50)
    dataset = sampling.shuffled_batches(
        x_fit, y_fit, int(batch_size), seed=seed, epochs=epochs, drop_remainder=drop, transform=to_views
    )
    contrastive_loss, desc = _make_loss(loss, loss_config, supervised=False)
    batches = (dataset, steps_per_epoch, epochs)
    return _train(options, _embedding_model(embedding_dim, normalize), contrastive_loss, batches, split, desc=desc)


# --------------------------------------------------------------------------- the shared pipeline
def _start(options: FitOptions, x_train, y_train, *, hold_out: bool = True):
    """Seed everything and carve the recipe's validation share out: ``(x_fit, y_fit), held_out or None``."""
    keras.utils.set_random_seed(int(options.seed))
    recipe = options.recipe
    if not hold_out or recipe is None or not recipe.validation_fraction:
        return (x_train, y_train), None
    kept, held_out = stratified_split_indices(y_train, recipe.validation_fraction, seed=options.seed)
    return (x_train[kept], y_train[kept]), (x_train[held_out], y_train[held_out])


def _train(
    options: FitOptions, make_model, loss, batches, split, *, desc, stop_when_idle=None, classifier=False, floor=0.0
):
    """Build ``make_model(encoder) -> (model, embedding_model)`` and compile it with ``loss`` in the
    strategy's scope, add the kit's callbacks, fit on ``batches`` (``dataset, steps_per_epoch, epochs``)
    and say whether the loss fell towards ``floor``. ``split`` is what :func:`_start` returned."""
    dataset, steps_per_epoch, epochs = batches
    fitted, held_out = split
    with backend.distribution_scope(options.strategy):
        shape, config = fitted[0].shape[1:], options.encoder_config or {}
        per_series = options.recipe is not None and options.recipe.per_series_channels
        if per_series:  # the encoder body also sees each channel standardised per series
            shape = (shape[0], 2 * shape[1])
        if isinstance(options.encoder, str):
            encoder = models.build_encoder(options.encoder, shape, **config)
        else:
            encoder = options.encoder(shape, **config)
        if per_series:
            encoder = models.with_per_series_channels(encoder)
        model, embedding_model = make_model(encoder)
        rate, total_steps = options.learning_rate, steps_per_epoch * epochs
        if options.lr_schedule == "cosine":  # decayed to 5 % over the fit
            rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=max(total_steps, 1), alpha=0.05)
        model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss, metrics=["accuracy"] if classifier else None)
    kit, best, idle, validation = [NonFiniteGuard()], None, None, options.validation
    if validation is not None:  # monitoring: the user's queries against the fitted series
        validation = check_validation(validation)
        kit.append(RetrievalMetricsCallback(*validation, *fitted, embedding_model=embedding_model))
    if held_out is not None:  # selection: about ten evaluations in the second half of the fit
        every, start = max(1, epochs // 20), max(1, epochs // 2)
        best = BestWeights(*held_out, *fitted, embedding_model=embedding_model, every_n_epochs=every, start_epoch=start)
        kit.append(best)
    if stop_when_idle is not None:  # the loss has stayed near zero: nothing left to learn
        idle = StopWhenIdle(int(stop_when_idle), steps_per_epoch)
        kit.append(idle)
    desc = desc or model.name
    mode = progress_mode(options.verbose)  # "bar", "lines" or "off"
    start_time = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,  # batch order is already drawn, seeded, by tslearnkit.sampling
        verbose=0,  # ProgressBar shows one bar per fit (Keras would print a line per epoch in batch runs)
        callbacks=[*kit, *options.callbacks, ProgressBar(mode, desc=desc)],
        validation_data=validation if classifier else None,  # val_loss and val_accuracy
    )
    elapsed = time.perf_counter() - start_time
    history = {key: [float(v) for v in values] for key, values in history.history.items()}
    n_epochs = len(history.get("loss", []))
    best_epoch, idle_epoch = getattr(best, "best_epoch", None), getattr(idle, "stopped_epoch", None)
    steps = steps_per_epoch * n_epochs
    result = FitResult(model, embedding_model, history, elapsed, n_epochs, steps, best_epoch, idle_epoch, floor)
    if result.learned is False and mode != "off":  # said in the fit's own output
        print(f"{desc}: {result.learning_report()}")
    return result


def _check_train(x, y):
    x = check_series(x, name="x_train")
    y = check_labels(y, len(x), name="y_train")
    if len(np.unique(y)) < 2:
        raise ValueError("y_train holds a single class; metric learning needs at least two")
    return x, y


def _augmenter(augment, seed, recipe):
    """``(x, y) -> (x_augmented, y)``, fresh randomness each batch; None when ``augment`` is off. With the
    recipe's ``per_series_channels`` each series is augmented at its own scale (``at_series_scale``)."""
    if not augment:
        return None
    augmenter = augmentations.make_tf_augmenter(list(BATCH_AUGMENTATIONS), seed=seed)
    return augmentations.at_series_scale(augmenter) if recipe is not None and recipe.per_series_channels else augmenter


def _chain(first, second):
    if first is None or second is None:
        return first or second
    return lambda xb, yb: second(*first(xb, yb))


def _embedding_model(embedding_dim, normalize):
    """``make_model`` of the metric-learning fits: encoder → embedding head, the model its own embedding."""

    def make_model(encoder):
        model = models.embedding_model(encoder, embedding_dim, normalize)
        return model, model

    return make_model


def _make_loss(loss, loss_config, *, supervised):
    """The Keras loss for ``loss`` (a name of :data:`LOSSES` or a Loss) and the name progress shows."""
    if not isinstance(loss, str):
        if loss_config:
            raise ValueError("loss_config applies only when loss is given by name")
        return loss, getattr(loss, "name", None)
    if supervised and loss == "ntxent":
        raise ValueError(
            f"loss={loss!r} is self-supervised: it needs two augmented views of each series, which "
            "fit_embedding does not make; use tk.training.fit_contrastive(x, loss='ntxent')"
        )
    if not supervised and loss in LOSSES and loss not in ("ntxent", "supcon"):
        raise ValueError(
            f"fit_contrastive takes loss 'ntxent' or 'supcon' (or a Loss object); got {loss!r}, "
            "a triplet loss: use tk.training.fit_embedding(x, y, loss=...)"
        )
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)} or pass a Loss")
    return getattr(losses, LOSSES[loss])(**(loss_config or {})), loss
