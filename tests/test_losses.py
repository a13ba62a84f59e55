"""Tests for tslearnkit.losses.

References used here:
  * TFA goldens: values and gradients written by tensorflow-addons 0.23 itself
    (tests/golden/make_tfa_goldens.py), 54 cases incl. ties, coincident points and float16;
  * brute-force loops over every triplet (batch-all, semi-hard);
  * NumPy transcriptions of the NT-Xent (Chen et al. 2020) and SupCon L_out (Khosla et al. 2020)
    equations, and central finite differences in float64 for their gradients.
"""

import itertools
import json
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from tslearnkit import losses

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_META = json.loads((GOLDEN_DIR / "tfa_triplet_goldens.json").read_text())
GOLDEN_ARRAYS = dict(np.load(GOLDEN_DIR / "tfa_triplet_goldens.npz"))
GOLDEN_CASES = {case["name"]: case for case in GOLDEN_META["cases"]}

# The goldens' callable metrics, rebuilt with keras.ops (same formulas as in the generator).
CALLABLE_METRICS = {
    "callable:dot": lambda x: ops.matmul(x, ops.transpose(x)),
    "callable:manhattan": lambda x: ops.sum(ops.abs(x[:, None, :] - x[None, :, :]), axis=-1),
}

# (rtol, atol) for values and gradients, by input dtype. float32 follows the targets;
# the atol absorbs float32 round-off on gradient entries that are exactly 0 in TFA.
TOLERANCES = {
    "float32": {"value": (1e-5, 1e-7), "grad": (1e-4, 1e-6)},
    "float16": {"value": (2e-3, 1e-3), "grad": (2e-2, 2e-3)},
    "bfloat16": {"value": (2e-2, 1e-2), "grad": (5e-2, 2e-2)},
}

TRIPLET_FUNCTIONS = {
    "semihard": losses.triplet_semihard_loss,
    "hard": losses.triplet_hard_loss,
}


def value_and_grad(function, *args, **kwargs):
    """Loss value and its gradient w.r.t. the last positional argument (the embeddings)."""
    *leading, embeddings = args
    embeddings = tf.convert_to_tensor(embeddings)
    with tf.GradientTape() as tape:
        tape.watch(embeddings)
        value = function(*leading, embeddings, **kwargs)
    return value, tape.gradient(value, embeddings)


def random_batch(seed, batch_size=16, dim=4, num_classes=4, dtype="float32"):
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(batch_size) % num_classes)
    return labels, rng.normal(size=(batch_size, dim)).astype(dtype)


# ------------------------------------------------------------------------------------------
# TFA goldens
# ------------------------------------------------------------------------------------------
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
    kwargs["distance_metric"] = CALLABLE_METRICS.get(kwargs["distance_metric"],
                                                     kwargs["distance_metric"])
    labels = GOLDEN_ARRAYS[f"{name}/labels"]
    embeddings = tf.cast(GOLDEN_ARRAYS[f"{name}/embeddings"], case["dtype"])
    expected_value = GOLDEN_ARRAYS[f"{name}/value"]
    expected_grad = GOLDEN_ARRAYS[f"{name}/grad"]
    function = TRIPLET_FUNCTIONS[case["loss"]]

    def compute():
        if mode == "eager":
            return value_and_grad(function, labels, embeddings, **kwargs)
        # Keras trains inside tf.function, where grappler rewrites the graph.
        return tf.function(lambda y, x: value_and_grad(function, y, x, **kwargs))(
            tf.constant(labels), embeddings)

    if not case["value_is_finite"]:
        # TFA's semi-hard loss divides 0 by 0 without positive pairs; ours returns 0 by design
        # (with a warning when eager; a graph cannot warn on values).
        assert np.isnan(expected_value)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value, grad = compute()
        assert any("no positive pair" in str(w.message) for w in caught) == (mode == "eager")
        assert float(value) == 0.0
        np.testing.assert_array_equal(grad.numpy(), 0.0)
        return

    value, grad = compute()
    assert keras.backend.standardize_dtype(value.dtype) == case["dtype"]
    rtol, atol = TOLERANCES[case["dtype"]]["value"]
    np.testing.assert_allclose(float(value), float(expected_value), rtol=rtol, atol=atol)
    rtol, atol = TOLERANCES[case["dtype"]]["grad"]
    np.testing.assert_allclose(
        tf.cast(grad, tf.float32).numpy(), expected_grad, rtol=rtol, atol=atol
    )


