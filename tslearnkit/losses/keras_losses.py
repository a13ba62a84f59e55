"""Keras `Loss` classes for the loss functions, all on one base class, `MetricLoss`.

`MetricLoss` (after TensorFlow Similarity's class of that name) wraps a loss function
`fn(y_true, y_pred, **config)`: it stores the configuration once, as attributes and for
`get_config`/`from_config`, and computes the loss on the global batch of all replicas
(`backend.gather_from_replicas`). The subclasses only name their function, defaults and
checks. Every class is registered as `tslearnkit>ClassName`, so saved models load.
"""

import inspect

import keras
import numpy as np
from keras import ops

from .. import backend
from ..checks import check_flag
from ._checks import (
    BATCH_ALL_AVERAGES,
    POSITIVE_PAIRS,
    _check_choice,
    _check_distance_metric,
    _check_margin,
    _check_temperature,
)
from .contrastive import nt_xent_loss, supcon_loss
from .triplet import triplet_batch_all_loss, triplet_hard_loss, triplet_semihard_loss


def _serialize_metric(distance_metric):
    if callable(distance_metric):
        return keras.saving.serialize_keras_object(distance_metric)
    return distance_metric


def _deserialize_metric(distance_metric):
    if isinstance(distance_metric, dict):
        return keras.saving.deserialize_keras_object(distance_metric)
    return distance_metric


