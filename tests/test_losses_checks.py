"""Tests of behaviour every loss shares (tslearnkit.losses._checks): input validation, dtypes,
finite gradients at coinciding points, empty cases, O(b^2) memory.
"""

import warnings

import keras
import numpy as np
import pytest
from keras import ops
from losses_helpers import BACKEND, compiled_value_and_grad, random_batch, small_model, value_and_grad

from tslearnkit import losses

ALL_FUNCTIONS = {
    "semihard": lambda y, x: losses.triplet_semihard_loss(y, x),
    "hard": lambda y, x: losses.triplet_hard_loss(y, x),
    "hard_soft": lambda y, x: losses.triplet_hard_loss(y, x, soft=True),
    "batch_all": lambda y, x: losses.triplet_batch_all_loss(y, x, distance_metric="L2"),
    "nt_xent": lambda y, x: losses.nt_xent_loss(x[: len(x) // 2], x[len(x) // 2 :]),
    "supcon": lambda y, x: losses.supcon_loss(y, x),
    "supcon_raw": lambda y, x: losses.supcon_loss(y, x, normalize=False),
}


COINCIDING_CASES = [
    *[
        (f"{name}-{metric}", (lambda f, m: lambda y, x: f(y, x, distance_metric=m))(function, metric))
        for name, function in [
            ("semihard", losses.triplet_semihard_loss),
            ("hard", losses.triplet_hard_loss),
            ("batch_all", losses.triplet_batch_all_loss),
        ]
        for metric in losses.DISTANCE_METRICS
    ],
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
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", sorted(ALL_FUNCTIONS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_low_precision_is_computed_in_float32_and_cast_back(name, dtype):
    labels, embeddings = random_batch(seed=5, batch_size=12, dim=4, num_classes=3)
    low = ops.cast(embeddings, dtype)
    value = ALL_FUNCTIONS[name](labels, low)
    reference = ALL_FUNCTIONS[name](labels, ops.cast(low, "float32"))
    assert keras.backend.standardize_dtype(value.dtype) == dtype
    assert float(ops.cast(value, "float32")) == float(ops.cast(ops.cast(reference, dtype), "float32"))


def test_no_valid_triplet_gives_zero_with_zero_gradient():
    labels = np.arange(6)  # no positive pair
    embeddings = np.random.default_rng(6).normal(size=(6, 3)).astype("float32")
    for function in (losses.triplet_semihard_loss, losses.triplet_batch_all_loss, losses.supcon_loss):
        with pytest.warns(RuntimeWarning, match="positive"):
            value, grad = value_and_grad(function, labels, embeddings)
        assert float(value) == 0.0
        np.testing.assert_array_equal(grad, 0.0)
    single_class = np.zeros(6, int)  # positives but no negative: no triplet, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        value, grad = value_and_grad(losses.triplet_batch_all_loss, single_class, embeddings)
    assert float(value) == 0.0
    np.testing.assert_array_equal(grad, 0.0)


def test_labels_of_shape_b1_equal_labels_of_shape_b():
    labels, embeddings = random_batch(seed=9)
    for function in (
        losses.triplet_semihard_loss,
        losses.triplet_hard_loss,
        losses.triplet_batch_all_loss,
        losses.supcon_loss,
    ):
        assert float(function(labels[:, None], embeddings)) == float(function(labels, embeddings))


def largest_intermediate(function, batch_size, dim=8):
    """Largest number of elements of any tensor in the traced forward+backward graph (a TF
    graph, or the jaxpr on JAX)."""
    if BACKEND == "jax":
        return _largest_in_jaxpr(function, batch_size, dim)
    import tensorflow as tf

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


def _largest_in_jaxpr(function, batch_size, dim):
    import jax

    def step(y, x):
        return jax.grad(lambda x: function(y, x))(x)

    def sizes(jaxpr):
        for equation in jaxpr.eqns:
            for variable in equation.outvars:
                yield int(np.prod(variable.aval.shape))
            for parameter in equation.params.values():
                inner = getattr(parameter, "jaxpr", parameter)
                if hasattr(inner, "eqns"):
                    yield from sizes(inner)

    closed = jax.make_jaxpr(step)(np.zeros(batch_size, np.int32), np.zeros((batch_size, dim), np.float32))
    return max(sizes(closed.jaxpr))


@pytest.mark.skipif(BACKEND == "torch", reason="torch runs eagerly: no graph to inspect")
@pytest.mark.parametrize("name", ["semihard", "hard", "batch_all", "supcon"])
def test_memory_is_quadratic_no_cubic_tensor(name):
    # TFA's semi-hard tiles a (b^2, b) tensor: b^3 = 262144 elements at b = 64.
    batch_size = 64
    largest = largest_intermediate(ALL_FUNCTIONS[name], batch_size)
    assert largest <= 2 * batch_size * (batch_size + 1)


@pytest.mark.parametrize(
    "function",
    [losses.triplet_semihard_loss, losses.triplet_hard_loss, losses.triplet_batch_all_loss, losses.supcon_loss],
)
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
    for function in (losses.triplet_semihard_loss, losses.triplet_hard_loss, losses.triplet_batch_all_loss):
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


@pytest.mark.parametrize("name", sorted(ALL_FUNCTIONS))
def test_an_empty_batch_raises_naming_it_eagerly_and_compiled(name):
    labels, embeddings = np.zeros(0, "int32"), np.zeros((0, 4), "float32")
    with pytest.raises(ValueError, match=r"is an empty batch, shape \(0, 4\); a loss needs at least one embedding"):
        ALL_FUNCTIONS[name](labels, embeddings)
    with pytest.raises(ValueError, match=r"empty batch, shape \(0, 4\)"):  # at trace time
        compiled_value_and_grad(ALL_FUNCTIONS[name], labels, embeddings)


def test_an_empty_batch_raises_in_a_keras_loss_class():
    with pytest.raises(ValueError, match=r"`y_pred` is an empty batch"):
        losses.TripletSemiHardLoss()(np.zeros(0), np.zeros((0, 4), "float32"))


NAN_LABEL_FUNCTIONS = sorted(set(ALL_FUNCTIONS) - {"nt_xent"})  # NT-Xent takes no labels


@pytest.mark.parametrize("name", NAN_LABEL_FUNCTIONS)
def test_nan_labels_raise_eagerly_and_make_a_compiled_loss_nan(name):
    labels, embeddings = random_batch(seed=3)
    labels = labels.astype("float32")
    labels[[5, 9]] = np.nan
    with pytest.raises(ValueError, match=r"`y_true` contains NaN at 2 of 16 positions \(first at index 5\)"):
        ALL_FUNCTIONS[name](labels, embeddings)
    if BACKEND == "torch":  # no graph: a "compiled" step is eager and raises the same
        return
    # Inside tf.function / jax.jit the values are unknown at trace time: the loss is NaN (not a
    # silent loss without those samples' pairs) and the gradient zero, so no weight is damaged.
    value, grad = compiled_value_and_grad(ALL_FUNCTIONS[name], labels, embeddings)
    assert np.isnan(float(value))
    np.testing.assert_array_equal(grad, 0.0)
    clean = labels.copy()
    clean[[5, 9]] = 0.0
    assert np.isfinite(float(compiled_value_and_grad(ALL_FUNCTIONS[name], clean, embeddings)[0]))


def test_nan_labels_in_model_fit_give_a_nan_loss_or_the_error():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = (np.arange(16) % 4).astype("float32")
    y[3] = np.nan
    model = small_model()
    model.compile(optimizer="sgd", loss=losses.TripletSemiHardLoss())
    before = [ops.convert_to_numpy(w) for w in model.weights]
    if BACKEND == "torch":
        with pytest.raises(ValueError, match="`y_true` contains NaN"):
            model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        return
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert np.isnan(history.history["loss"][0])
    for start, after in zip(before, model.weights):
        np.testing.assert_array_equal(ops.convert_to_numpy(after), start)
