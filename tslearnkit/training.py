"""Training and evaluation helpers shared by every lesson.

Three ways to learn an embedding, each a thin layer over ``model.fit``:

* :func:`fit_classifier` — cross-entropy; the encoder's output is the embedding (the baseline).
* :func:`fit_embedding` — a metric loss (triplet batch-all / semi-hard / hard, SupCon) on
  class-balanced P×K batches from :func:`tslearnkit.sampling.balanced_batches`.
* :func:`fit_contrastive` — two augmented views per series; NT-Xent (self-supervised) or
  SupCon (with labels).

All of them take ``seed`` (same seed → same weights on CPU), ``epochs``, ``verbose``
(``"auto"``: a progress bar when interactive, one line per epoch otherwise), optional
validation monitoring and ``strategy`` (a ``tf.distribute`` strategy; the model is built and
compiled inside its scope). :func:`evaluate_embedding` scores an embedding the way every lesson
reports it: test series as queries against the training series as reference.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import models, sampling
from .data import check_labels, check_series

__all__ = [
    "FitResult",
    "LOSSES",
    "fit_classifier",
    "fit_embedding",
    "fit_contrastive",
    "embed",
    "evaluate_embedding",
    "resolve_verbose",
    "active_triplet_fraction",
    "ActiveTripletsCallback",
    "cluster_scores",
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
    """

    model: object
    embedding_model: object
    history: dict
    wall_time_s: float
    epochs: int


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
    start = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,  # batch order is already drawn, seeded, by tslearnkit.sampling
        verbose=resolve_verbose(verbose),
        callbacks=list(callbacks),
        validation_data=validation_data,
    )
    elapsed = time.perf_counter() - start
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    n_epochs = len(next(iter(hist.values()))) if hist else 0
    return hist, elapsed, n_epochs


def _check_train(x, y):
    x = check_series(x, name="x_train")
    y = check_labels(y, len(x), name="y_train")
    if len(np.unique(y)) < 2:
        raise ValueError("y_train holds a single class; metric learning needs at least two")
    return x, y


def _retrieval_callback(validation, reference, every_n_epochs):
    if validation is None:
        return []
    from .metrics import RetrievalMetricsCallback

    x_val, y_val = validation
    x_ref, y_ref = reference
    return [RetrievalMetricsCallback(x_val, y_val, x_ref, y_ref, every_n_epochs=every_n_epochs)]


def _fit_embedding_model(x_train, y_train, dataset, steps_per_epoch, *, encoder, encoder_config, embedding_dim,
                         normalize, loss, loss_config, epochs, learning_rate, lr_schedule, validation, callbacks,
                         verbose, strategy) -> FitResult:
    """Build and compile encoder → embedding inside the strategy's scope, then fit on ``dataset``."""
    with _strategy(strategy).scope():
        enc = _build_encoder(encoder, x_train.shape[1:], encoder_config)
        model = models.embedding_model(enc, embedding_dim, normalize)
        optimizer = _optimizer(learning_rate, steps_per_epoch * epochs, lr_schedule)
        model.compile(optimizer=optimizer, loss=_make_loss(loss, **(loss_config or {})))
    extra = _retrieval_callback(validation, (x_train, y_train), 1)
    history, elapsed, n_epochs = _fit(
        model, dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose, callbacks=[*extra, *callbacks]
    )
    return FitResult(model, model, history, elapsed, n_epochs)