# ------------------------------------------------------------------------------------------
# Brute-force references
# ------------------------------------------------------------------------------------------
def squared_distances_np(embeddings):
    embeddings = np.asarray(embeddings, np.float64)
    return ((embeddings[:, None, :] - embeddings[None, :, :]) ** 2).sum(-1)


def semihard_brute_force(labels, embeddings, margin):
    """Loop transcription of semi-hard mining with Euclidean distances (float64)."""
    distances = np.sqrt(squared_distances_np(embeddings))
    total, pairs = 0.0, 0
    for anchor, positive in itertools.permutations(range(len(labels)), 2):
        if labels[anchor] != labels[positive]:
            continue
        negatives = distances[anchor][labels != labels[anchor]]
        farther = negatives[negatives > distances[anchor, positive]]
        negative = farther.min() if farther.size else negatives.max()
        total += max(distances[anchor, positive] - negative + margin, 0.0)
        pairs += 1
    return total / pairs


def test_semihard_matches_brute_force_on_a_larger_batch():
    labels, embeddings = random_batch(seed=1, batch_size=120, dim=8, num_classes=10)
    expected = semihard_brute_force(labels, embeddings, margin=0.5)
    value = losses.triplet_semihard_loss(labels, embeddings, margin=0.5)
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)


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


def triplet_loss_from_indices(embeddings, triplets, margin, average):
    """Mean hinge over explicit triplets, in TF so that it has a gradient (squared L2)."""
    anchor, positive, negative = (tf.gather(embeddings, triplets[:, i]) for i in range(3))
    hinge = tf.nn.relu(
        tf.reduce_sum(tf.square(anchor - positive), 1)
        - tf.reduce_sum(tf.square(anchor - negative), 1)
        + margin
    )
    if average == "nonzero":
        hinge = tf.boolean_mask(hinge, hinge > 0)
    return tf.math.divide_no_nan(tf.reduce_sum(hinge), tf.cast(tf.size(hinge), hinge.dtype))


@pytest.mark.parametrize("positive_pairs, selector", [
    ("combinations", study_triplets), ("ordered", ordered_triplets)
])
@pytest.mark.parametrize("average", ["all", "nonzero"])
def test_batch_all_matches_brute_force(positive_pairs, selector, average):
    labels = np.array([0, 1, 0, 2, 1, 0, 3, 2, 0, 1, 1, 4, 2, 0])  # incl. a singleton class
    rng = np.random.default_rng(7)
    embeddings = rng.normal(size=(len(labels), 3)).astype("float32") * 0.7
    triplets = selector(labels)

    expected, expected_grad = value_and_grad(
        lambda x: triplet_loss_from_indices(x, triplets, 1.0, average), embeddings
    )
    value, grad = value_and_grad(
        losses.triplet_batch_all_loss, labels, embeddings, margin=1.0,
        average=average, positive_pairs=positive_pairs,
    )
    np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
    expected_grad = tf.convert_to_tensor(expected_grad)  # tf.gather's gradient is sparse
    np.testing.assert_allclose(grad.numpy(), expected_grad.numpy(), rtol=1e-4, atol=1e-6)


def test_batch_all_conventions_differ_and_study_reproduces_its_loop():
    labels, embeddings = random_batch(seed=3, batch_size=40, dim=8, num_classes=5)
    triplets = study_triplets(labels)
    distances = squared_distances_np(embeddings)
    hinge = np.maximum(
        distances[triplets[:, 0], triplets[:, 1]] - distances[triplets[:, 0], triplets[:, 2]]
        + 1.0, 0.0,
    )
    study = losses.triplet_batch_all_loss(labels, embeddings, positive_pairs="combinations")
    ordered = losses.triplet_batch_all_loss(labels, embeddings, positive_pairs="ordered")
    np.testing.assert_allclose(float(study), hinge.mean(), rtol=1e-5)
    assert abs(float(ordered) - float(study)) > 1e-3


