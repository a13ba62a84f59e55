"""Encoders for multivariate series and the heads that turn them into embeddings or classifiers.

Every encoder maps ``(batch, timesteps, channels)`` to a feature vector ``(batch, features)``
and is built by name with a config dict, like tsai's ``arch=`` API::

    encoder = build_encoder("fcn", input_shape=(29, 12), filters=(128, 256, 128))
    model = embedding_model(encoder, dim=128, normalize=True)

``conv`` is the study's network layer for layer; ``fcn``, ``resnet`` and ``inception`` are the
standard time-series classification baselines (Wang et al. 2017; Ismail Fawaz et al. 2020) with
global average pooling, so they accept any series length.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import keras
from keras import layers

from . import backend
from .checks import check_flag

__all__ = [
    "ENCODERS",
    "build_encoder",
    "conv_encoder",
    "fcn_encoder",
    "resnet_encoder",
    "inception_encoder",
    "embedding_model",
    "classifier_model",
    "CosineLogits",
    "HEADS",
    "PerSeriesStandardization",
    "with_per_series_channels",
]


BATCH_NORM_MOMENTUM = 0.9


def _batch_norm():
    # Synchronized across replicas under a tf.distribute strategy, so N replicas normalise with
    # the statistics of the global batch, exactly like one device; identical on one device (JAX's
    # keras.distribution sees the global batch already: see backend.synchronized_batch_norm).
    # Momentum 0.9, not Keras's 0.99: small datasets train for a few hundred steps, too few for
    # 0.99's moving statistics to converge (measured on ArrowHead: after 160 steps at 0.99 the
    # inference-mode features were nearly constant and the classifier predicted one class).
    return layers.BatchNormalization(synchronized=backend.synchronized_batch_norm(), momentum=BATCH_NORM_MOMENTUM)


def _check_input_shape(input_shape) -> tuple[int | None, int]:
    shape = tuple(input_shape)
    if len(shape) != 2:
        raise ValueError(f"input_shape must be (timesteps, channels); got {shape}. Pass dataset.x_train.shape[1:].")
    timesteps, channels = shape
    if not is_int(channels) or channels < 1:
        raise ValueError(f"input_shape needs a positive channel count; got {shape}")
    if timesteps is not None and (not is_int(timesteps) or timesteps < 1):
        raise ValueError(f"input_shape needs timesteps >= 1 (or None for any length); got {shape}")
    return timesteps, channels


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_units(name: str, value) -> int:
    """An integer >= 1, as a Python int (Keras layers refuse NumPy integers)."""
    if not is_int(value) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    return int(value)


def _check_encoder(encoder) -> None:
    if not isinstance(encoder, keras.Model):
        raise ValueError(
            f"encoder must be a Keras model, e.g. tk.models.build_encoder('fcn', x_train.shape[1:]); got {encoder!r}"
        )


def _check_sizes(name: str, values) -> tuple[int, ...]:
    """A non-empty sequence of integers >= 1 (filter counts, kernel sizes)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"{name} must be a non-empty sequence of integers >= 1; got {values!r}")
    for v in values:
        if not is_int(v) or v < 1:
            raise ValueError(f"{name} must be a non-empty sequence of integers >= 1; got {values!r}")
    return tuple(int(v) for v in values)


def conv_encoder(
    input_shape,
    *,
    filters: int = 64,
    hidden_units: int = 256,
    output_units: int = 128,
    dropout: float = 0.1,
    name: str = "conv_encoder",
) -> keras.Model:
    """The study's CNN, layer for layer.

    Conv1D(64, 3, same) → ReLU → MaxPool(2) → Conv1D(64, 3, same) → BatchNorm → ReLU →
    MaxPool(4) → Flatten → Dense(256) → BatchNorm → ReLU → Dropout(0.1) → Dense(128).
    On ``(1007, 4)`` inputs the flattened map has 125 × 64 = 8,000 features. Because of the
    Flatten, the series length must be fixed (and at least 8).

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, output_units)``.
    """
    timesteps, channels = _check_input_shape(input_shape)
    if timesteps is None or timesteps < 8:
        raise ValueError(
            f"the conv encoder flattens its feature map, so it needs a fixed length >= 8; "
            f"got timesteps={timesteps}. Use 'fcn', 'resnet' or 'inception' for variable lengths."
        )
    filters, hidden_units, output_units = (
        _check_units(arg, value)
        for arg, value in (("filters", filters), ("hidden_units", hidden_units), ("output_units", output_units))
    )
    if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1); got {dropout!r}")
    inputs = keras.Input((timesteps, channels), name="series")
    h = layers.Conv1D(filters, 3, padding="same")(inputs)
    h = layers.ReLU()(h)
    h = layers.MaxPooling1D(2)(h)
    h = layers.Conv1D(filters, 3, padding="same")(h)
    h = _batch_norm()(h)
    h = layers.ReLU()(h)
    h = layers.MaxPooling1D(4)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(hidden_units)(h)
    h = _batch_norm()(h)
    h = layers.ReLU()(h)
    h = layers.Dropout(dropout)(h)
    outputs = layers.Dense(output_units, name="features")(h)
    return keras.Model(inputs, outputs, name=name)


