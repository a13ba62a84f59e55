"""Helpers shared by the `tests/test_losses_*.py` modules (not collected by pytest)."""

import itertools

import keras
import numpy as np
import pytest
from keras import ops

from tslearnkit import backend, losses

BACKEND = keras.backend.backend()
tensorflow_only = pytest.mark.skipif(BACKEND != "tensorflow", reason="inspects TensorFlow graphs or tf.distribute")
needs_float64 = pytest.mark.skipif(
    BACKEND == "torch",
    reason="Keras' torch backend computes float64 matmul and cumsum in float32 (keras.backend.result_type)",
)


def value_and_grad(function, *args, **kwargs):
    """Loss value (a backend tensor) and its gradient w.r.t. the last positional argument (the
    embeddings), as a NumPy array (float16/bfloat16 gradients as float32), on any backend."""
    *leading, embeddings = args
    value, grad = backend.value_and_grad(lambda x: function(*leading, x, **kwargs), embeddings)
    return value, backend.to_numpy(grad)


def compiled_value_and_grad(function, *args, **kwargs):
    """`value_and_grad` inside the backend's compiled step (`tf.function`, `jax.jit`; torch as is)."""
    *leading, embeddings = args
    leading = [ops.convert_to_tensor(a) for a in leading]

    def step(embeddings, *leading):
        return backend.value_and_grad(lambda x: function(*leading, x, **kwargs), embeddings)

    value, grad = backend.compile_function(step)(ops.convert_to_tensor(embeddings), *leading)
    return value, backend.to_numpy(grad)


def random_batch(seed, batch_size=16, dim=4, num_classes=4, dtype="float32"):
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(batch_size) % num_classes)
    return labels, rng.normal(size=(batch_size, dim)).astype(dtype)


def squared_distances_np(embeddings):
    embeddings = np.asarray(embeddings, np.float64)
    return ((embeddings[:, None, :] - embeddings[None, :, :]) ** 2).sum(-1)


def study_triplets(labels):
    """The study's selector: itertools.combinations over same-class indices x every negative."""
    triplets = []
    for label in np.unique(labels):
        same_class = np.flatnonzero(labels == label)
        negatives = np.flatnonzero(labels != label)
        for anchor, positive in itertools.combinations(same_class, 2):
            for negative in negatives:
                triplets.append((anchor, positive, negative))
    return np.array(triplets, dtype=np.int64).reshape(-1, 3)


def ordered_triplets(labels):
    """Every ordered (anchor, positive) pair, anchor != positive, x every negative."""
    return np.array(
        [
            (a, p, n)
            for a, p, n in itertools.product(range(len(labels)), repeat=3)
            if a != p and labels[a] == labels[p] and labels[a] != labels[n]
        ],
        dtype=np.int64,
    ).reshape(-1, 3)


def tie_heavy_batch(seed, batch_size):
    """Random batch with coinciding embeddings and, for odd seeds, exact distance ties."""
    labels, embeddings = random_batch(seed, batch_size, dim=6, num_classes=5)
    if seed % 2:
        # Every embedding on a 0.5 grid: squared distances are exact multiples of 0.25, so
        # many d(a, n) == d(a, p) + margin exactly (the hinge's kink).
        embeddings = np.round(embeddings * 2) / 2
    embeddings[1] = embeddings[0]
    embeddings[3] = embeddings[2]
    return labels, embeddings


@keras.saving.register_keras_serializable(package="tslearnkit_tests")
def manhattan_distances(x):
    return ops.sum(ops.abs(x[:, None, :] - x[None, :, :]), axis=-1)


LOSS_OBJECTS = {
    "semihard": lambda: losses.TripletSemiHardLoss(margin=0.3, distance_metric="squared-L2"),
    "hard": lambda: losses.TripletHardLoss(margin=0.4, soft=True, distance_metric="angular"),
    "batch_all": lambda: losses.TripletBatchAllLoss(
        margin=0.2, distance_metric="L2", average="nonzero", positive_pairs="combinations"
    ),
    "nt_xent": lambda: losses.NTXentLoss(temperature=0.3, normalize=False),
    "supcon": lambda: losses.SupConLoss(temperature=0.2, normalize=False),
    "semihard_callable": lambda: losses.TripletSemiHardLoss(distance_metric=manhattan_distances),
}


def small_model(seed=0):
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(4, kernel_initializer=keras.initializers.GlorotUniform(seed))(inputs)
    return keras.Model(inputs, outputs)
