"""Class-balanced P×K batches for metric learning.

Triplet and supervised contrastive losses need every batch to hold several classes *and*
several samples of each (a batch without a positive pair teaches nothing). The study used
P = 4 classes × K = 10 samples. :func:`balanced_batches` builds exactly such batches.

How an epoch is scheduled
    * Every class ``c`` must be drawn ``ceil(n_c / K)`` times so each of its samples is seen;
      an epoch has ``S = max(max_c ceil(n_c / K), ceil(sum_c ceil(n_c / K) / P))`` batches, so
      it covers the whole training set. Each batch takes the P classes with the most draws
      still owed (random tie-break); once every debt is paid, classes are picked at random.
    * Within a class, samples come from a shuffled queue: no sample repeats until all of the
      class has been used. When the queue runs dry it is refilled with a fresh permutation, so a
      class with fewer than K samples is drawn *with replacement* — some of its samples appear
      twice in the same batch — and minority classes are revisited more often than majority
      ones (this is what makes the batches balanced).
    * Batch order is shuffled. Everything derives from ``seed`` and the epoch number, so two
      runs with the same seed see the same batches, and each epoch differs from the last. The
      indices are drawn in NumPy up front, so one device and N replicas see the same batches.

Two pipelines, one schedule
    On the TensorFlow backend the batches come as a ``tf.data.Dataset`` (gathered and transformed
    in TensorFlow's threads, prefetched). On JAX and PyTorch they come as an :class:`IndexBatches`,
    a ``keras.utils.PyDataset`` that gathers with NumPy: TensorFlow is not needed there (Colab's TPU
    runtime has none). :func:`batch_pipeline` says which. The index arrays are the same, so the same
    seed gives the same batches on every backend; only a ``transform`` differs (a function of
    TensorFlow tensors inside ``tf.data``, of NumPy arrays in a PyDataset:
    :func:`tslearnkit.augment.make_tf_augmenter` returns the one the pipeline takes).
"""

from __future__ import annotations

import math

import keras
import numpy as np

from . import backend
from .checks import check_flag, check_int
from .data import check_labels, check_series

__all__ = [
    "BATCH_PIPELINES",
    "batch_pipeline",
    "IndexBatches",
    "balanced_batches",
    "balanced_batch_indices",
    "steps_per_epoch",
    "shuffled_batches",
    "shuffled_steps_per_epoch",
]


# What balanced_batches and shuffled_batches return: a tf.data.Dataset, or an IndexBatches (a PyDataset).
BATCH_PIPELINES = ("tf.data", "PyDataset")


def batch_pipeline() -> str:
    """The batch pipeline of the Keras backend in use: ``"tf.data"`` on TensorFlow, ``"PyDataset"`` on
    JAX and PyTorch (no TensorFlow needed)."""
    return "tf.data" if backend.name() == "tensorflow" else "PyDataset"


def _class_members(y: np.ndarray) -> dict[int, np.ndarray]:
    return {int(c): np.flatnonzero(y == c) for c in np.unique(y)}


def _check_pk(n_classes: int, classes_per_batch: int, samples_per_class: int) -> None:
    for value, name in ((classes_per_batch, "classes_per_batch"), (samples_per_class, "samples_per_class")):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if classes_per_batch < 2:
        raise ValueError(f"classes_per_batch must be >= 2 so that each batch has negatives; got {classes_per_batch}")
    if classes_per_batch > n_classes:
        raise ValueError(
            f"classes_per_batch={classes_per_batch} is larger than the number of classes in "
            f"the data ({n_classes}); use at most {n_classes}"
        )
    if samples_per_class < 2:
        raise ValueError(
            f"samples_per_class must be >= 2 so that each batch has positive pairs; got {samples_per_class}"
        )


def _check_epochs_and_transform(epochs, transform) -> None:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    if transform is not None and not callable(transform):
        raise ValueError(
            f"transform must be a function (x_batch, y_batch) -> (x_batch, y_batch) or None; got {transform!r}"
        )


def steps_per_epoch(y, classes_per_batch: int, samples_per_class: int) -> int:
    """Number of P×K batches needed for one epoch to cover every sample of ``y``."""
    y = check_labels(y)
    counts = np.bincount(y)
    counts = counts[counts > 0]
    _check_pk(len(counts), classes_per_batch, samples_per_class)
    draws = np.ceil(counts / samples_per_class).astype(int)
    return int(max(draws.max(), math.ceil(draws.sum() / classes_per_batch)))