def _conv_bn_relu(h, filters: int, kernel_size: int, *, activation: bool = True):
    h = layers.Conv1D(filters, kernel_size, padding="same", use_bias=False)(h)
    h = _batch_norm()(h)
    return layers.ReLU()(h) if activation else h


def fcn_encoder(
    input_shape,
    *,
    filters: Sequence[int] = (128, 256, 128),
    kernel_sizes: Sequence[int] = (8, 5, 3),
    name: str = "fcn_encoder",
) -> keras.Model:
    """Fully convolutional network (Wang et al. 2017): three Conv-BN-ReLU blocks + global pooling.

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, filters[-1])``; any length works.
    """
    timesteps, channels = _check_input_shape(input_shape)
    filters, kernel_sizes = _check_sizes("filters", filters), _check_sizes("kernel_sizes", kernel_sizes)
    if len(filters) != len(kernel_sizes):
        raise ValueError(f"filters {filters} and kernel_sizes {kernel_sizes} differ in length")
    inputs = keras.Input((timesteps, channels), name="series")
    h = inputs
    for f, k in zip(filters, kernel_sizes):
        h = _conv_bn_relu(h, f, k)
    outputs = layers.GlobalAveragePooling1D(name="features")(h)
    return keras.Model(inputs, outputs, name=name)


def resnet_encoder(
    input_shape,
    *,
    filters: Sequence[int] = (64, 128, 128),
    kernel_sizes: Sequence[int] = (8, 5, 3),
    name: str = "resnet_encoder",
) -> keras.Model:
    """ResNet for time series (Wang et al. 2017): residual blocks of three convolutions.

    Each block is Conv(k1)-BN-ReLU → Conv(k2)-BN-ReLU → Conv(k3)-BN, added to a shortcut (a
    1×1 convolution + BN when the width changes), then ReLU. Global average pooling at the end.

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, filters[-1])``.
    """
    timesteps, channels = _check_input_shape(input_shape)
    filters, kernel_sizes = _check_sizes("filters", filters), _check_sizes("kernel_sizes", kernel_sizes)
    inputs = keras.Input((timesteps, channels), name="series")
    h = inputs
    width = channels
    for f in filters:
        shortcut = h
        for i, k in enumerate(kernel_sizes):
            h = _conv_bn_relu(h, f, k, activation=i < len(kernel_sizes) - 1)
        if width != f:
            shortcut = layers.Conv1D(f, 1, padding="same", use_bias=False)(shortcut)
            shortcut = _batch_norm()(shortcut)
        h = layers.ReLU()(layers.Add()([h, shortcut]))
        width = f
    outputs = layers.GlobalAveragePooling1D(name="features")(h)
    return keras.Model(inputs, outputs, name=name)


def _inception_module(h, filters: int, kernel_sizes: Sequence[int], bottleneck: int):
    if h.shape[-1] > 1 and bottleneck:
        source = layers.Conv1D(bottleneck, 1, padding="same", use_bias=False)(h)
    else:
        source = h
    branches = [layers.Conv1D(filters, k, padding="same", use_bias=False)(source) for k in kernel_sizes]
    pooled = layers.MaxPooling1D(3, strides=1, padding="same")(h)
    branches.append(layers.Conv1D(filters, 1, padding="same", use_bias=False)(pooled))
    h = layers.Concatenate()(branches)
    h = _batch_norm()(h)
    return layers.ReLU()(h)


