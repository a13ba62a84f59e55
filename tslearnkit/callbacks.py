"""Keras callbacks that watch training: model selection on a validation split and the share of
active triplets.

* :class:`BestWeights` — every few epochs, scores validation queries against a reference
  (retrieval MAP@R by default), keeps the best weights and restores them when training ends.
* :class:`ActiveTripletsCallback` — adds ``active_triplets`` (the share of valid triplets
  that still violate the margin, on fixed training batches) to the epoch logs.
* :class:`NonFiniteGuard` — stops training at the end of the first epoch whose loss or weights
  are not finite, with :class:`NonFiniteTrainingError` naming the epoch and the likely causes.
  Every ``tk.training.fit_*`` adds it; add it yourself to a plain ``model.fit``.
* :class:`StopWhenIdle` — stops training once the loss has stayed near zero (every
  ``tk.training.fit_embedding`` adds it; see ``stop_when_idle``).

``tk.metrics.RetrievalMetricsCallback`` (metrics in the logs every epoch) lives with the
metrics it reports.
"""

from __future__ import annotations

import keras
import numpy as np

from . import backend, sampling
from .checks import check_labels, check_series
from .losses import pairwise_distances
from .metrics import retrieval_metrics

__all__ = [
    "BestWeights",
    "ActiveTripletsCallback",
    "NonFiniteGuard",
    "NonFiniteTrainingError",
    "StopWhenIdle",
    "active_triplet_fraction",
]


def active_triplet_fraction(embeddings, labels, *, margin: float, distance_metric: str = "L2") -> float:
    """Share of valid (anchor, positive, negative) triplets whose loss is still positive.

    Args:
        embeddings: ``(b, d)``; labels: ``(b,)`` ints.
        margin, distance_metric: as in the triplet losses.

    Returns:
        ``active / valid`` in [0, 1]; 0 when the batch has no valid triplet.
    """
    labels = np.asarray(labels).reshape(-1)
    dist = np.asarray(pairwise_distances(np.asarray(embeddings, np.float32), distance_metric), np.float64)
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(labels), dtype=bool)
    negative = ~same
    # violation[a, p, n] = d(a, p) - d(a, n) + margin over valid (p, n) for each a: O(b^3)
    # memory is fine for the small monitoring batches this is meant for (b = P·K ≈ 64).
    violation = dist[:, :, None] - dist[:, None, :] + margin
    valid = positive[:, :, None] & negative[:, None, :]
    n_valid = int(valid.sum())
    return float(((violation > 0) & valid).sum() / n_valid) if n_valid else 0.0


class NonFiniteTrainingError(FloatingPointError):
    """Training produced a NaN/inf loss or NaN/inf weights (raised by :class:`NonFiniteGuard`)."""


def _non_finite_message(epoch, what, model, hint):
    lr = None
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        try:
            lr = float(np.asarray(optimizer.learning_rate))
        except (TypeError, ValueError):
            lr = None
    causes = [
        f"a learning rate that is too high or not finite (now {lr!r})"
        if lr is not None
        else "a learning rate that is too high or not finite",
        "inputs on a huge scale or with NaN/inf (standardise the series first)",
        "a loss configuration that cannot learn (e.g. a single class per batch, a negative margin)",
    ]
    text = f"training stopped at epoch {epoch}: {what}. Likely causes: " + "; ".join(causes)
    return f"{text}. {hint}".strip()


class NonFiniteGuard(keras.callbacks.Callback):
    """Raise :class:`NonFiniteTrainingError` at the end of an epoch whose loss (or any logged
    loss) or any weight is NaN/inf — checked on the weights themselves, because a diverged
    compiled step can still report a finite loss (masked reductions hide NaN embeddings).

    Args:
        hint: extra text for the error (e.g. the input scale the helper saw).
    """

    def __init__(self, hint: str = ""):
        super().__init__()
        self.hint = hint

    # The guard reports divergence, not the losses' own eager NaN checks (which torch's
    # eager train step would otherwise run; see backend.suspend_value_checks).
    def on_train_batch_begin(self, batch, logs=None):
        backend.suspend_value_checks(True)

    def on_train_batch_end(self, batch, logs=None):
        backend.suspend_value_checks(False)

    def on_epoch_end(self, epoch, logs=None):
        backend.suspend_value_checks(False)
        for key, value in (logs or {}).items():
            if "loss" in key and not np.isfinite(np.asarray(value, np.float64)).all():
                raise NonFiniteTrainingError(
                    _non_finite_message(epoch + 1, f"{key} is {float(value)}", self.model, self.hint)
                )
        for weight in self.model.weights:
            if not np.isfinite(np.asarray(weight)).all():
                raise NonFiniteTrainingError(
                    _non_finite_message(epoch + 1, f"weight {weight.path!r} holds NaN or inf", self.model, self.hint)
                )


