"""Input checks shared by every loss: shapes, dtypes, option names, eager-only value checks.

Each public loss calls these first, so invalid inputs raise a `ValueError` naming the argument,
the value and what is allowed (TFA fails deep inside TensorFlow), and low-precision embeddings
are computed in `float32`. Checks of *values* (NaN, batches without positives) need concrete
tensors: they run eagerly (and on torch), not while a graph or a JAX trace is being built.
"""

import warnings

import keras
import numpy as np
from keras import ops

from .. import backend

DISTANCE_METRICS = ("L2", "squared-L2", "angular")
"""Names accepted by `distance_metric` (a callable is accepted too)."""

BATCH_ALL_AVERAGES = ("all", "nonzero")
POSITIVE_PAIRS = ("ordered", "combinations")


def _embeddings_to_float(y_pred, name="y_pred"):
    """Checks `y_pred` is a non-empty (b, d) tensor; returns it in float32 (or float64) and its dtype.

    Args:
      y_pred: embeddings, shape `(b, d)` with `b >= 1`.
      name: argument name used in error messages.

    Returns:
      `(embeddings, input_dtype)`: `embeddings` is `float32` for `float16`/`bfloat16`/int inputs
      and keeps `float32`/`float64` otherwise; `input_dtype` is the dtype to cast the loss to.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    shape = tuple(y_pred.shape)
    if len(shape) != 2:
        raise ValueError(f"`{name}` must be 2-D with shape (batch_size, embedding_dim); got shape {shape}.")
    if shape[0] == 0:  # a static 0: eagerly, and in a graph traced for that shape
        raise ValueError(f"`{name}` is an empty batch, shape {shape}; a loss needs at least one embedding (b >= 1).")
    input_dtype = keras.backend.standardize_dtype(y_pred.dtype)
    if input_dtype not in ("float32", "float64"):
        y_pred = ops.cast(y_pred, "float32")
        if "float" not in input_dtype:
            input_dtype = "float32"
    if backend.is_concrete(y_pred) and not bool(ops.all(ops.isfinite(y_pred))):
        raise ValueError(f"`{name}` contains NaN or inf; the model diverged upstream of the loss.")
    return y_pred, input_dtype


def _labels_to_vector(y_true, embeddings):
    """Returns labels of shape (b,) after checking they match the embeddings and hold no NaN.

    Args:
      y_true: labels, shape `(b,)` or `(b, 1)`, any dtype that supports equality (Keras' `Loss`
        classes receive them as float32).
      embeddings: `(b, d)` tensor the labels belong to.

    Returns:
      Labels with shape `(b,)`.
    """
    labels = ops.convert_to_tensor(y_true)
    shape = tuple(labels.shape)
    if len(shape) == 2 and shape[1] == 1:
        labels = ops.reshape(labels, (-1,))
    elif len(shape) != 1:
        raise ValueError(
            f"`y_true` must hold one integer label per sample, shape (batch_size,) or "
            f"(batch_size, 1); got shape {shape}."
        )
    n_labels, n_embeddings = labels.shape[0], embeddings.shape[0]
    if n_labels is not None and n_embeddings is not None and n_labels != n_embeddings:
        raise ValueError(f"`y_true` has {n_labels} labels but `y_pred` has {n_embeddings} embeddings; they must match.")
    if _is_float(labels) and backend.is_concrete(labels):
        missing = np.flatnonzero(np.isnan(ops.convert_to_numpy(labels)))
        if missing.size:
            raise ValueError(
                f"`y_true` contains NaN at {missing.size} of {shape[0]} positions (first at index "
                f"{missing[0]}); labels must be class indices (integers, or floats holding integers): "
                "a NaN equals no label, so its sample would silently be nobody's positive."
            )
    return labels


def _is_float(x):
    return "float" in keras.backend.standardize_dtype(x.dtype)


def _output(loss, labels, input_dtype):
    """The float32 loss in the embeddings' dtype, as TFA returns it; NaN if a float label is NaN
    (`labels` None: no labels).

    NaN labels raise in `_labels_to_vector` where values are known; inside a compiled step
    (`tf.function`, `jax.jit`, Keras' `fit`) they make the loss NaN, with a zero gradient, so
    that training stops on it instead of silently dropping those samples' pairs. A float16 loss
    above 65504 becomes inf here (the computation itself ran in float32); the Keras loss classes
    (`keras_losses`) return the float32 value instead, as Keras losses do.
    """
    if labels is not None and _is_float(labels):
        loss = ops.where(ops.any(ops.isnan(labels)), ops.cast(np.nan, loss.dtype), loss)
    return loss if loss.dtype == input_dtype else ops.cast(loss, input_dtype)


def _check_distance_metric(distance_metric):
    if callable(distance_metric) or distance_metric in DISTANCE_METRICS:
        return
    raise ValueError(
        f"Unknown distance_metric={distance_metric!r}. Use one of {list(DISTANCE_METRICS)} "
        "or a callable mapping (b, d) embeddings to a (b, b) distance matrix."
    )


def _check_choice(argument, value, allowed):
    if value not in allowed:
        raise ValueError(f"Unknown {argument}={value!r}. Use one of {list(allowed)}.")


def _check_temperature(temperature):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.integer, np.floating)):
        raise ValueError(f"`temperature` must be a positive number; got {temperature!r}.")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"`temperature` must be a positive number; got {temperature!r}.")


def _check_margin(margin):
    """A Python or NumPy number must be finite and >= 0; tensors (a schedule, say) pass unchecked."""
    if isinstance(margin, np.ndarray) and margin.ndim == 0:  # np.array(0.5) is a number too
        margin = margin[()]
    if margin is None or isinstance(margin, (bool, np.bool_, str)):
        raise ValueError(f"`margin` must be a number >= 0; got {margin!r}.")
    if isinstance(margin, (int, float, np.integer, np.floating)) and not (np.isfinite(margin) and margin >= 0):
        raise ValueError(
            f"`margin` must be a finite number >= 0; got {margin!r} (with a negative margin every "
            "triplet already satisfies the hinge and nothing is learned)."
        )


def _warn_if(condition, message, reference):
    """Warns when `condition` holds; only with concrete values (a graph cannot branch on them)."""
    if backend.is_concrete(reference) and bool(condition):
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _mean(x, axis=None, keepdims=False):
    """`sum / count`: `ops.mean` computes float64 in float32 on JAX and torch (Keras' rule)."""
    count = ops.size(x) if axis is None else ops.shape(x)[axis]  # a tensor if the shape is unknown
    return ops.sum(x, axis=axis, keepdims=keepdims) / ops.cast(count, x.dtype)


def _clip_below(x, floor=0.0):
    """`maximum(x, floor)` with TensorFlow's gradient where `x == floor`: all of it to `x`.

    `ops.maximum` splits the gradient of a tie 0.5/0.5 on JAX and torch; TFA's losses (and
    their goldens) were written on TensorFlow's convention, which `where` gives on every backend.
    """
    return ops.where(x >= floor, x, floor)


def _upstream(args, upstream):
    """The upstream gradient handed to a `keras.ops.custom_gradient` backward function.

    TensorFlow and JAX pass it positionally, torch as the `upstream` keyword.
    """
    return args[0] if upstream is None else upstream