class MetricLoss(keras.losses.Loss):
    """A scalar batch loss `fn(y_true, y_pred, **config)`, computed on the global batch.

    The configuration is stored once: each entry becomes an attribute (`loss.margin`) and a key
    of `get_config()`, next to `keras.losses.Loss`'s `name`, `reduction` and `dtype`; a callable
    `distance_metric` is serialised with Keras (it must be registered to load again).

    Under a `tf.distribute` strategy each replica gathers every replica's `y_true`/`y_pred`,
    computes the loss on the global batch and divides it by the number of replicas N: the
    gathered gradient is summed over replicas and so is the optimizer's, which together give
    the single-device gradient (Keras 3 leaves scalar losses unscaled).

    Args:
      fn: loss function returning a scalar.
      name: loss name.
      reduction, dtype: as in `keras.losses.Loss`.
      **config: keyword arguments of `fn`, stored and serialised.
    """

    def __init__(self, fn, name, reduction="sum_over_batch_size", dtype=None, **config):
        parameters = list(inspect.signature(fn).parameters.values())[2:]  # after (y_true, y_pred)
        takes = [p.name for p in parameters]
        unknown = sorted(set(config) - set(takes))
        # a typo (distance= for distance_metric=) would fail only inside model.fit; **kwargs takes anything
        if unknown and not any(p.kind is p.VAR_KEYWORD for p in parameters):
            raise ValueError(f"{type(self).__name__} does not take {unknown}; it takes {takes}, name, reduction, dtype")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._loss_config = config
        for key, value in config.items():
            setattr(self, key, value)

    def __call__(self, y_true, y_pred, sample_weight=None):
        # Keras casts y_true to the loss dtype, which text labels cannot take; the functions accept them.
        text = None if ops.is_tensor(y_true) else np.asarray(y_true)  # a list, an array, a pandas Series
        if text is not None and (text.dtype.kind in "US" or all(isinstance(v, str) for v in text.ravel())):
            y_true = np.unique(text.astype(str), return_inverse=True)[1].reshape(text.shape)
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        (y_true, y_pred), num_replicas = backend.gather_from_replicas(y_true, y_pred)
        loss = self.fn(y_true, y_pred, **self._loss_config)
        if num_replicas > 1:
            loss = loss / num_replicas
        return loss

    def get_config(self):
        config = {**super().get_config(), **self._loss_config}
        if "distance_metric" in config:
            config["distance_metric"] = _serialize_metric(config["distance_metric"])
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "distance_metric" in config:  # the triplet losses: a name or a registered callable
            config["distance_metric"] = _deserialize_metric(config["distance_metric"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletSemiHardLoss(MetricLoss):
    """Keras loss for `triplet_semihard_loss` (drop-in for `tfa.losses.TripletSemiHardLoss`).

    `y_true`: labels `(b,)` or `(b, 1)`; `y_pred`: embeddings `(b, d)`. A batch without positive
    pair gives 0 (TFA: NaN), see `triplet_semihard_loss`.

    Args:
      margin: float, margin of the hinge, in distance units.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable (serialisable only if
        registered with Keras).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss` (`reduction`, `dtype`).
    """

    def __init__(self, margin=1.0, distance_metric="L2", name="triplet_semihard_loss", **kwargs):
        _check_distance_metric(distance_metric)
        _check_margin(margin)
        super().__init__(triplet_semihard_loss, name, margin=margin, distance_metric=distance_metric, **kwargs)


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletHardLoss(MetricLoss):
    """Keras loss for `triplet_hard_loss` (drop-in for `tfa.losses.TripletHardLoss`).

    Args:
      margin: float, margin of the hinge, in distance units.
      soft: bool, soft-margin variant.
      distance_metric: `"L2"`, `"squared-L2"`, `"angular"` or a callable.
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(self, margin=1.0, soft=False, distance_metric="L2", name="triplet_hard_loss", **kwargs):
        _check_distance_metric(distance_metric)
        _check_margin(margin)
        check_flag("soft", soft)
        super().__init__(
            triplet_hard_loss,
            name,
            margin=margin,
            soft=soft,
            distance_metric=distance_metric,
            **kwargs,
        )


@keras.saving.register_keras_serializable(package="tslearnkit")
class TripletBatchAllLoss(MetricLoss):
    """Keras loss for `triplet_batch_all_loss`.

    Args:
      margin: float, margin of the hinge, in distance units.
      distance_metric: `"squared-L2"` (default), `"L2"`, `"angular"` or a callable.
      average: `"all"` or `"nonzero"`.
      positive_pairs: `"ordered"` or `"combinations"` (the study's anchor < positive).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(
        self,
        margin=1.0,
        distance_metric="squared-L2",
        average="all",
        positive_pairs="ordered",
        name="triplet_batch_all_loss",
        **kwargs,
    ):
        _check_distance_metric(distance_metric)
        _check_margin(margin)
        _check_choice("average", average, BATCH_ALL_AVERAGES)
        _check_choice("positive_pairs", positive_pairs, POSITIVE_PAIRS)
        super().__init__(
            triplet_batch_all_loss,
            name,
            margin=margin,
            distance_metric=distance_metric,
            average=average,
            positive_pairs=positive_pairs,
            **kwargs,
        )


def _nt_xent_of_stacked_views(y_true, y_pred, temperature, normalize):
    """`nt_xent_loss` of `y_pred = [z_a; z_b]`, shape `(2N, d)`; `y_true` is ignored."""
    y_pred = ops.convert_to_tensor(y_pred)
    if len(y_pred.shape) != 2:
        raise ValueError(f"`y_pred` must be 2-D [z_a; z_b] with shape (2N, d); got {tuple(y_pred.shape)}.")
    if y_pred.shape[0] is not None and y_pred.shape[0] % 2:
        raise ValueError(f"`y_pred` must stack two views [z_a; z_b], so an even number of rows; got {y_pred.shape[0]}.")
    z_a, z_b = ops.split(y_pred, 2, axis=0)
    return nt_xent_loss(z_a, z_b, temperature, normalize)


@keras.saving.register_keras_serializable(package="tslearnkit")
class NTXentLoss(MetricLoss):
    """Keras loss for `nt_xent_loss`.

    Convention: `y_pred` is the concatenation `[z_a; z_b]` along axis 0, shape `(2N, d)` (first
    half view a, second half view b, row i and row N + i are the same example); `y_true` is
    ignored (pass any array with 2N rows, e.g. zeros). Under a `tf.distribute` strategy the
    layout refers to the global batch: the replicas' rows are gathered first, then split.

    Args:
      temperature: positive float.
      normalize: cosine similarity (`True`) or negative squared distance (`False`).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(self, temperature=0.5, normalize=True, name="nt_xent_loss", **kwargs):
        _check_temperature(temperature)
        super().__init__(
            _nt_xent_of_stacked_views,
            name,
            temperature=temperature,
            normalize=normalize,
            **kwargs,
        )


@keras.saving.register_keras_serializable(package="tslearnkit")
class SupConLoss(MetricLoss):
    """Keras loss for `supcon_loss`: `y_true` labels `(b,)` or `(b, 1)`, `y_pred` `(b, d)`.

    Args:
      temperature: positive float.
      normalize: cosine similarity (`True`) or negative squared distance (`False`).
      name: loss name.
      **kwargs: passed to `keras.losses.Loss`.
    """

    def __init__(self, temperature=0.1, normalize=True, name="supcon_loss", **kwargs):
        _check_temperature(temperature)
        super().__init__(supcon_loss, name, temperature=temperature, normalize=normalize, **kwargs)
