"""`RetrievalMetricsCallback`: retrieval metrics of a validation set in the Keras epoch logs.

The one module of :mod:`tslearnkit.metrics` that imports Keras; the package loads it when
``RetrievalMetricsCallback`` is first asked for, so the NumPy metrics never import TensorFlow.
"""

from __future__ import annotations

import keras
import numpy as np

from ._checks import _check_include, _is_positive_int
from .retrieval import retrieval_metrics


class RetrievalMetricsCallback(keras.callbacks.Callback):
    """Adds retrieval metrics of a validation set to the epoch logs during ``fit``.

    Every ``every_n_epochs`` epochs (and at the last epoch) the queries (and the reference,
    if any) are embedded with ``embedding_model`` and :func:`retrieval_metrics` is written to
    ``logs`` as ``prefix + name``: ``val_precision_at_1``, ``val_r_precision``,
    ``val_mean_average_precision_at_r``, ``val_mean_average_precision``,
    ``val_mean_reciprocal_rank``, ``val_NMI``, ``val_AMI``, ``val_legacy_map_at_k``. The
    values then appear in the progress bar and ``History``, and ``EarlyStopping`` or
    ``ModelCheckpoint`` can monitor them (``mode="max"``) **if this callback comes before
    them in the callbacks list**: Keras calls callbacks in list order with one shared
    ``logs`` dict. On epochs that are skipped the keys are absent, and those callbacks
    warn and do nothing that epoch.

    Args:
        query_x: validation inputs, anything ``model.predict`` takes.
        query_y: their labels ``(n_query,)``.
        reference_x: inputs to rank against (e.g. the training set); None means
            leave-one-out within the queries.
        reference_y: their labels.
        every_n_epochs: compute every this many epochs (>= 1).
        prefix: prepended to each metric name in ``logs``.
        embedding_model: model mapping inputs to embeddings ``(n, d)``; default the model
            being trained (``self.model``), e.g. when it outputs the embedding itself.
        batch_size: batch size of ``predict``.
        k: as in :func:`retrieval_metrics`.
        include: metric names to compute (default all); leaving out ``"NMI"`` and
            ``"AMI"`` skips k-means each epoch.
        seed: k-means seed.

    Attributes:
        last_metrics: the most recent ``{name: value}`` (without prefix), or None.
    """

    def __init__(
        self,
        query_x,
        query_y,
        reference_x=None,
        reference_y=None,
        *,
        every_n_epochs: int = 1,
        prefix: str = "val_",
        embedding_model=None,
        batch_size: int = 256,
        k=None,
        include=None,
        seed: int = 0,
    ):
        super().__init__()
        if (reference_x is None) != (reference_y is None):
            raise ValueError("give reference_x and reference_y together (or neither)")
        if not _is_positive_int(every_n_epochs):
            raise ValueError(f"every_n_epochs must be an integer >= 1; got {every_n_epochs!r}")
        _check_lengths(query_x, query_y, "query")
        if reference_x is not None:
            _check_lengths(reference_x, reference_y, "reference")
        self.query_x, self.query_y = query_x, np.asarray(query_y)
        self.reference_x = reference_x
        self.reference_y = None if reference_y is None else np.asarray(reference_y)
        self.every_n_epochs = every_n_epochs
        self.prefix = prefix
        self.embedding_model = embedding_model
        self.batch_size = batch_size
        self.k = k
        self.include = _check_include(include)
        self.seed = seed
        self.last_metrics = None

    def _embed(self, x):
        model = self.embedding_model if self.embedding_model is not None else self.model
        embeddings = model.predict(x, batch_size=self.batch_size, verbose=0)
        if not isinstance(embeddings, np.ndarray):
            raise ValueError(
                "the model returns several outputs; pass embedding_model= a model that returns the embedding alone"
            )
        return embeddings.reshape(len(embeddings), -1)

    def on_epoch_end(self, epoch, logs=None):
        last_epoch = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every_n_epochs and epoch + 1 != last_epoch:
            return
        query = self._embed(self.query_x)
        reference = None if self.reference_x is None else self._embed(self.reference_x)
        self.last_metrics = retrieval_metrics(
            query,
            self.query_y,
            reference,
            self.reference_y,
            k=self.k,
            seed=self.seed,
            include=self.include,
        )
        if logs is not None:
            for name, value in self.last_metrics.items():
                logs[self.prefix + name] = value


def _check_lengths(x, y, name: str) -> None:
    """Same number of inputs and labels, where ``x`` has a length (arrays, dicts of arrays)."""
    try:
        n_x = len(next(iter(x.values()))) if isinstance(x, dict) else len(x)
    except TypeError:  # e.g. a tf.data.Dataset: checked when the metrics are computed
        return
    n_y = len(np.asarray(y))
    if n_x != n_y:
        raise ValueError(f"{name}_x has {n_x} samples but {name}_y has {n_y} labels")
