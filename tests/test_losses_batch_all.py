"""Tests for the batch-all triplet loss (tslearnkit.losses.triplet) against loops and explicit triplets."""

import keras
import numpy as np
import pytest
from keras import ops
from losses_helpers import (
    ordered_triplets,
    random_batch,
    squared_distances_np,
    study_triplets,
    tensorflow_only,
    tie_heavy_batch,
    value_and_grad,
)

from tslearnkit import losses


def _mean_hinge(hinge, average):
    """Mean of relu(hinge) over every triplet, or over the active ones; 0 for none."""
    active = hinge > 0
    hinge = ops.where(active, hinge, 0.0)  # relu, gradient 0 at the kink
    count = ops.sum(ops.cast(active, hinge.dtype)) if average == "nonzero" else float(hinge.shape[0])
    return ops.sum(hinge) / ops.maximum(count, 1.0)


def triplet_loss_from_indices(embeddings, triplets, margin, average):
    """Mean hinge over explicit triplets, in keras.ops so that it has a gradient (squared L2)."""
    anchor, positive, negative = (ops.take(embeddings, triplets[:, i], axis=0) for i in range(3))
    hinge = ops.sum(ops.square(anchor - positive), 1) - ops.sum(ops.square(anchor - negative), 1) + margin
    return _mean_hinge(hinge, average)


@pytest.mark.parametrize("positive_pairs, selector", [("combinations", study_triplets), ("ordered", ordered_triplets)])
@pytest.mark.parametrize("average", ["all", "nonzero"])
def test_batch_all_matches_brute_force(positive_pairs, selector, average):
    labels = np.array([0, 1, 0, 2, 1, 0, 3, 2, 0, 1, 1, 4, 2, 0])  # incl. a singleton class
    rng = np.random.default_rng(7)
    embeddings = rng.normal(size=(len(labels), 3)).astype("float32") * 0.7
    triplets = selector(labels)

    expected, expected_grad = value_and_grad(lambda x: triplet_loss_from_indices(x, triplets, 1.0, average), embeddings)
    value, grad = value_and_grad(
        losses.triplet_batch_all_loss,
        labels,
        embeddings,
        margin=1.0,
        average=average,
        positive_pairs=positive_pairs,
    )
    np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6)


def test_batch_all_conventions_differ_and_study_reproduces_its_loop():
    labels, embeddings = random_batch(seed=3, batch_size=40, dim=8, num_classes=5)
    triplets = study_triplets(labels)
    distances = squared_distances_np(embeddings)
    hinge = np.maximum(
        distances[triplets[:, 0], triplets[:, 1]] - distances[triplets[:, 0], triplets[:, 2]] + 1.0,
        0.0,
    )
    study = losses.triplet_batch_all_loss(labels, embeddings, positive_pairs="combinations")
    ordered = losses.triplet_batch_all_loss(labels, embeddings, positive_pairs="ordered")
    np.testing.assert_allclose(float(study), hinge.mean(), rtol=1e-5)
    assert abs(float(ordered) - float(study)) > 1e-3


@pytest.mark.parametrize("metric", ["L2", "angular"])
def test_batch_all_other_metrics_match_brute_force(metric):
    labels, embeddings = random_batch(seed=4, batch_size=12, dim=5, num_classes=3)
    distances = ops.convert_to_numpy(losses.pairwise_distances(embeddings.astype(np.float64), metric))
    triplets = ordered_triplets(labels)
    hinge = np.maximum(
        distances[triplets[:, 0], triplets[:, 1]] - distances[triplets[:, 0], triplets[:, 2]] + 0.3,
        0.0,
    )
    value = losses.triplet_batch_all_loss(labels, embeddings, margin=0.3, distance_metric=metric)
    np.testing.assert_allclose(float(value), hinge.mean(), rtol=1e-5)


def test_batch_all_nonzero_without_active_triplet_is_zero():
    labels = np.array([0, 0, 1, 1])
    embeddings = np.array([[0, 0], [0, 0.1], [5, 5], [5, 5.1]], "float32")
    for average in ("all", "nonzero"):
        assert float(losses.triplet_batch_all_loss(labels, embeddings, average=average)) == 0.0


