"""Tests for tslearnkit.losses.distances: the matrices and their gradients (TFA's are checked
through the losses' goldens in test_losses_triplet.py)."""

import numpy as np
import pytest
from keras import ops
from losses_helpers import needs_float64, squared_distances_np, value_and_grad

from tslearnkit import losses


@pytest.mark.parametrize("metric", ["L2", "squared-L2", "angular"])
def test_pairwise_distances_match_numpy(metric):
    x = np.random.default_rng(0).normal(size=(30, 7))
    squared = squared_distances_np(x)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    expected = {"L2": np.sqrt(squared), "squared-L2": squared, "angular": np.maximum(1.0 - unit @ unit.T, 0.0)}[metric]
    got = ops.convert_to_numpy(losses.pairwise_distances(x.astype(np.float32), metric))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    if metric != "angular":
        assert np.all(np.diag(got) == 0.0)


@needs_float64
@pytest.mark.parametrize("squared", [True, False])
def test_distance_gradient_is_the_closed_form_and_zero_at_coinciding_points(squared):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(12, 4))
    x[4] = x[3]  # coinciding points: a zero, finite gradient between them
    weights = rng.normal(size=(12, 12))
    metric = "squared-L2" if squared else "L2"
    _, grad = value_and_grad(lambda e: ops.sum(ops.multiply(weights, losses.pairwise_distances(e, metric))), x)
    # d/dx_i of sum_jk w_jk D_jk: D = |x_j - x_k|^2 gives 2 (w_ij + w_ji)(x_i - x_j) per j;
    # D = |x_j - x_k| gives (w_ij + w_ji)(x_i - x_j) / D_ij.
    difference = x[:, None, :] - x[None, :, :]
    distance = np.sqrt(squared_distances_np(x))
    coupling = weights + weights.T
    if squared:
        coupling = 2.0 * coupling
    else:
        coupling = np.divide(coupling, distance, out=np.zeros_like(coupling), where=distance > 0)
    expected = (coupling[:, :, None] * difference).sum(axis=1)
    np.testing.assert_allclose(grad, expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("scale", [1e-20, 1e20])
def test_losses_that_should_be_scale_invariant_are_at_extreme_finite_scales(scale):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(16, 8)).astype(np.float32)
    y = np.repeat(np.arange(4), 4)
    big = (z * scale).astype(np.float32)
    cases = [
        lambda e: losses.nt_xent_loss(e[:8], e[8:], normalize=True),
        lambda e: losses.supcon_loss(y, e, normalize=True),
        lambda e: losses.triplet_semihard_loss(y, e, distance_metric="angular"),
        lambda e: losses.triplet_hard_loss(y, e, distance_metric="angular"),
        lambda e: losses.triplet_batch_all_loss(y, e, distance_metric="angular"),
    ]
    for loss in cases:
        assert float(loss(big)) == pytest.approx(float(loss(z)), rel=1e-5)
    distances = ops.convert_to_numpy(losses.pairwise_distances(big, "L2"))
    assert np.isfinite(distances).all()
    np.testing.assert_allclose(
        distances / scale, ops.convert_to_numpy(losses.pairwise_distances(z, "L2")), rtol=1e-5, atol=1e-6
    )