def inception_encoder(
    input_shape,
    *,
    filters: int = 32,
    depth: int = 6,
    kernel_sizes: Sequence[int] = (39, 19, 9),
    bottleneck: int = 32,
    residual: bool = True,
    name: str = "inception_encoder",
) -> keras.Model:
    """InceptionTime-style network (Ismail Fawaz et al. 2020), one member of the ensemble.

    ``depth`` inception modules (bottleneck 1×1 conv, three parallel convolutions of
    ``kernel_sizes`` plus a max-pool branch, BN, ReLU) with a residual connection every three
    modules, then global average pooling.

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, 4 * filters)``.
    """
    timesteps, channels = _check_input_shape(input_shape)
    filters, depth = _check_units("filters", filters), _check_units("depth", depth)
    check_flag("residual", residual)
    kernel_sizes = _check_sizes("kernel_sizes", kernel_sizes)
    if not is_int(bottleneck) or bottleneck < 0:
        raise ValueError(f"bottleneck must be an integer >= 0 (0: none); got {bottleneck!r}")
    inputs = keras.Input((timesteps, channels), name="series")
    h = shortcut = inputs
    for d in range(depth):
        h = _inception_module(h, filters, kernel_sizes, bottleneck)
        if residual and d % 3 == 2:
            s = layers.Conv1D(h.shape[-1], 1, padding="same", use_bias=False)(shortcut)
            s = _batch_norm()(s)
            h = shortcut = layers.ReLU()(layers.Add()([h, s]))
    outputs = layers.GlobalAveragePooling1D(name="features")(h)
    return keras.Model(inputs, outputs, name=name)


ENCODERS: dict[str, Callable[..., keras.Model]] = {
    "conv": conv_encoder,
    "fcn": fcn_encoder,
    "resnet": resnet_encoder,
    "inception": inception_encoder,
}


def build_encoder(name: str, input_shape, **config) -> keras.Model:
    """Build an encoder by name.

    Args:
        name: one of ``ENCODERS``: ``"conv"``, ``"fcn"``, ``"resnet"``, ``"inception"``.
        input_shape: ``(timesteps, channels)``.
        **config: keyword arguments of that encoder's function (e.g. ``filters=...``).

    Raises:
        ValueError: unknown name or unknown config key (both list the allowed values).
    """
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose one of {sorted(ENCODERS)}")
    import inspect

    builder = ENCODERS[name]
    allowed = [p for p in inspect.signature(builder).parameters if p != "input_shape"]
    unknown = sorted(set(config) - set(allowed))
    if unknown:
        raise ValueError(f"encoder {name!r} does not take {unknown}; its options are {allowed}")
    return builder(input_shape, **config)


def embedding_model(
    encoder: keras.Model, dim: int | None = 128, normalize: bool = True, *, name: str = "embedding_model"
) -> keras.Model:
    """Encoder → (optional linear projection to ``dim``) → (optional L2 normalisation).

    Args:
        encoder: a model from :func:`build_encoder`.
        dim: embedding size; ``None`` uses the encoder's output as is (the study's ``conv``
            network already ends in Dense(128)).
        normalize: put the embedding on the unit sphere (``keras.layers.UnitNormalization``).
            Triplet margins then live on a known scale (distances in [0, 2]); contrastive
            lessons set it to False to use a 2-D latent plane directly.

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, dim)`` whose output layer is named
        ``"embedding"``.
    """
    _check_encoder(encoder)
    dim = None if dim is None else _check_units("dim", dim)
    check_flag("normalize", normalize)
    inputs = keras.Input(encoder.input_shape[1:], name="series")
    h = encoder(inputs)
    if dim is not None:
        h = layers.Dense(dim, name="projection")(h)
    if normalize:
        h = layers.UnitNormalization(name="embedding")(h)
    else:
        h = layers.Identity(name="embedding")(h)
    return keras.Model(inputs, h, name=name)