def test_nonzero_average_is_larger_than_all_when_some_triplets_are_inactive():
    labels, embeddings = random_batch(seed=8, batch_size=20, dim=4, num_classes=4)
    everything = float(losses.triplet_batch_all_loss(labels, embeddings, average="all"))
    nonzero = float(losses.triplet_batch_all_loss(labels, embeddings, average="nonzero"))
    triplets = ordered_triplets(labels)
    distances = squared_distances_np(embeddings)
    hinge = np.maximum(distances[triplets[:, 0], triplets[:, 1]] - distances[triplets[:, 0], triplets[:, 2]] + 1.0, 0.0)
    assert 0 < (hinge > 0).sum() < hinge.size
    np.testing.assert_allclose(nonzero, hinge[hinge > 0].mean(), rtol=1e-5)
    assert nonzero > everything


def triplet_loss_from_distances(embeddings, triplets, margin, average, metric):
    """Mean hinge over explicit triplets of the autodiff distance matrix (no written-out
    gradient anywhere): the reference for the batch-all loss's counting and gradient."""
    distances = ops.reshape(losses.pairwise_distances(embeddings, metric), (-1,))
    size = len(embeddings) if isinstance(embeddings, np.ndarray) else embeddings.shape[0]
    anchor_positive = ops.take(distances, triplets[:, 0] * size + triplets[:, 1])
    anchor_negative = ops.take(distances, triplets[:, 0] * size + triplets[:, 2])
    return _mean_hinge(anchor_positive - anchor_negative + margin, average)


def vectorised_triplets(labels, positive_pairs):
    """All valid (a, p, n) index triplets, as the selectors above, without a Python loop."""
    same = labels[:, None] == labels[None, :]
    index = np.arange(len(labels))
    pairs = same & (index[:, None] < index if positive_pairs == "combinations" else index[:, None] != index)
    return np.argwhere(pairs[:, :, None] & ~same[:, None, :]).astype(np.int64)


@pytest.mark.parametrize("positive_pairs", ["ordered", "combinations"])
@pytest.mark.parametrize("average", ["all", "nonzero"])
@pytest.mark.parametrize("metric", ["squared-L2", "L2"])
def test_batch_all_counts_and_gradient_match_explicit_triplets(positive_pairs, average, metric):
    for seed, batch_size in [(0, 12), (1, 40), (2, 97), (3, 128)]:
        labels, embeddings = tie_heavy_batch(seed, batch_size)
        triplets = vectorised_triplets(labels, positive_pairs)
        expected, expected_grad = value_and_grad(
            lambda x, triplets=triplets: triplet_loss_from_distances(x, triplets, 0.5, average, metric), embeddings
        )
        value, grad = value_and_grad(
            losses.triplet_batch_all_loss,
            labels,
            embeddings,
            margin=0.5,
            distance_metric=metric,
            average=average,
            positive_pairs=positive_pairs,
        )
        np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6)


@tensorflow_only
def test_batch_all_with_unknown_batch_size_equals_a_static_one():
    import tensorflow as tf

    signature = [tf.TensorSpec([None], tf.int64), tf.TensorSpec([None, 6], tf.float32)]

    @tf.function(input_signature=signature)
    def step(y, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = losses.triplet_batch_all_loss(y, x, average="nonzero")
        return value, tape.gradient(value, x)

    graph = step.get_concrete_function().graph
    assert not any(output.shape.rank == 3 for operation in graph.get_operations() for output in operation.outputs)
    for seed, batch_size in [(0, 40), (1, 200)]:
        labels, embeddings = random_batch(seed, batch_size, dim=6, num_classes=5)
        value, grad = step(tf.constant(labels, tf.int64), tf.constant(embeddings))
        expected, expected_grad = value_and_grad(losses.triplet_batch_all_loss, labels, embeddings, average="nonzero")
        np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), expected_grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_batch_all_fits_with_partial_batches(jit_compile):
    # Batches of 40 and a last one of 20: Keras traces the step with batch dimension None.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 6)).astype("float32")
    y = rng.integers(0, 4, size=100)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile("adam", loss=losses.TripletBatchAllLoss(), jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=40, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
