"""Tests for tslearnkit.losses.triplet: TFA goldens (values and gradients written by
tensorflow-addons 0.23 itself, tests/golden/make_tfa_goldens.py) and a brute-force semi-hard loop.
"""

import json
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops
from losses_helpers import BACKEND, compiled_value_and_grad, value_and_grad

from tslearnkit import losses

GOLDEN_DIR = Path(__file__).parent / "golden"


GOLDEN_META = json.loads((GOLDEN_DIR / "tfa_triplet_goldens.json").read_text())


GOLDEN_ARRAYS = dict(np.load(GOLDEN_DIR / "tfa_triplet_goldens.npz"))


GOLDEN_CASES = {case["name"]: case for case in GOLDEN_META["cases"]}


def _abs_with_tf_gradient(x):
    """|x| whose gradient at 0 is TensorFlow's, 0 (JAX's `abs` has gradient 1 there)."""
    return ops.sign(x) * x


# The goldens' callable metrics, rebuilt with keras.ops (same formulas as in the generator).
CALLABLE_METRICS = {
    "callable:dot": lambda x: ops.matmul(x, ops.transpose(x)),
    "callable:manhattan": lambda x: ops.sum(_abs_with_tf_gradient(x[:, None, :] - x[None, :, :]), axis=-1),
}


# float32: values within rtol 1e-5; gradients within atol = 5e-5 * max(1, max|g_TFA|) plus
# rtol 1e-4, the tolerance real TFA itself meets across TensorFlow versions (its distances are
# |a|^2 + |b|^2 - 2ab, whose rounding depends on the summation order a TF build picks).
# float16/bfloat16 goldens hold gradients rounded to 11/8 bits: (rtol, atol) of that precision.
VALUE_RTOL = 1e-5
GRAD_RTOL, GRAD_ATOL_SCALE = 1e-4, 5e-5
LOW_PRECISION_TOLERANCES = {
    "float16": {"value": (2e-3, 1e-3), "grad": (2e-2, 2e-3)},
    "bfloat16": {"value": (2e-2, 1e-2), "grad": (5e-2, 2e-2)},
}
# Goldens that need more than the float32 tolerance, with why (see the comment at each).
GRAD_ATOL_SCALE_OVERRIDES = {}
# (backend, mode or None for both, name): value rtol, for L2 goldens with coinciding points only.
# Their distance is sqrt(|a|^2 + |b|^2 - 2ab), the square root of a rounding residual that
# depends on the summation order of a backend's kernels: TFA's goldens hold TensorFlow's (0 for
# some pairs, ~1e-7 for others), which TensorFlow and eager JAX reproduce. Under jax.jit, XLA
# fuses the norms' reduction and rounds |x|^2 one ulp away from the matmul's x.x (distance 1e-3
# where TFA has 0: value 1e-4 off); torch's kernels leave other residuals (2e-5 off). The
# gradients still meet the float32 tolerance.
VALUE_RTOL_OVERRIDES = {
    ("jax", "function", "hard_L2_some_coincident"): 2e-4,
    ("torch", None, "hard_L2_oversampled_ties"): 5e-5,
}


TRIPLET_FUNCTIONS = {
    "semihard": losses.triplet_semihard_loss,
    "hard": losses.triplet_hard_loss,
}


def test_goldens_cover_the_required_cases():
    cases = GOLDEN_META["cases"]
    assert len(cases) >= 30
    assert GOLDEN_META["versions"]["tensorflow_addons"] == "0.23.0"
    assert {c["kwargs"]["distance_metric"] for c in cases} >= {"L2", "squared-L2", "angular"}
    assert {c["dtype"] for c in cases} >= {"float32", "float16"}
    assert {c["label_shape"] for c in cases} == {"(b,)", "(b,1)"}
    semihard = [c for c in cases if c["loss"] == "semihard"]
    # The gradient of tied minima is split by TFA; these cases must actually contain ties,
    # including the one where the tie involves the masked-out entries (chosen = row maximum).
    assert sum(c["semihard_pairs_with_tied_negatives"] for c in semihard) > 100
    assert sum(c["semihard_pairs_choosing_row_maximum"] for c in semihard) > 20
    assert any(c["kwargs"].get("soft") for c in cases)