@keras.saving.register_keras_serializable(package="tslearnkit")
class PerSeriesStandardization(layers.Layer):
    """Append each channel standardised within its own series: ``(batch, t, c) -> (batch, t, 2c)``.

    The first ``c`` channels are the input unchanged (its level and scale, standardised over the
    whole training split at load time); channel ``c + i`` is channel ``i`` minus its mean over the
    series' time steps, divided by its standard deviation over them (0 for a constant channel). So
    the encoder sees a series' shape even where the series varies by a sliver of the dataset's
    spread (a count channel of a few huge series and many near-zero ones). No weights; the
    statistics come from the series itself, so a query is treated exactly like a training series.
    """

    def call(self, series):
        mean = keras.ops.mean(series, axis=1, keepdims=True)
        centred = series - mean
        variance = keras.ops.mean(keras.ops.square(centred), axis=1, keepdims=True)
        # A constant channel gives 0, not its float32 rounding blown up: a mean can miss a constant by
        # a few units in its last place (JAX sums in another order), so "constant" is a spread below
        # 1e-5 of the level (or 1e-6 near 0), far below any real variation of standardised series.
        varies = keras.ops.cast(variance > keras.ops.square(1e-5 * keras.ops.abs(mean) + 1e-6), series.dtype)
        shape = centred * keras.ops.rsqrt(variance + 1e-12) * varies
        return keras.ops.concatenate([series, shape], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


def with_per_series_channels(encoder: keras.Model) -> keras.Model:
    """``encoder`` (built for ``2c`` channels) behind :class:`PerSeriesStandardization`: a model of ``c`` channels.

    Args:
        encoder: a model from :func:`build_encoder` whose input has an even channel count ``2c``.

    Returns:
        A model ``(batch, timesteps, c) -> encoder's output`` named ``<encoder>_per_series``; the heads
        (:func:`embedding_model`, :func:`classifier_model`) take it like any encoder.
    """
    _check_encoder(encoder)
    timesteps, channels = encoder.input_shape[1:]
    if channels % 2:
        raise ValueError(f"encoder must take an even channel count (c channels + c standardised); got {channels}")
    inputs = keras.Input((timesteps, channels // 2), name="series")
    outputs = encoder(PerSeriesStandardization(name="per_series_standardization")(inputs))
    return keras.Model(inputs, outputs, name=f"{encoder.name}_per_series")


COSINE_SCALE = 20.0
"""Scale of the cosine-softmax logits: pytorch-metric-learning's ``NormalizedSoftmaxLoss``
default temperature 0.05 (Zhai & Wu, "Classification is a Strong Baseline for Deep Metric
Learning", 2019)."""

HEADS = ("linear", "cosine")


@keras.saving.register_keras_serializable(package="tslearnkit")
class CosineLogits(layers.Layer):
    """``scale · cos(embedding, w_c)`` for every class ``c``: the normalised-softmax head.

    Input ``(batch, dim)`` unit-length embeddings; output ``(batch, n_classes)`` logits. The class
    weights ``w_c`` (``(dim, n_classes)``) are L2-normalised before the product, so a logit
    depends only on the angle between an embedding and its class's weight vector — the same
    geometry the retrieval metrics use.
    """

    def __init__(self, n_classes: int, scale: float = COSINE_SCALE, **kwargs):
        super().__init__(**kwargs)
        self.n_classes = int(n_classes)
        self.scale = float(scale)

    def build(self, input_shape):
        self.class_weights = self.add_weight(
            shape=(int(input_shape[-1]), self.n_classes), initializer="glorot_uniform", name="class_weights"
        )

    def call(self, embeddings):
        weights = keras.ops.normalize(self.class_weights, axis=0)
        return self.scale * keras.ops.matmul(embeddings, weights)

    def get_config(self):
        return {**super().get_config(), "n_classes": self.n_classes, "scale": self.scale}


def classifier_model(
    encoder: keras.Model, n_classes: int, *, head: str = "linear", name: str = "classifier"
) -> keras.Model:
    """Encoder → logits over ``n_classes``: the cross-entropy baseline's network.

    Args:
        encoder: a model from :func:`build_encoder`.
        n_classes: integer >= 2.
        head: ``"linear"`` — ``Dense(n_classes)`` on the encoder's output, which is the
            embedding (the study's CE baseline); ``"cosine"`` — the encoder's output is put on
            the unit sphere (layer ``"embedding"``) and :class:`CosineLogits` scores it against
            normalised class weights (normalised softmax, a proxy loss: each class weight is a
            learned proxy of its class).

    Returns:
        A model ``(batch, timesteps, channels) -> (batch, n_classes)`` of logits. The embedding
        is ``model.get_layer(encoder.name)`` for ``"linear"`` and the output of
        ``model.get_layer("embedding")`` for ``"cosine"``.
    """
    if not is_int(n_classes) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}")
    n_classes = int(n_classes)  # a NumPy integer (y.max() + 1) is refused by Dense
    _check_encoder(encoder)
    if head not in HEADS:
        raise ValueError(f"head must be one of {list(HEADS)}; got {head!r}")
    inputs = keras.Input(encoder.input_shape[1:], name="series")
    if head == "linear":
        logits = layers.Dense(n_classes, name="logits")(encoder(inputs))
    else:
        embedding = layers.UnitNormalization(name="embedding")(encoder(inputs))
        logits = CosineLogits(n_classes, name="logits")(embedding)
    return keras.Model(inputs, logits, name=name)