@pytest.mark.parametrize("metric", ["L2", "angular"])
def test_batch_all_other_metrics_match_brute_force(metric):
    labels, embeddings = random_batch(seed=4, batch_size=12, dim=5, num_classes=3)
    distances = losses.pairwise_distances(tf.constant(embeddings, tf.float64), metric).numpy()
    triplets = ordered_triplets(labels)
    hinge = np.maximum(
        distances[triplets[:, 0], triplets[:, 1]] - distances[triplets[:, 0], triplets[:, 2]]
        + 0.3, 0.0,
    )
    value = losses.triplet_batch_all_loss(labels, embeddings, margin=0.3, distance_metric=metric)
    np.testing.assert_allclose(float(value), hinge.mean(), rtol=1e-5)


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
        denominator = sum(np.exp(similarity[i, k] / temperature)
                          for k in range(num_views) if k != i)
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
        denominator = sum(np.exp(similarity[i, a] / temperature)
                          for a in range(len(z)) if a != i)
        per_anchor.append(-np.mean([
            np.log(np.exp(similarity[i, p] / temperature) / denominator) for p in positives
        ]))
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


@pytest.mark.parametrize("name", ["nt_xent", "supcon", "batch_all"])
@pytest.mark.parametrize("normalize", [True, False])
def test_gradients_match_finite_differences(name, normalize):
    rng = np.random.default_rng(13)
    labels = np.array([0, 1, 0, 1, 2, 2])
    x = rng.normal(size=(6, 2))  # float64 end to end
    functions = {
        "nt_xent": lambda z: losses.nt_xent_loss(z[:3], z[3:], 0.5, normalize),
        "supcon": lambda z: losses.supcon_loss(labels, z, 0.5, normalize),
        "batch_all": lambda z: losses.triplet_batch_all_loss(
            labels, z, 0.5, "squared-L2" if normalize else "L2"),
    }
    _, grad = value_and_grad(functions[name], x)
    expected = finite_difference_gradient(functions[name], x)
    np.testing.assert_allclose(grad.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_unnormalized_contrastive_losses_are_translation_invariant_and_finite():
    rng = np.random.default_rng(14)
    z = rng.normal(size=(8, 2))
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    far = (z + 1e3).astype("float32")  # |z|^2 ~ 2e6: the expansion alone would lose ~0.1
    np.testing.assert_allclose(
        float(losses.supcon_loss(labels, far, temperature=1.0, normalize=False)),
        supcon_reference(labels, z, 1.0, False), rtol=1e-4,
    )
    np.testing.assert_allclose(
        float(losses.nt_xent_loss(far[:4], far[4:], temperature=1.0, normalize=False)),
        nt_xent_reference(z[:4], z[4:], 1.0, False), rtol=1e-4,
    )
    spread = (z * 300).astype("float32")  # logits down to -1e7: plain exp() would underflow
    for value, grad in [
        value_and_grad(losses.supcon_loss, labels, spread, temperature=0.1, normalize=False),
        value_and_grad(lambda x: losses.nt_xent_loss(x[:4], x[4:], 0.1, normalize=False),
                       spread),
    ]:
        assert np.isfinite(float(value)) and np.all(np.isfinite(grad.numpy()))


# ------------------------------------------------------------------------------------------
# Edge cases, dtypes, finiteness, memory
# ------------------------------------------------------------------------------------------
ALL_FUNCTIONS = {
    "semihard": lambda y, x: losses.triplet_semihard_loss(y, x),
    "hard": lambda y, x: losses.triplet_hard_loss(y, x),
    "hard_soft": lambda y, x: losses.triplet_hard_loss(y, x, soft=True),
    "batch_all": lambda y, x: losses.triplet_batch_all_loss(y, x, distance_metric="L2"),
    "nt_xent": lambda y, x: losses.nt_xent_loss(x[: len(x) // 2], x[len(x) // 2:]),
    "supcon": lambda y, x: losses.supcon_loss(y, x),
    "supcon_raw": lambda y, x: losses.supcon_loss(y, x, normalize=False),
}


COINCIDING_CASES = [
    *[(f"{name}-{metric}", (lambda f, m: lambda y, x: f(y, x, distance_metric=m))(function, metric))
      for name, function in [("semihard", losses.triplet_semihard_loss),
                             ("hard", losses.triplet_hard_loss),
                             ("batch_all", losses.triplet_batch_all_loss)]
      for metric in losses.DISTANCE_METRICS],
    *[(name, ALL_FUNCTIONS[name]) for name in ("hard_soft", "nt_xent", "supcon", "supcon_raw")],
    ("nt_xent_raw", lambda y, x: losses.nt_xent_loss(x[:4], x[4:], normalize=False)),
]


@pytest.mark.parametrize("name, function", COINCIDING_CASES, ids=[c[0] for c in COINCIDING_CASES])
def test_gradients_finite_when_embeddings_coincide(name, function):
    labels = np.array([0, 0, 1, 1, 2, 2, 0, 1])
    embeddings = np.zeros((8, 3), "float32")  # two groups of equal points, one at the origin
    embeddings[4:] = 1.0
    value, grad = value_and_grad(function, labels, embeddings)
    assert np.isfinite(float(value))
    assert np.all(np.isfinite(grad.numpy()))


@pytest.mark.parametrize("name", sorted(ALL_FUNCTIONS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_low_precision_is_computed_in_float32_and_cast_back(name, dtype):
    labels, embeddings = random_batch(seed=5, batch_size=12, dim=4, num_classes=3)
    low = tf.cast(embeddings, dtype)
    value = ALL_FUNCTIONS[name](labels, low)
    reference = ALL_FUNCTIONS[name](labels, tf.cast(low, "float32"))
    assert keras.backend.standardize_dtype(value.dtype) == dtype
    assert float(value) == float(tf.cast(reference, dtype))


def test_no_valid_triplet_gives_zero_with_zero_gradient():
    labels = np.arange(6)  # no positive pair
    embeddings = np.random.default_rng(6).normal(size=(6, 3)).astype("float32")
    for function in (losses.triplet_semihard_loss, losses.triplet_batch_all_loss,
                     losses.supcon_loss):
        with pytest.warns(RuntimeWarning, match="positive"):
            value, grad = value_and_grad(function, labels, embeddings)
        assert float(value) == 0.0
        np.testing.assert_array_equal(grad.numpy(), 0.0)
    single_class = np.zeros(6, int)  # positives but no negative: no triplet, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = value_and_grad(losses.triplet_batch_all_loss, single_class, embeddings)
    assert float(value) == 0.0
    np.testing.assert_array_equal(grad.numpy(), 0.0)


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
    hinge = np.maximum(distances[triplets[:, 0], triplets[:, 1]]
                       - distances[triplets[:, 0], triplets[:, 2]] + 1.0, 0.0)
    assert 0 < (hinge > 0).sum() < hinge.size
    np.testing.assert_allclose(nonzero, hinge[hinge > 0].mean(), rtol=1e-5)
    assert nonzero > everything


def test_labels_of_shape_b1_equal_labels_of_shape_b():
    labels, embeddings = random_batch(seed=9)
    for function in (losses.triplet_semihard_loss, losses.triplet_hard_loss,
                     losses.triplet_batch_all_loss, losses.supcon_loss):
        assert float(function(labels[:, None], embeddings)) == float(function(labels, embeddings))


def largest_intermediate(function, batch_size, dim=8):
    """Largest number of elements of any tensor in the traced forward+backward graph."""
    labels = tf.TensorSpec([batch_size], tf.int32)
    embeddings = tf.TensorSpec([batch_size, dim], tf.float32)

    @tf.function
    def step(y, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(y, x)
        return tape.gradient(value, x)

    graph = step.get_concrete_function(labels, embeddings).graph
    sizes = [
        output.shape.num_elements() or 0
        for operation in graph.get_operations()
        for output in operation.outputs
        if output.shape.is_fully_defined()
    ]
    return max(sizes)


@pytest.mark.parametrize("name", ["semihard", "hard", "batch_all", "supcon"])
def test_memory_is_quadratic_no_cubic_tensor(name):
    # TFA's semi-hard tiles a (b^2, b) tensor: b^3 = 262144 elements at b = 64.
    batch_size = 64
    largest = largest_intermediate(ALL_FUNCTIONS[name], batch_size)
    assert largest <= 2 * batch_size * (batch_size + 1)


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


def triplet_loss_from_distances(embeddings, triplets, margin, average, metric):
    """Mean hinge over explicit triplets of the autodiff distance matrix (no written-out
    gradient anywhere): the reference for the batch-all loss's counting and gradient."""
    distances = losses.pairwise_distances(embeddings, metric)
    anchor_positive = tf.gather_nd(distances, triplets[:, :2])
    anchor_negative = tf.gather_nd(distances, triplets[:, ::2])
    hinge = tf.nn.relu(anchor_positive - anchor_negative + margin)
    if average == "nonzero":
        hinge = tf.boolean_mask(hinge, hinge > 0)
    return tf.math.divide_no_nan(tf.reduce_sum(hinge), tf.cast(tf.size(hinge), hinge.dtype))


def vectorised_triplets(labels, positive_pairs):
    """All valid (a, p, n) index triplets, as the selectors above, without a Python loop."""
    same = labels[:, None] == labels[None, :]
    index = np.arange(len(labels))
    pairs = same & (index[:, None] < index if positive_pairs == "combinations"
                    else index[:, None] != index)
    return np.argwhere(pairs[:, :, None] & ~same[:, None, :]).astype(np.int64)


@pytest.mark.parametrize("positive_pairs", ["ordered", "combinations"])
@pytest.mark.parametrize("average", ["all", "nonzero"])
@pytest.mark.parametrize("metric", ["squared-L2", "L2"])
def test_batch_all_counts_and_gradient_match_explicit_triplets(positive_pairs, average, metric):
    for seed, batch_size in [(0, 12), (1, 40), (2, 97), (3, 128)]:
        labels, embeddings = tie_heavy_batch(seed, batch_size)
        triplets = vectorised_triplets(labels, positive_pairs)
        expected, expected_grad = value_and_grad(
            lambda x: triplet_loss_from_distances(x, triplets, 0.5, average, metric), embeddings)
        value, grad = value_and_grad(
            losses.triplet_batch_all_loss, labels, embeddings, margin=0.5,
            distance_metric=metric, average=average, positive_pairs=positive_pairs)
        np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), tf.convert_to_tensor(expected_grad).numpy(),
                                   rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("squared", [True, False])
def test_closed_form_distance_gradient_equals_tfas(squared):
    # Batch-all's closed-form distance gradient against the TFA-compatible default (TFA's
    # expression with autodiff's terms in TFA's order); equal up to float rounding.
    labels, embeddings = random_batch(seed=5, batch_size=30, dim=7, num_classes=3)
    embeddings[4] = embeddings[3]  # coinciding points: zero, finite gradient in both
    weights = tf.constant(np.random.default_rng(6).normal(size=(30, 30)), tf.float32)

    def weighted_sum(written_out):
        return lambda x: tf.reduce_sum(weights * losses._euclidean_distances(
            x, squared, written_out_gradient=written_out))

    expected, expected_grad = value_and_grad(weighted_sum(False), embeddings)
    value, grad = value_and_grad(weighted_sum(True), embeddings)
    np.testing.assert_allclose(float(value), float(expected), rtol=1e-6)
    assert np.all(np.isfinite(grad.numpy()))
    np.testing.assert_allclose(grad.numpy(), expected_grad.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("batch_size, dim", [(40, 128), (8, 4), (97, 33), (130, 128)])
def test_tfa_distance_gradient_sums_autodiffs_terms_in_tfas_order(batch_size, dim):
    # The written-out backward pass must reproduce TFA's rounding exactly, not only to a
    # tolerance: on near-duplicates the squared distance is rounding noise that the losses'
    # 0.5 / sqrt amplifies (golden `hard_L2_oversampled_ties` moves by 5e-4 relative when the
    # four terms are summed in another order, as grappler's re-sorted autodiff sum does).
    rng = np.random.default_rng(batch_size)
    x = rng.normal(size=(batch_size, dim)).astype("float32")
    x[batch_size // 2:] = x[: batch_size - batch_size // 2] + 1e-3 * rng.normal(
        size=(batch_size - batch_size // 2, dim)).astype("float32")
    weights = tf.constant(rng.normal(size=(batch_size, batch_size)), tf.float32)

    @tf.function
    def tfa_terms(x):
        """TFA's expression in a graph, and the four gradient terms as TF's gradient ops form
        them for it (weights = upstream gradient G)."""
        squared = (tf.reduce_sum(tf.square(x), axis=1, keepdims=True)
                   + tf.reduce_sum(tf.square(tf.transpose(x)), axis=0, keepdims=True)
                   ) - 2.0 * tf.matmul(x, tf.transpose(x))
        grad_products = 2.0 * -weights
        return squared, [
            tf.matmul(grad_products, x),
            tf.reduce_sum(weights, axis=1, keepdims=True) * (x * 2.0),
            tf.transpose(tf.matmul(x, grad_products, transpose_a=True)),
            tf.transpose(tf.reduce_sum(weights, axis=0, keepdims=True)) * (x * 2.0),
        ]

    @tf.function
    def ours(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            squared = losses._tfa_squared_distances(x)
            total = tf.reduce_sum(weights * squared)
        return squared, tape.gradient(total, x)

    expected, (left, rows, right, columns) = tfa_terms(tf.constant(x))
    squared, grad = ours(tf.constant(x))
    np.testing.assert_array_equal(squared.numpy(), expected.numpy())
    # TFA's AddN(left, rows, right, columns) adds left to right, in float32 (with this order
    # 24 of the 36 float32 Euclidean goldens are bit-identical inside tf.function).
    expected_grad = ((left.numpy() + rows.numpy()) + right.numpy()) + columns.numpy()
    np.testing.assert_array_equal(grad.numpy(), expected_grad)


@pytest.mark.parametrize("shape", [(40, 128), (3, 5), (200, 128)])
def test_transpose_matrix_copies_the_transpose(shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    transposed = tf.function(losses._transpose_matrix)
    np.testing.assert_array_equal(transposed(tf.constant(x)).numpy(), x.T)
    graph = transposed.get_concrete_function(tf.TensorSpec(shape, tf.float32)).graph
    uses_transpose = any(op.type == "Transpose" for op in graph.get_operations())
    # Small matrices are gathered (faster in the batch-hard step at b = 40), large ones not.
    assert uses_transpose == (shape[0] * shape[1] > losses.TRANSPOSE_BY_GATHER_MAX_ELEMENTS)
    unknown = tf.function(losses._transpose_matrix,
                          input_signature=[tf.TensorSpec([None, shape[1]], tf.float32)])
    np.testing.assert_array_equal(unknown(tf.constant(x)).numpy(), x.T)


def test_batch_all_with_unknown_batch_size_equals_a_static_one():
    signature = [tf.TensorSpec([None], tf.int64), tf.TensorSpec([None, 6], tf.float32)]

    @tf.function(input_signature=signature)
    def step(y, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = losses.triplet_batch_all_loss(y, x, average="nonzero")
        return value, tape.gradient(value, x)

    graph = step.get_concrete_function().graph
    assert not any(output.shape.rank == 3
                   for operation in graph.get_operations() for output in operation.outputs)
    for seed, batch_size in [(0, 40), (1, 200)]:
        labels, embeddings = random_batch(seed, batch_size, dim=6, num_classes=5)
        value, grad = step(tf.constant(labels, tf.int64), tf.constant(embeddings))
        expected, expected_grad = value_and_grad(
            losses.triplet_batch_all_loss, labels, embeddings, average="nonzero")
        np.testing.assert_allclose(float(value), float(expected), rtol=1e-5)
        np.testing.assert_allclose(grad.numpy(), expected_grad.numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------
# Input validation
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", [losses.triplet_semihard_loss, losses.triplet_hard_loss,
                                      losses.triplet_batch_all_loss, losses.supcon_loss])
def test_bad_inputs_raise_value_errors(function):
    labels, embeddings = random_batch(seed=10)
    with pytest.raises(ValueError, match="2-D"):
        function(labels, embeddings[:, :, None])
    with pytest.raises(ValueError, match="2-D"):
        function(labels, embeddings[0])
    with pytest.raises(ValueError, match="16 labels but .* 15 embeddings"):
        function(labels, embeddings[:15])
    with pytest.raises(ValueError, match="one integer label per sample"):
        function(np.stack([labels, labels], 1), embeddings)
    with_nan = embeddings.copy()
    with_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        function(labels, with_nan)


def test_bad_options_raise_value_errors_listing_allowed_values():
    labels, embeddings = random_batch(seed=10)
    for function in (losses.triplet_semihard_loss, losses.triplet_hard_loss,
                     losses.triplet_batch_all_loss):
        with pytest.raises(ValueError, match=r"cosine.*\['L2', 'squared-L2', 'angular'\]"):
            function(labels, embeddings, distance_metric="cosine")
    with pytest.raises(ValueError, match=r"average='mean'.*\['all', 'nonzero'\]"):
        losses.triplet_batch_all_loss(labels, embeddings, average="mean")
    with pytest.raises(ValueError, match=r"positive_pairs='upper'.*\['ordered', 'combinations'\]"):
        losses.triplet_batch_all_loss(labels, embeddings, positive_pairs="upper")
    with pytest.raises(ValueError, match="temperature"):
        losses.nt_xent_loss(embeddings[:8], embeddings[8:], temperature=0.0)
    with pytest.raises(ValueError, match="temperature"):
        losses.supcon_loss(labels, embeddings, temperature=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        losses.nt_xent_loss(embeddings[:8], embeddings[8:15])
    with pytest.raises(ValueError, match="distance_metric"):
        losses.TripletSemiHardLoss(distance_metric="l2")
    with pytest.raises(ValueError, match="average"):
        losses.TripletBatchAllLoss(average="sum")
    with pytest.raises(ValueError, match="even number of rows"):
        losses.NTXentLoss()(np.zeros(15), embeddings[:15])


# ------------------------------------------------------------------------------------------
# Keras classes: serialisation, save/load, distribution
# ------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="tslearnkit_tests")
def manhattan_distances(x):
    return ops.sum(ops.abs(x[:, None, :] - x[None, :, :]), axis=-1)


LOSS_OBJECTS = {
    "semihard": lambda: losses.TripletSemiHardLoss(margin=0.3, distance_metric="squared-L2"),
    "hard": lambda: losses.TripletHardLoss(margin=0.4, soft=True, distance_metric="angular"),
    "batch_all": lambda: losses.TripletBatchAllLoss(
        margin=0.2, distance_metric="L2", average="nonzero", positive_pairs="combinations"),
    "nt_xent": lambda: losses.NTXentLoss(temperature=0.3, normalize=False),
    "supcon": lambda: losses.SupConLoss(temperature=0.2, normalize=False),
    "semihard_callable": lambda: losses.TripletSemiHardLoss(distance_metric=manhattan_distances),
}

MATCHING_FUNCTIONS = {
    "semihard": lambda y, x: losses.triplet_semihard_loss(y, x, 0.3, "squared-L2"),
    "hard": lambda y, x: losses.triplet_hard_loss(y, x, 0.4, True, "angular"),
    "batch_all": lambda y, x: losses.triplet_batch_all_loss(
        y, x, 0.2, "L2", average="nonzero", positive_pairs="combinations"),
    "nt_xent": lambda y, x: losses.nt_xent_loss(x[:8], x[8:], 0.3, normalize=False),
    "supcon": lambda y, x: losses.supcon_loss(y, x, 0.2, normalize=False),
    "semihard_callable": lambda y, x: losses.triplet_semihard_loss(
        y, x, distance_metric=manhattan_distances),
}


@pytest.mark.parametrize("name", sorted(LOSS_OBJECTS))
def test_config_round_trip_and_value(name):
    loss = LOSS_OBJECTS[name]()
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(restored) is type(loss) and restored.get_config() == config
    assert keras.saving.get_registered_name(type(loss)).startswith("tslearnkit>")

    labels, embeddings = random_batch(seed=20)
    expected = MATCHING_FUNCTIONS[name](labels, embeddings)
    np.testing.assert_allclose(float(restored(labels, embeddings)), float(expected), rtol=1e-6)
    assert float(expected) > 0


def small_model(seed=0):
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(4, kernel_initializer=keras.initializers.GlorotUniform(seed))(
        inputs)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("name", ["semihard", "hard", "batch_all", "nt_xent", "supcon"])
def test_model_with_loss_saves_and_loads(name, tmp_path):
    rng = np.random.default_rng(21)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = np.arange(16) % 4
    model = small_model()
    model.compile(optimizer="sgd", loss=LOSS_OBJECTS[name]())  # default jit_compile: XLA on TF
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.loss) is type(model.loss)
    assert loaded.loss.get_config() == model.loss.get_config()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(
        loaded.evaluate(x, y, batch_size=16, verbose=0),
        model.evaluate(x, y, batch_size=16, verbose=0), rtol=1e-6,
    )


def one_sgd_step(loss, strategy, x, y):
    """Weights after one SGD step on the full batch (identical initial weights)."""
    with strategy.scope():
        model = small_model(seed=1)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    return [w.numpy() for w in model.weights]


@pytest.fixture(scope="module")
def mirrored(mirrored_strategy):
    # The session's one strategy (tests/conftest.py): two MirroredStrategy objects in one
    # process can clash in their collective instance keys.
    assert len(mirrored_strategy.extended.worker_devices) == 2
    return mirrored_strategy


@pytest.mark.parametrize("name", ["semihard", "batch_all", "nt_xent"])
def test_two_replicas_give_single_device_gradients(name, mirrored):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.permutation(np.arange(16) % 4)
    single = one_sgd_step(LOSS_OBJECTS[name](), tf.distribute.get_strategy(), x, y)
    replicated = one_sgd_step(LOSS_OBJECTS[name](), mirrored, x, y)
    initial = [w.numpy() for w in small_model(seed=1).weights]
    assert any(np.abs(a - b).max() > 1e-3 for a, b in zip(single, initial))  # it did train
    for after_single, after_replicated in zip(single, replicated):
        np.testing.assert_allclose(after_replicated, after_single, rtol=1e-5, atol=1e-6)


def test_keras_sums_replica_gradients_of_an_unscaled_scalar_loss(mirrored):
    """Why the classes divide by N: Keras 3 leaves a scalar loss unscaled under N replicas."""

    def scalar_loss(y_true, y_pred):  # a per-sample mean, returned as a scalar
        return ops.mean(ops.square(y_pred))

    x = np.random.default_rng(23).normal(size=(16, 6)).astype("float32")
    y = np.zeros(16)
    initial = [w.numpy() for w in small_model(seed=1).weights]
    single = one_sgd_step(scalar_loss, tf.distribute.get_strategy(), x, y)
    replicated = one_sgd_step(scalar_loss, mirrored, x, y)
    for start, after_single, after_replicated in zip(initial, single, replicated):
        np.testing.assert_allclose(after_replicated - start, 2 * (after_single - start),
                                   rtol=1e-4, atol=1e-7)


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


@pytest.mark.parametrize("side", ["left", "right"])
def test_rowwise_searchsorted_under_xla_is_a_binary_search(side):
    rng = np.random.default_rng(8)
    rows = np.sort(rng.integers(0, 6, size=(7, 13)), axis=1).astype("float32")  # many ties
    rows[0] = np.inf  # an all-padding row, as negatives without any negative
    values = rng.integers(-1, 8, size=(7, 11)).astype("float32")
    values[1, :3] = [-np.inf, np.inf, rows[1, 5]]
    expected = np.stack([np.searchsorted(r, v, side=side) for r, v in zip(rows, values)])

    @tf.function(jit_compile=True)
    def search(rows, values):
        return losses._rowwise_searchsorted(rows, values, side)

    graph = search.get_concrete_function(tf.constant(rows), tf.constant(values)).graph
    assert not any(op.type in ("LowerBound", "UpperBound") for op in graph.get_operations())
    np.testing.assert_array_equal(search(tf.constant(rows), tf.constant(values)).numpy(),
                                  expected)
    eager = losses._rowwise_searchsorted(tf.constant(rows), tf.constant(values), side)
    np.testing.assert_array_equal(eager.numpy(), expected)


@pytest.mark.parametrize("name", ["semihard", "batch_all"])
def test_sorting_losses_under_xla_equal_the_default(name):
    function = {"semihard": losses.triplet_semihard_loss,
                "batch_all": lambda y, x: losses.triplet_batch_all_loss(y, x, 0.5, "L2")}[name]
    labels, embeddings = tie_heavy_batch(seed=1, batch_size=40)

    def step(y, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(y, x)
        return value, tape.gradient(value, x)

    inputs = (tf.constant(labels), tf.constant(embeddings))
    value, grad = tf.function(step)(*inputs)
    xla_value, xla_grad = tf.function(step, jit_compile=True)(*inputs)
    np.testing.assert_allclose(float(xla_value), float(value), rtol=1e-5)
    np.testing.assert_allclose(xla_grad.numpy(), grad.numpy(), rtol=1e-4, atol=1e-6)
