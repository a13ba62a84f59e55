"""What every ``tk.training.fit_*`` helper shares: :class:`FitOptions` (the common arguments,
documented once), :class:`FitResult`, and the plumbing that applies a
:class:`tslearnkit.recipe.Recipe` (held-out validation, batch augmentation, best weights) around
``model.fit``. Users import these names from :mod:`tslearnkit.training`.
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import sys
import time
from collections.abc import Sequence

import numpy as np

from . import backend, models
from .data import check_labels, check_series, stratified_split_indices
from .recipe import BATCH_AUGMENTATIONS, Recipe

__all__ = ["FitOptions", "FitResult", "LOSSES", "resolve_verbose", "LEARNED_BELOW"]

LEARNED_BELOW = 0.9
"""A fit *learned* when its last epoch's mean training loss is below this fraction of its first
epoch's. A flat loss (the issue's long-series fit stayed at 0.44 from first report to last)
means the embedding is little better than an untrained one; the fit says so."""

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
        idle_stop_epoch: the epoch after which training stopped because the loss had stayed near
            zero (below 1/1000 of its first epoch) for ``stop_when_idle`` steps; ``None`` when the
            budget ran out.
    """

    model: object
    embedding_model: object
    history: dict
    wall_time_s: float
    epochs: int
    steps: int = 0
    best_epoch: int | None = None
    idle_stop_epoch: int | None = None

    @property
    def learned(self) -> bool | None:
        """Whether the training loss fell below :data:`LEARNED_BELOW` of its first epoch's value
        (``None`` with fewer than two epochs: nothing to compare)."""
        return _loss_fell(self.history.get("loss") or [])

    def learning_report(self) -> str:
        """One sentence on whether the loss fell: what a lesson prints beside its scores."""
        return _learning_report(self.history.get("loss") or [])


def _loss_fell(loss) -> bool | None:
    return None if len(loss) < 2 else bool(loss[-1] < LEARNED_BELOW * loss[0])


def _learning_report(loss) -> str:
    fell = _loss_fell(loss)
    if fell is None:
        return "one epoch only: too short to tell whether the model learned."
    change = f"the training loss went from {loss[0]:.3g} (first epoch) to {loss[-1]:.3g} (last)"
    if fell:
        return f"{change}: the model learned."
    return (
        f"{change}, less than a {1 - LEARNED_BELOW:.0%} fall: this model did NOT learn, and its embedding is "
        "close to an untrained one (try more steps, a larger learning rate or shorter series)."
    )


# --------------------------------------------------------------------------- shared pieces
def resolve_verbose(verbose) -> int:
    """``verbose`` of the ``fit_*`` helpers as 0 (silent), 1 (one progress bar) or 2 (a few
    summary lines); ``"auto"`` is 1 in an interactive session, 2 in batch runs (papermill via
    ``tslearnkit run`` sets ``TSLEARNKIT_BATCH=1``; CI sets ``CI``) and when not a TTY."""
    if verbose != "auto":
        if isinstance(verbose, bool) or verbose not in (0, 1, 2):
            raise ValueError(
                f"verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (summary lines); got {verbose!r}"
            )
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
    """The context to build and compile in: see :func:`tslearnkit.backend.distribution_scope`."""
    return backend.distribution_scope(strategy)


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

    # NaN is let through on purpose: NonFiniteGuard stops that run at its first epoch and names
    # the learning rate (the "diverging run"); everything else wrong is refused here.
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, numbers.Real)
        or learning_rate <= 0
        or learning_rate == float("inf")
    ):
        raise ValueError(
            f"learning_rate must be a positive number (Adam's step size, e.g. 1e-3); got {learning_rate!r}"
        )

    if schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(total_steps, 1), alpha=0.05)
    elif schedule == "constant":
        lr = learning_rate
    else:
        raise ValueError(f"lr_schedule must be 'cosine' or 'constant'; got {schedule!r}")
    return keras.optimizers.Adam(lr)


SELF_SUPERVISED = ("ntxent",)
CONTRASTIVE = ("ntxent", "supcon")


