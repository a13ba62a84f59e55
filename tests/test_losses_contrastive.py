"""Tests for tslearnkit.losses.contrastive: NumPy transcriptions of the NT-Xent (Chen et al.
2020) and SupCon L_out (Khosla et al. 2020) equations, central finite differences in float64.
"""

import numpy as np
import pytest
from losses_helpers import BACKEND, compiled_value_and_grad, needs_float64, squared_distances_np, value_and_grad

from tslearnkit import losses


def nt_xent_reference(z_a, z_b, temperature, normalize):
    """SimCLR's loss, eq. 1 of Chen et al. 2020, transcribed literally (float64)."""
    z = np.concatenate([z_a, z_b]).astype(np.float64)
    if normalize:
        z = z / np.linalg.norm(z, axis=1, keepdims=True)
        similarity = z @ z.T
    else:
        similarity = -squared_distances_np(z)
    num_views, half = len(z), len(z) // 2
    total = 0.0
    for i in range(num_views):
        j = (i + half) % num_views
        denominator = sum(np.exp(similarity[i, k] / temperature) for k in range(num_views) if k != i)
        total += -np.log(np.exp(similarity[i, j] / temperature) / denominator)
    return total / num_views


def supcon_reference(labels, z, temperature, normalize):
    """L_out of Khosla et al. 2020 (eq. 2), averaged over anchors that have a positive."""
    z = np.asarray(z, np.float64)
    if normalize:
        z = z / np.linalg.norm(z, axis=1, keepdims=True)
        similarity = z @ z.T
    else:
        similarity = -squared_distances_np(z)
    per_anchor = []
    for i in range(len(z)):
        positives = [p for p in range(len(z)) if p != i and labels[p] == labels[i]]
        if not positives:
            continue
        denominator = sum(np.exp(similarity[i, a] / temperature) for a in range(len(z)) if a != i)
        per_anchor.append(-np.mean([np.log(np.exp(similarity[i, p] / temperature) / denominator) for p in positives]))
    return np.mean(per_anchor)


@pytest.mark.parametrize("normalize, temperature", [(True, 0.5), (True, 0.1), (False, 1.0)])
def test_nt_xent_matches_equation(normalize, temperature):
    rng = np.random.default_rng(11)
    z_a, z_b = rng.normal(size=(2, 7, 3)).astype("float32")
    expected = nt_xent_reference(z_a, z_b, temperature, normalize)
    value = losses.nt_xent_loss(z_a, z_b, temperature=temperature, normalize=normalize)
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)


@pytest.mark.parametrize("normalize, temperature", [(True, 0.1), (True, 0.5), (False, 2.0)])
def test_supcon_matches_equation(normalize, temperature):
    labels = np.array([0, 1, 0, 2, 1, 1, 3, 0, 2, 4])  # classes 3 and 4: anchors without positive
    z = np.random.default_rng(12).normal(size=(len(labels), 3)).astype("float32")
    expected = supcon_reference(labels, z, temperature, normalize)
    value = losses.supcon_loss(labels, z, temperature=temperature, normalize=normalize)
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)


def finite_difference_gradient(function, x, step=1e-6):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        shifted = [x.copy(), x.copy()]
        shifted[0][index] += step
        shifted[1][index] -= step
        gradient[index] = (float(function(shifted[0])) - float(function(shifted[1]))) / (2 * step)
    return gradient


@needs_float64
@pytest.mark.parametrize("name", ["nt_xent", "supcon", "batch_all"])
@pytest.mark.parametrize("normalize", [True, False])
def test_gradients_match_finite_differences(name, normalize):
    rng = np.random.default_rng(13)
    labels = np.array([0, 1, 0, 1, 2, 2])
    x = rng.normal(size=(6, 2))  # float64 end to end
    functions = {
        "nt_xent": lambda z: losses.nt_xent_loss(z[:3], z[3:], 0.5, normalize),
        "supcon": lambda z: losses.supcon_loss(labels, z, 0.5, normalize),
        "batch_all": lambda z: losses.triplet_batch_all_loss(labels, z, 0.5, "squared-L2" if normalize else "L2"),
    }
    _, grad = value_and_grad(functions[name], x)
    expected = finite_difference_gradient(functions[name], x)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_unnormalized_contrastive_losses_are_translation_invariant_and_finite():
    rng = np.random.default_rng(14)
    z = rng.normal(size=(8, 2))
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    far = (z + 1e3).astype("float32")  # |z|^2 ~ 2e6: the expansion alone would lose ~0.1
    np.testing.assert_allclose(
        float(losses.supcon_loss(labels, far, temperature=1.0, normalize=False)),
        supcon_reference(labels, z, 1.0, False),
        rtol=1e-4,
    )
    np.testing.assert_allclose(
        float(losses.nt_xent_loss(far[:4], far[4:], temperature=1.0, normalize=False)),
        nt_xent_reference(z[:4], z[4:], 1.0, False),
        rtol=1e-4,
    )
    spread = (z * 300).astype("float32")  # logits down to -1e7: plain exp() would underflow
    for value, grad in [
        value_and_grad(losses.supcon_loss, labels, spread, temperature=0.1, normalize=False),
        value_and_grad(lambda x: losses.nt_xent_loss(x[:4], x[4:], 0.1, normalize=False), spread),
    ]:
        assert np.isfinite(float(value)) and np.all(np.isfinite(grad))


UNNORMALIZED = {
    "supcon": (lambda y, x: losses.supcon_loss(y, x, temperature=0.1, normalize=False), "`z`"),
    "nt_xent": (lambda y, x: losses.nt_xent_loss(x[:8], x[8:], temperature=0.1, normalize=False), "`z_a`/`z_b`"),
}


@pytest.mark.parametrize("name", sorted(UNNORMALIZED))
def test_unnormalized_logits_that_overflow_raise_naming_the_spread(name):
    function, argument = UNNORMALIZED[name]
    labels = np.repeat(np.arange(4), 4)
    z = np.random.default_rng(15).normal(size=(16, 2))
    # Spread 1e15: squared distances ~1e30 / t fit float32; the loss is huge but finite.
    assert np.isfinite(float(function(labels, (z * 1e15).astype("float32"))))
    # Spread 1e20: squared distances ~1e40 do not; the error names the argument, the spread and what to do.
    message = rf"{argument} spreads \d\.\d+e\+20 around its mean: with normalize=False .* overflow float32\. Use norm"
    with pytest.raises(ValueError, match=message):
        function(labels, (z * 1e20).astype("float32"))
    # normalize=True, the remedy the message names first, is scale-free.
    assert np.isfinite(float(losses.supcon_loss(labels, (z * 1e20).astype("float32"), normalize=True)))
    if BACKEND != "torch":  # a compiled step cannot raise on values: its loss is not finite instead
        value, _ = compiled_value_and_grad(function, labels, (z * 1e20).astype("float32"))
        assert not np.isfinite(float(value))