@pytest.mark.parametrize("mode", ["eager", "function"])
@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_matches_tfa_goldens(name, mode):
    case = GOLDEN_CASES[name]
    kwargs = dict(case["kwargs"])
    kwargs["distance_metric"] = CALLABLE_METRICS.get(kwargs["distance_metric"], kwargs["distance_metric"])
    labels = GOLDEN_ARRAYS[f"{name}/labels"]
    embeddings = ops.cast(ops.convert_to_tensor(GOLDEN_ARRAYS[f"{name}/embeddings"]), case["dtype"])
    expected_value = GOLDEN_ARRAYS[f"{name}/value"]
    expected_grad = GOLDEN_ARRAYS[f"{name}/grad"]
    function = TRIPLET_FUNCTIONS[case["loss"]]

    def compute():
        if mode == "eager":
            return value_and_grad(function, labels, embeddings, **kwargs)
        # Keras trains inside tf.function (where grappler rewrites the graph) or jax.jit.
        return compiled_value_and_grad(function, labels, embeddings, **kwargs)

    if not case["value_is_finite"]:
        # TFA's semi-hard loss divides 0 by 0 without positive pairs; ours returns 0 by design
        # (with a warning when eager; a graph cannot warn on values).
        assert np.isnan(expected_value)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value, grad = compute()
        # torch has no graph mode: its "function" is eager too.
        assert any("no positive pair" in str(w.message) for w in caught) == (mode == "eager" or BACKEND == "torch")
        assert float(value) == 0.0
        np.testing.assert_array_equal(grad, 0.0)
        return

    value, grad = compute()
    assert keras.backend.standardize_dtype(value.dtype) == case["dtype"]
    if case["dtype"] in LOW_PRECISION_TOLERANCES:
        rtol, atol = LOW_PRECISION_TOLERANCES[case["dtype"]]["value"]
        np.testing.assert_allclose(float(value), float(expected_value), rtol=rtol, atol=atol)
        rtol, atol = LOW_PRECISION_TOLERANCES[case["dtype"]]["grad"]
        np.testing.assert_allclose(grad, expected_grad, rtol=rtol, atol=atol)
        return
    value_rtol = VALUE_RTOL_OVERRIDES.get(
        (BACKEND, mode, name), VALUE_RTOL_OVERRIDES.get((BACKEND, None, name), VALUE_RTOL)
    )
    np.testing.assert_allclose(float(value), float(expected_value), rtol=value_rtol, atol=0)
    atol_scale = GRAD_ATOL_SCALE_OVERRIDES.get(name, GRAD_ATOL_SCALE)
    atol = atol_scale * max(1.0, float(np.abs(expected_grad).max()))
    np.testing.assert_allclose(grad, expected_grad, rtol=GRAD_RTOL, atol=atol)


def semihard_loss_loop(labels, embeddings, margin):
    """The semi-hard loss as lesson 4 states it, one (anchor, positive) pair at a time (float64)."""
    x = np.asarray(embeddings, np.float64)
    distances = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1))
    hinges = []
    for anchor in range(len(labels)):
        negatives = distances[anchor][labels != labels[anchor]]
        for positive in np.flatnonzero(labels == labels[anchor]):
            if positive == anchor:
                continue
            d_ap = distances[anchor, positive]
            farther = negatives[negatives > d_ap]
            d_an = farther.min() if farther.size else (negatives.max() if negatives.size else 0.0)
            hinges.append(max(d_ap - d_an + margin, 0.0))
    return np.mean(hinges) if hinges else 0.0


@pytest.mark.parametrize("seed", range(4))
def test_semihard_matches_a_loop_over_pairs(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 5, size=24)
    embeddings = rng.normal(size=(24, 3)).astype("float32")
    value = losses.triplet_semihard_loss(labels, embeddings, margin=0.5)
    np.testing.assert_allclose(float(value), semihard_loss_loop(labels, embeddings, 0.5), rtol=1e-5)