class BestWeights(keras.callbacks.Callback):
    """Keep the weights with the best validation retrieval score; restore them at the end.

    Every ``every_n_epochs`` epochs (and at the last) the validation series are embedded
    and ranked against the reference series; ``monitor`` (a key of
    :func:`tslearnkit.metrics.retrieval_metrics`, higher is better) is written to the logs
    as ``val_<monitor>``. When training ends the model gets the best weights back.

    Args:
        x_val, y_val: validation series ``(n, t, c)`` and labels, carved from the training split.
        x_ref, y_ref: the reference they are ranked against (the part of the training split
            that is fitted on).
        embedding_model: maps series to embeddings; default the model being trained.
        every_n_epochs: evaluate this often (>= 1).
        start_epoch: evaluate only from this (1-based) epoch on: early weights are rarely
            the best, and a small validation set can make them look so.
        monitor: metric to maximise (default MAP@R).

    Attributes:
        best_epoch: 1-based epoch of the restored weights (None before training).
        best_score: its ``monitor`` value.
    """

    def __init__(
        self,
        x_val,
        y_val,
        x_ref,
        y_ref,
        *,
        embedding_model=None,
        every_n_epochs: int = 1,
        start_epoch: int = 1,
        monitor: str = "mean_average_precision_at_r",
    ):
        super().__init__()
        self.x_val, self.y_val = check_series(x_val, name="x_val"), check_labels(y_val, len(x_val), name="y_val")
        self.x_ref, self.y_ref = check_series(x_ref, name="x_ref"), check_labels(y_ref, len(x_ref), name="y_ref")
        if not isinstance(every_n_epochs, (int, np.integer)) or every_n_epochs < 1:
            raise ValueError(f"every_n_epochs must be an integer >= 1; got {every_n_epochs!r}")
        self.embedding_model = embedding_model
        self.every_n_epochs = int(every_n_epochs)
        self.start_epoch = int(start_epoch)
        self.monitor = monitor
        self.best_epoch = None
        self.best_score = -np.inf
        self._best_weights = None

    def _score(self) -> float:
        model = self.embedding_model if self.embedding_model is not None else self.model
        val = np.asarray(model.predict(self.x_val, batch_size=256, verbose=0))
        ref = np.asarray(model.predict(self.x_ref, batch_size=256, verbose=0))
        return float(retrieval_metrics(val, self.y_val, ref, self.y_ref, include=[self.monitor])[self.monitor])

    def on_epoch_end(self, epoch, logs=None):
        last = self.params.get("epochs") if self.params else None
        if epoch + 1 < self.start_epoch or ((epoch + 1) % self.every_n_epochs and epoch + 1 != last):
            return
        score = self._score()
        if logs is not None:
            logs[f"val_{self.monitor}"] = score
        if score >= self.best_score:  # ties keep the later weights (further down the schedule)
            self.best_score, self.best_epoch = score, epoch + 1
            self._best_weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self._best_weights is not None:
            self.model.set_weights(self._best_weights)


class ActiveTripletsCallback(keras.callbacks.Callback):
    """Adds ``active_triplets`` to the epoch logs: the share of valid triplets that still
    violate the margin, averaged over a fixed set of P×K training batches."""

    def __init__(
        self, x, y, classes_per_batch, samples_per_class, *, margin, distance_metric="L2", n_batches=4, seed=0
    ):
        super().__init__()
        x = check_series(x)
        y = check_labels(y, len(x))
        idx = sampling.balanced_batch_indices(y, classes_per_batch, samples_per_class, seed=seed)[:n_batches]
        self._batches = [(x[i], y[i]) for i in idx]
        self.margin = margin
        self.distance_metric = distance_metric

    def on_epoch_end(self, epoch, logs=None):
        shares = [
            active_triplet_fraction(
                keras.ops.convert_to_numpy(self.model(xb, training=False)),
                yb,
                margin=self.margin,
                distance_metric=self.distance_metric,
            )
            for xb, yb in self._batches
        ]
        if logs is not None:
            logs["active_triplets"] = float(np.mean(shares))


class StopWhenIdle(keras.callbacks.Callback):
    """Stops training once the loss has stayed below ``fraction`` of its first epoch's value
    for ``patience_steps`` optimizer steps.

    A hinge loss (the triplet losses) is zero on a batch when every triplet of it already
    satisfies the margin: the batch has no gradient and teaches nothing. With on-the-fly
    augmentation a few triplets flicker back now and then, so the loss is rarely exactly
    zero; a thousandth of where it started is "nothing left to learn" in practice. Never fires
    for losses that stay far from zero (SupCon, NT-Xent, whose floor is the log of the
    positives per anchor).

    Attributes:
        stopped_epoch: 1-based epoch after which training stopped (``None`` if it did not).
    """

    def __init__(self, patience_steps: int, steps_per_epoch: int, *, fraction: float = 1e-3):
        super().__init__()
        if patience_steps < 1 or steps_per_epoch < 1 or not 0 <= fraction < 1:
            raise ValueError(
                "patience_steps and steps_per_epoch must be >= 1 and fraction in [0, 1); got "
                f"{patience_steps}, {steps_per_epoch}, {fraction}"
            )
        self.patience_epochs = max(1, -(-int(patience_steps) // int(steps_per_epoch)))
        self.fraction = float(fraction)
        self.stopped_epoch = None
        self._first = None
        self._idle = 0

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if self._first is None:
            self._first = loss
        self._idle = self._idle + 1 if loss <= self.fraction * self._first else 0
        if self._idle >= self.patience_epochs:
            self.stopped_epoch = epoch + 1
            self.model.stop_training = True