def balanced_batch_indices(
    y, classes_per_batch: int, samples_per_class: int, *, seed: int = 0, epoch: int = 0
) -> np.ndarray:
    """Indices into ``y`` for one epoch of P×K batches.

    Args:
        y: ``(n,)`` integer labels.
        classes_per_batch: P, distinct classes per batch.
        samples_per_class: K, samples of each class per batch (>= 2).
        seed: base seed; ``epoch`` is mixed in so every epoch differs.
        epoch: epoch number.

    Returns:
        ``int64`` array ``(steps, P * K)``; row ``s`` holds K indices of each of P classes,
        grouped by class.
    """
    y = check_labels(y)
    members = _class_members(y)
    classes = np.array(sorted(members))
    _check_pk(len(classes), classes_per_batch, samples_per_class)
    check_int("seed", seed, low=0)
    check_int("epoch", epoch, low=0)
    rng = np.random.default_rng([seed, epoch])
    steps = steps_per_epoch(y, classes_per_batch, samples_per_class)

    owed = {c: math.ceil(len(members[c]) / samples_per_class) for c in classes}
    queues = {c: rng.permutation(members[c]) for c in classes}
    cursor = {c: 0 for c in classes}

    def take(c: int) -> np.ndarray:
        out = []
        while len(out) < samples_per_class:
            if cursor[c] == len(queues[c]):
                queues[c] = rng.permutation(members[c])
                cursor[c] = 0
            n = min(samples_per_class - len(out), len(queues[c]) - cursor[c])
            out.extend(queues[c][cursor[c] : cursor[c] + n])
            cursor[c] += n
        return np.asarray(out)

    batches = np.empty((steps, classes_per_batch * samples_per_class), np.int64)
    for s in range(steps):
        debts = np.array([owed[c] for c in classes], float)
        if debts.max() > 0:
            # Largest debt first; random jitter < 1 breaks ties without reordering debts.
            order = np.argsort(-(debts + rng.random(len(classes)) * 0.5), kind="stable")
        else:
            order = rng.permutation(len(classes))
        chosen = classes[order[:classes_per_batch]]
        for c in chosen:
            owed[c] = max(owed[c] - 1, 0)
        batches[s] = np.concatenate([take(c) for c in chosen])
    return batches[rng.permutation(steps)]


def _index_dataset(x, y, index_batches, transform):
    """The batches ``(x[idx], y[idx])`` of a precomputed list of index arrays, in the pipeline of
    :func:`batch_pipeline`."""
    if batch_pipeline() == "PyDataset":
        return IndexBatches(x, y, index_batches, transform=transform)
    return _tf_index_dataset(x, y, index_batches, transform)


def _tf_index_dataset(x, y, index_batches, transform):
    """``tf.data`` pipeline gathering ``(x[idx], y[idx])`` for a precomputed list of index arrays.

    The batch order is fixed in NumPy before TensorFlow sees it, so it is identical however often
    or on however many replicas the pipeline is instantiated (``tf.data`` shuffle seeds are not:
    a dataset rebuilt under a ``tf.distribute`` strategy shuffles differently).
    """
    import tensorflow as tf

    x_const = tf.constant(x)
    y_const = tf.constant(y)
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(index_batches), output_signature=tf.TensorSpec((None,), tf.int64)
    )
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(index_batches)))
    dataset = dataset.map(lambda idx: (tf.gather(x_const, idx), tf.gather(y_const, idx)))
    if transform is not None:
        try:
            dataset = dataset.map(transform)  # traced once, on symbolic tensors
        except NotImplementedError as err:  # NumPy code asked for a symbolic tensor's values
            raise ValueError(
                "transform must work on TensorFlow tensors inside tf.data, but it called NumPy on them "
                f"({str(err).strip().splitlines()[-1].strip()}); wrap a NumPy augmentation with "
                "tk.augment.make_tf_augmenter(...)"
            ) from err
    return dataset.prefetch(2)