# --------------------------------------------------------------------------- classifier
def fit_classifier(
    x_train,
    y_train,
    *,
    encoder="conv",
    encoder_config: dict | None = None,
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    lr_schedule: str = "cosine",
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
        encoder: a name from :data:`tslearnkit.models.ENCODERS` or a builder function.
        encoder_config: keyword arguments for the encoder.
        epochs, batch_size, learning_rate: the usual; Adam with ``lr_schedule``.
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
    n_classes = int(y_train.max()) + 1
    _seed_everything(seed)
    steps = sampling.shuffled_steps_per_epoch(len(x_train), batch_size) * epochs
    with _strategy(strategy).scope():
        enc = _build_encoder(encoder, x_train.shape[1:], encoder_config)
        model = models.classifier_model(enc, n_classes)
        model.compile(
            optimizer=_optimizer(learning_rate, steps, lr_schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_train), batch_size)
    dataset = sampling.shuffled_batches(x_train, y_train, batch_size, seed=seed, epochs=epochs)
    val_data = None
    if validation is not None:
        val_data = (check_series(validation[0], name="x_val"), check_labels(validation[1], name="y_val"))
    extra = _retrieval_callback(val_data, (x_train, y_train), 1)
    for cb in extra:
        cb.embedding_model = enc
    history, elapsed, n_epochs = _fit(
        model, dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose,
        callbacks=[*extra, *callbacks], validation_data=val_data,
    )
    return FitResult(model, enc, history, elapsed, n_epochs)


# --------------------------------------------------------------------------- metric losses
def fit_embedding(
    x_train,
    y_train,
    *,
    loss="semihard",
    loss_config: dict | None = None,
    encoder="conv",
    encoder_config: dict | None = None,
    embedding_dim: int | None = 128,
    normalize: bool = True,
    classes_per_batch: int = 4,
    samples_per_class: int = 10,
    epochs: int = 30,
    learning_rate: float = 1e-3,
    lr_schedule: str = "cosine",
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
        encoder, encoder_config: see :func:`tslearnkit.models.build_encoder`.
        embedding_dim, normalize: see :func:`tslearnkit.models.embedding_model`.
        classes_per_batch, samples_per_class: P and K; a batch holds P·K series.
        batch_transform: optional ``(x, y) -> (x, y)`` tensor function applied to each batch
            (on-the-fly augmentation of the training batches).
        validation: optional ``(x_val, y_val)``; retrieval metrics of these queries against
            the training set are added to the logs as ``val_precision_at_1`` etc.
        epochs, learning_rate, lr_schedule, callbacks, seed, verbose, strategy: as in
            :func:`fit_classifier`. An epoch covers every training series at least once.

    Returns:
        :class:`FitResult` whose ``model`` and ``embedding_model`` are the same model.
    """
    x_train, y_train = _check_train(x_train, y_train)
    _seed_everything(seed)
    steps_per_epoch = sampling.steps_per_epoch(y_train, classes_per_batch, samples_per_class)
    dataset = sampling.balanced_batches(
        x_train, y_train, classes_per_batch, samples_per_class, seed=seed, epochs=epochs, transform=batch_transform
    )
    return _fit_embedding_model(
        x_train, y_train, dataset, steps_per_epoch, encoder=encoder, encoder_config=encoder_config,
        embedding_dim=embedding_dim, normalize=normalize, loss=loss, loss_config=loss_config, epochs=epochs,
        learning_rate=learning_rate, lr_schedule=lr_schedule, validation=validation, callbacks=callbacks,
        verbose=verbose, strategy=strategy,
    )


# --------------------------------------------------------------------------- contrastive
def fit_contrastive(
    x_train,
    y_train=None,
    *,
    loss="ntxent",
    loss_config: dict | None = None,
    views: Callable | None = None,
    encoder="fcn",
    encoder_config: dict | None = None,
    embedding_dim: int | None = 2,
    normalize: bool = False,
    batch_size: int = 64,
    epochs: int = 50,
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
            validation metrics.
        loss: ``"ntxent"``, ``"supcon"`` or a Loss taking ``(labels, [z_a; z_b])``.
        views: tensor function ``x_batch -> (view_a, view_b)``; default
            :func:`tslearnkit.augment.make_tf_two_views` seeded with ``seed``.
        embedding_dim, normalize: the talk's setting is a 2-D latent used directly
            (``embedding_dim=2, normalize=False``).
        Other arguments as in :func:`fit_embedding`.

    Returns:
        :class:`FitResult`.
    """
    import tensorflow as tf

    x_train = check_series(x_train, name="x_train")
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

    drop = len(x_train) >= batch_size
    steps_per_epoch = sampling.shuffled_steps_per_epoch(len(x_train), batch_size, drop)
    dataset = sampling.shuffled_batches(
        x_train, y_train, batch_size, seed=seed, epochs=epochs, drop_remainder=drop, transform=to_views
    )
    return _fit_embedding_model(
        x_train, y_train, dataset, steps_per_epoch, encoder=encoder, encoder_config=encoder_config,
        embedding_dim=embedding_dim, normalize=normalize, loss=loss, loss_config=loss_config, epochs=epochs,
        learning_rate=learning_rate, lr_schedule=lr_schedule, validation=validation, callbacks=callbacks,
        verbose=verbose, strategy=strategy,
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


def embedding_scores(train_emb, y_train, test_emb, y_test, *, k_values=(1, 3, 5, 10), legacy_k=3, seed=0) -> dict:
    """:func:`evaluate_embedding` on precomputed embeddings (or raw flattened series)."""
    from . import metrics

    y_train = check_labels(y_train, len(train_emb), name="y_train")
    y_test = check_labels(y_test, len(test_emb), name="y_test")
    scores = metrics.retrieval_metrics(test_emb, y_test, train_emb, y_train, k=None, seed=seed)
    legacy = metrics.retrieval_metrics(test_emb, y_test, train_emb, y_train, k=legacy_k, seed=seed, include=["legacy_map_at_k"])
    scores["legacy_map_at_k"] = legacy["legacy_map_at_k"]
    for k in k_values:
        key = "knn_accuracy" if k == 1 else f"knn_accuracy_at_{k}"
        scores[key] = metrics.knn_accuracy(train_emb, y_train, test_emb, y_test, k=k)
    return {key: float(value) for key, value in scores.items()}


# --------------------------------------------------------------------------- monitoring
def active_triplet_fraction(embeddings, labels, *, margin: float, distance_metric: str = "L2") -> float:
    """Share of valid (anchor, positive, negative) triplets whose loss is still positive.

    Args:
        embeddings: ``(b, d)``; labels: ``(b,)`` ints.
        margin, distance_metric: as in the triplet losses.

    Returns:
        ``active / valid`` in [0, 1]; 0 when the batch has no valid triplet.
    """
    from .losses import pairwise_distances

    labels = np.asarray(labels).reshape(-1)
    dist = np.asarray(pairwise_distances(np.asarray(embeddings, np.float32), distance_metric), np.float64)
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(labels), dtype=bool)
    negative = ~same
    # violation[a, p, n] = d(a, p) - d(a, n) + margin, only over valid (p, n) for each a: O(b^3)
    # memory is fine for the small monitoring batches this is meant for (b = P·K ≈ 40).
    violation = dist[:, :, None] - dist[:, None, :] + margin
    valid = positive[:, :, None] & negative[:, None, :]
    n_valid = int(valid.sum())
    return float(((violation > 0) & valid).sum() / n_valid) if n_valid else 0.0


def _active_triplets_callback_class():
    import keras

    class ActiveTripletsCallback(keras.callbacks.Callback):
        """Adds ``active_triplets`` to the epoch logs: the share of valid triplets that still
        violate the margin, averaged over a fixed set of P×K training batches."""

        def __init__(self, x, y, classes_per_batch, samples_per_class, *, margin, distance_metric="L2", n_batches=4, seed=0):
            super().__init__()
            x = check_series(x)
            y = check_labels(y, len(x))
            idx = sampling.balanced_batch_indices(y, classes_per_batch, samples_per_class, seed=seed)[:n_batches]
            self._batches = [(x[i], y[i]) for i in idx]
            self.margin = margin
            self.distance_metric = distance_metric

        def on_epoch_end(self, epoch, logs=None):
            shares = [
                active_triplet_fraction(np.asarray(self.model(xb, training=False)), yb, margin=self.margin,
                                        distance_metric=self.distance_metric)
                for xb, yb in self._batches
            ]
            if logs is not None:
                logs["active_triplets"] = float(np.mean(shares))

    return ActiveTripletsCallback


def __getattr__(name):
    if name == "ActiveTripletsCallback":
        cls = _active_triplets_callback_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module 'tslearnkit.training' has no attribute {name!r}")


def cluster_scores(embeddings, labels, *, n_clusters: int | None = None, seed: int = 0) -> dict:
    """k-means on ``embeddings`` (as many clusters as classes), scored against ``labels``.

    Returns:
        ``{"NMI", "AMI", "ARI"}`` of the cluster assignment; the k-means is the one
        :func:`tslearnkit.metrics.retrieval_metrics` uses, so NMI/AMI agree with it.
    """
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

    from .metrics import kmeans_cluster_labels

    labels = check_labels(labels, len(embeddings))
    n_clusters = n_clusters or len(np.unique(labels))
    assigned = kmeans_cluster_labels(np.asarray(embeddings, np.float32), n_clusters, seed=seed)
    return {
        "NMI": float(normalized_mutual_info_score(labels, assigned)),
        "AMI": float(adjusted_mutual_info_score(labels, assigned)),
        "ARI": float(adjusted_rand_score(labels, assigned)),
    }