def _make_loss(loss, *, supervised=True, **loss_config):
    from . import losses

    if isinstance(loss, str):
        if supervised and loss in SELF_SUPERVISED:
            raise ValueError(
                f"loss={loss!r} is self-supervised: it needs two augmented views of each series, which "
                "fit_embedding does not make; use tk.training.fit_contrastive(x, loss='ntxent')"
            )
        if not supervised and loss in LOSSES and loss not in CONTRASTIVE:
            raise ValueError(
                f"fit_contrastive takes loss 'ntxent' or 'supcon' (or a Loss object); got {loss!r}, "
                "a triplet loss: use tk.training.fit_embedding(x, y, loss=...)"
            )
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)} or pass a Loss")
        return getattr(losses, LOSSES[loss])(**loss_config)
    if loss_config:
        raise ValueError("loss_config applies only when loss is given by name")
    return loss


def _fit(model, dataset, *, epochs, steps_per_epoch, verbose, callbacks, validation_data=None, desc=None):
    from .callbacks import NonFiniteGuard
    from .progress import ProgressBar

    progress = ProgressBar(("off", "bar", "lines")[resolve_verbose(verbose)], desc=desc or model.name)
    start = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,  # batch order is already drawn, seeded, by tslearnkit.sampling
        verbose=0,  # ProgressBar shows one bar per fit (Keras would print a line per epoch in batch runs)
        callbacks=[NonFiniteGuard(), *callbacks, progress],
        validation_data=validation_data,
    )
    elapsed = time.perf_counter() - start
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    n_epochs = len(hist["loss"]) if "loss" in hist else 0
    if _loss_fell(hist.get("loss", [])) is False and resolve_verbose(verbose):  # said in the fit's own output
        print(f"{desc or model.name}: {_learning_report(hist['loss'])}")
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


def _epochs(epochs, recipe, steps_per_epoch, *, default):
    """An explicit epoch count wins, then the recipe's step budget, then the old fixed default."""
    if epochs is not None:
        return int(epochs)
    return recipe.epochs_for(steps_per_epoch) if recipe is not None else default


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

    def augment_series(xb, yb):  # a named function: AutoGraph cannot always convert a lambda
        return transform(xb), yb

    return augment_series


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
            On JAX, a ``keras.distribution.DataParallel`` instead (set as Keras' distribution).
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
    supervised=True,
    stop_when_idle=None,
) -> FitResult:
    """Build and compile encoder → embedding inside the strategy's scope, then fit on ``dataset``."""
    with _strategy(options.strategy):
        enc = _build_encoder(options.encoder, x_fit.shape[1:], options.encoder_config)
        model = models.embedding_model(enc, embedding_dim, normalize)
        optimizer = _optimizer(options.learning_rate, steps_per_epoch * epochs, options.lr_schedule)
        model.compile(optimizer=optimizer, loss=_make_loss(loss, supervised=supervised, **(loss_config or {})))
    extra = _retrieval_callback(options.validation, (x_fit, y_fit), 1)
    extra += _selection_callbacks(selection, (x_fit, y_fit), None, epochs)
    idle = _idle_callback(stop_when_idle, steps_per_epoch)
    extra += idle
    history, elapsed, n_epochs = _fit(
        model,
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        verbose=options.verbose,
        callbacks=[*extra, *options.callbacks],
        desc=loss if isinstance(loss, str) else getattr(loss, "name", None),
    )
    stopped = idle[0].stopped_epoch if idle else None
    return FitResult(model, model, history, elapsed, n_epochs, steps_per_epoch * n_epochs, _best_epoch(extra), stopped)


def _idle_callback(stop_when_idle, steps_per_epoch):
    from .callbacks import StopWhenIdle

    if stop_when_idle is None:
        return []
    if isinstance(stop_when_idle, bool) or not isinstance(stop_when_idle, (int, np.integer)) or stop_when_idle < 1:
        raise ValueError(
            f"stop_when_idle must be None (train the whole budget) or a number of optimizer steps >= 1; "
            f"got {stop_when_idle!r}"
        )
    return [StopWhenIdle(int(stop_when_idle), steps_per_epoch)]