class IndexBatches(keras.utils.PyDataset):
    """Batches ``(x[idx], y[idx])`` of a precomputed list of index arrays, as a ``keras.utils.PyDataset``.

    What :func:`balanced_batches` and :func:`shuffled_batches` return on JAX and PyTorch: Keras' ``fit``
    takes it on every backend, and it needs NumPy only. Batch ``i`` is ``index_batches[i]``, so pass
    ``shuffle=False`` to ``fit`` (the order is already drawn, seeded) and ``steps_per_epoch`` so that
    the epochs walk through it in order, as with the ``tf.data`` pipeline. The batches are served in
    order by the training loop's own thread (one worker): a ``transform`` that draws fresh randomness
    per call (:func:`tslearnkit.augment.make_tf_augmenter` on these backends) then draws it in the same
    order on every run.

    Args:
        x: ``(n, timesteps, channels)`` float32 series; y: ``(n,)`` int64 labels.
        index_batches: sequence of integer index arrays, one per batch.
        transform: optional ``(x_batch, y_batch) -> (x_batch, y_batch)`` on NumPy arrays.
    """

    def __init__(self, x, y, index_batches, *, transform=None):
        super().__init__()  # one worker, no multiprocessing: batch i is served when the loop asks for it
        self.x, self.y = np.asarray(x), np.asarray(y)
        self.index_batches = [np.asarray(idx, np.int64) for idx in index_batches]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.index_batches)

    def __getitem__(self, i):
        if not -len(self) <= i < len(self):
            raise IndexError(f"batch {i} of {len(self)}")
        idx = self.index_batches[i]
        xb, yb = self.x[idx], self.y[idx]
        return (xb, yb) if self.transform is None else self.transform(xb, yb)


def balanced_batches(
    x,
    y,
    classes_per_batch: int = 4,
    samples_per_class: int = 10,
    *,
    seed: int = 0,
    epochs: int = 1,
    transform=None,
):
    """Class-balanced ``(x_batch, y_batch)`` batches: a ``tf.data.Dataset`` on TensorFlow, else an
    :class:`IndexBatches` (see :func:`batch_pipeline`).

    Each batch holds exactly ``classes_per_batch`` (P) distinct classes with
    ``samples_per_class`` (K) series each, so its size is P·K. The dataset holds ``epochs``
    consecutive epochs, each as described in the module docstring (epoch ``e`` is
    ``balanced_batch_indices(..., seed=seed, epoch=e)``); pass ``steps_per_epoch`` to Keras
    ``fit`` so that it walks through them in order.

    Args:
        x: ``(n, timesteps, channels)`` training series. Pass the training split only.
        y: ``(n,)`` integer labels.
        classes_per_batch: P (the study used 4).
        samples_per_class: K (the study used 10); at least 2.
        seed: makes the batch sequence reproducible.
        epochs: how many epochs of batches the dataset holds.
        transform: optional function ``(x_batch, y_batch) -> (x_batch, y_batch)``, applied per batch
            inside the pipeline (e.g. on-the-fly augmentation): of TensorFlow tensors in ``tf.data``,
            of NumPy arrays in an :class:`IndexBatches`.

    Returns:
        ``epochs * steps_per_epoch`` batches (a ``tf.data.Dataset`` of known cardinality, or an
        :class:`IndexBatches` of that length) of ``float32`` ``(P·K, timesteps, channels)`` series and
        ``int64`` ``(P·K,)`` labels.
    """
    x = check_series(x)
    y = check_labels(y, len(x))
    _check_epochs_and_transform(epochs, transform)
    index_batches = [
        row
        for epoch in range(epochs)
        for row in balanced_batch_indices(y, classes_per_batch, samples_per_class, seed=seed, epoch=epoch)
    ]
    return _index_dataset(x, y, index_batches, transform)


def shuffled_batches(
    x, y, batch_size: int, *, seed: int = 0, epochs: int = 1, drop_remainder: bool = False, transform=None
):
    """Plain shuffled mini-batches (a fresh permutation per epoch), in the pipeline of :func:`batch_pipeline`.

    Returns:
        A dataset of ``epochs * steps`` batches, ``steps = n // batch_size`` with
        ``drop_remainder`` else ``ceil(n / batch_size)``; see :func:`shuffled_steps_per_epoch`.
    """
    x = check_series(x)
    y = check_labels(y, len(x))
    steps = shuffled_steps_per_epoch(len(x), batch_size, drop_remainder)
    check_int("seed", seed, low=0)
    _check_epochs_and_transform(epochs, transform)
    index_batches = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(len(x))
        index_batches.extend(order[i * batch_size : (i + 1) * batch_size] for i in range(steps))
    return _index_dataset(x, y, index_batches, transform)


def shuffled_steps_per_epoch(n: int, batch_size: int, drop_remainder: bool = False) -> int:
    """Batches per epoch of :func:`shuffled_batches`."""
    check_int("batch_size", batch_size, low=1)
    check_flag("drop_remainder", drop_remainder)
    steps = n // batch_size if drop_remainder else math.ceil(n / batch_size)
    if steps < 1:
        raise ValueError(f"{n} series give no full batch of {batch_size}; lower batch_size")
    return steps
