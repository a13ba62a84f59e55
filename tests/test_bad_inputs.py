"""Every class of bad input named in the 'nothing silent' issue, each with the exact error type
and the words of its message: the argument, the value, what is allowed."""

import numpy as np
import pytest

from tslearnkit import augment, checks, data, losses, metrics, models, recipe, sampling, training
from tslearnkit.course import results

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 10, 2)).astype(np.float32)
Y = np.repeat([0, 1], 10)
SMALL_FCN = {"filters": (8, 8, 8), "kernel_sizes": (3, 3, 3)}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: data.check_labels(np.array([-1, 0, 1])), r"class indices >= 0; got -1"),
        (lambda: sampling.steps_per_epoch(np.array([0, 10**15]), 2, 2), r"label 1000000000000000 .* not ids"),
        (lambda: data.check_labels(np.array(["a", "b"])), r"integer class indices; got dtype <U1"),
        (lambda: data.check_labels(np.array([0.5, 1.0])), r"integer class indices; got dtype float64"),
        (lambda: data.check_labels(np.zeros(3, int), 4, name="y_train"), r"y_train has 3 labels but there are 4"),
    ],
    ids=["negative", "huge-ids", "strings", "fractional", "count-mismatch"],
)
def test_bad_labels(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "value, message",
    [
        ([np.zeros((3, 2)), np.zeros((4, 2))], r"x is ragged"),
        (np.zeros((0, 10, 2)), r"x holds no series"),
        (np.zeros((3, 0, 2)), r"at least one timestep and one channel; got shape \(3, 0, 2\)"),
        (np.zeros((3, 4, 0)), r"at least one timestep and one channel"),
        (X.astype(np.complex64), r"real numbers; got dtype complex64"),
        (np.array([[["1"]]]), r"real numbers; got dtype <U1"),
        (np.full((2, 3, 1), np.nan), r"NaN or inf \(first at series 0, step 0, channel 0\)"),
        (np.zeros((4, 5)), r"3-D .* x\[\.\.\., None\]"),
    ],
    ids=["ragged", "empty", "no-steps", "no-channels", "complex", "strings", "nan", "2-d"],
)
def test_bad_series(value, message):
    with pytest.raises(ValueError, match=message):
        data.check_series(value)


def test_check_series_never_changes_its_input():
    x = X.astype(np.float64)
    before = x.copy()
    out = data.check_series(x)
    assert out.dtype == np.float32 and np.array_equal(x, before)


def test_preprocessing_rejects_a_test_split_that_does_not_match():
    with pytest.raises(ValueError, match=r"x_test has 1 channel\(s\) but the statistics were fitted on 2"):
        data.standardize(X, X[..., :1])
    bad = X.copy()
    bad[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match=r"x_test contains NaN or inf \(first at series 3, step 2, channel 1\)"):
        data.standardize(X, bad)


def test_csv_in_another_encoding_names_the_file(tmp_path):
    path = tmp_path / "project_dataset.csv"
    path.write_bytes("ID_TimeSeries,Values,Label_multi,Label_binary\ns1,1;2,caf\xe9,ok\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"project_dataset.csv is not UTF-8 text \(byte 0xe9"):
        data.load_project_csv(path)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sampling.balanced_batch_indices(Y, 1, 4), r"classes_per_batch must be >= 2 .* negatives; got 1"),
        (lambda: losses.triplet_semihard_loss(Y, X[:, 0], margin=-1.0), r"`margin` must be a finite number >= 0"),
        (lambda: losses.TripletHardLoss(margin=float("nan")), r"`margin` must be a finite number >= 0; got nan"),
        (lambda: losses.TripletBatchAllLoss(margin=-0.5), r"`margin` must be a finite number >= 0; got -0.5"),
        (lambda: losses.SupConLoss(temperature=0.0), r"`temperature` must be a positive number; got 0.0"),
        (
            lambda: training.fit_embedding(X, Y, loss="ntxent", epochs=1, classes_per_batch=2, samples_per_class=2),
            r"loss='ntxent' is self-supervised: .*fit_contrastive",
        ),
        (
            lambda: training.fit_contrastive(X, Y, batch_size=1, epochs=1),
            r"batch_size must be an integer >= 2 \(a batch of one series has no negatives\); got 1",
        ),
        (lambda: training.fit_embedding(X, np.zeros(20, int)), r"single class"),
    ],
    ids=[
        "one-class-per-batch",
        "negative-margin",
        "nan-margin",
        "batch-all-margin",
        "zero-temperature",
        "self-supervised-in-supervised",
        "contrastive-batch-of-one",
        "one-class",
    ],
)
def test_configurations_that_cannot_learn(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"seed": 1.5}, r"seed must be an integer .* got 1.5"),
        ({"seed": "1"}, r"got '1'"),
        ({"seed": True}, r"got True"),
    ],
    ids=["float", "string", "bool"],
)
def test_records_with_a_non_integer_seed_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        results.save_result(
            tmp_path, lesson="l", method="m", dataset="d", metrics={}, epochs=1, wall_time_s=0.0, **kwargs
        )
    assert not list(tmp_path.iterdir())


def test_numpy_scalars_pass_where_python_numbers_do(tmp_path):
    r = recipe.make_recipe(Y, np.int64(10), np.int32(2))
    assert r.timesteps == 10
    results.save_result(
        tmp_path,
        lesson="l",
        method="m",
        dataset="d",
        seed=np.int64(2),
        metrics={"x": np.float32(0.5)},
        epochs=np.int64(1),
        wall_time_s=np.float64(0.1),
    )
    assert results.load_results(tmp_path)[0]["seed"] == 2
    assert float(losses.triplet_hard_loss(Y, X[:, 0], margin=np.float32(0.5))) >= 0


def test_numeric_strings_are_refused_clearly():
    with pytest.raises(ValueError, match=r"timesteps must be an integer; got '10'"):
        recipe.make_recipe(Y, "10")
    with pytest.raises(ValueError, match=r"`margin` must be a number >= 0; got '0.5'"):
        losses.TripletSemiHardLoss(margin="0.5")


def test_quick_must_be_a_bool():
    with pytest.raises(ValueError, match=r"quick must be True or False; got 'yes'"):
        recipe.make_recipe(Y, 10, 2, quick="yes")


def test_string_labels_with_stray_whitespace_are_one_class():
    y_train, y_test, names = checks.encode_labels(np.array(["a", " a", "b\t", "b"]), np.array(["a ", "b"]))
    assert names == ("a", "b")
    assert y_train.tolist() == [0, 0, 1, 1] and y_test.tolist() == [0, 1]
    with pytest.raises(ValueError, match="must not be empty or whitespace only"):
        checks.encode_labels(np.array(["a", "  "]))


ENCODER = {"encoder": "fcn", "encoder_config": SMALL_FCN, "epochs": 1, "verbose": 0}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: augment.jitter(X, seed=1.5), r"seed must be None, an integer >= 0 .*; got 1.5"),
        (lambda: augment.oversample(X, Y, method="random", seed=-1), r"seed must be None, an integer >= 0 .*; got -1"),
        (lambda: sampling.balanced_batch_indices(Y, 2, 2, seed=1.5), r"seed must be an integer >= 0; got 1.5"),
        (lambda: sampling.shuffled_batches(X, Y, 4, epochs=0), r"epochs must be a positive integer; got 0"),
        (lambda: sampling.balanced_batches(X, Y, 2, 2, transform=3), r"transform must be a function"),
        (lambda: metrics.fit_kmeans(X[:, 0], 0), r"n_clusters must be an integer >= 1; got 0"),
        (lambda: metrics.cluster_scores(X[:, 0], Y, n_clusters=0), r"n_clusters must be an integer >= 1; got 0"),
        (lambda: metrics.fit_kmeans(X[:, 0], 30), r"n_clusters=30 is more than the 20 embeddings"),
    ],
    ids=[
        "augment-seed",
        "oversample-seed",
        "sampling-seed",
        "no-epochs",
        "transform",
        "kmeans-0",
        "scores-0",
        "kmeans-n",
    ],
)
def test_bad_seeds_epochs_and_cluster_counts(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: models.build_encoder("resnet", (10, 2), filters=(0, 4)),
            r"filters must be a non-empty .*got \(0, 4\)",
        ),
        (lambda: models.build_encoder("fcn", (10, 2), kernel_sizes="835"), r"kernel_sizes must be a non-empty"),
        (lambda: models.build_encoder("conv", (10, 2), dropout=2.0), r"dropout must be a number in \[0, 1\); got 2.0"),
        (lambda: models.build_encoder("inception", (10, 2), depth=0), r"depth must be an integer >= 1; got 0"),
        (lambda: models.build_encoder("fcn", (0, 2)), r"timesteps >= 1 \(or None for any length\); got \(0, 2\)"),
        (
            lambda: models.embedding_model(models.build_encoder("fcn", (10, 2), **SMALL_FCN), dim=0),
            r"dim must be an integer >= 1; got 0",
        ),
        (lambda: models.embedding_model(models.build_encoder("fcn", (10, 2), **SMALL_FCN), dim=1.5), r"got 1.5"),
    ],
    ids=["zero-filters", "kernel-string", "dropout", "depth", "no-timesteps", "dim-0", "dim-float"],
)
def test_bad_model_configurations(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_series_that_do_not_fit_the_model_are_refused_before_keras_sees_them():
    model = models.embedding_model(models.build_encoder("conv", (10, 2)))
    with pytest.raises(ValueError, match=r"shape \(timesteps, channels\) = \(10, 1\) but the model takes \(10, 2\)"):
        training.embed(model, X[..., :1])
    with pytest.raises(ValueError, match=r"x_test|shape \(timesteps, channels\) = \(5, 2\)"):
        training.evaluate_embedding(model, X, Y, X[:, :5], Y)
    with pytest.raises(ValueError, match=r"batch_size must be an integer >= 1; got 0"):
        training.embed(model, X, batch_size=0)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: training.fit_contrastive(X, Y, loss="semihard", batch_size=8, **ENCODER),
            r"fit_contrastive takes loss 'ntxent' or 'supcon' .*got 'semihard', a triplet loss",
        ),
        (lambda: training.fit_contrastive(X, views=3, batch_size=8, **ENCODER), r"views must be a function"),
        (
            lambda: training.fit_classifier(X, Y, **{**ENCODER, "verbose": "loud"}),
            r"verbose must be 'auto', 0 \(silent\), 1 \(progress bar\) or 2 .*; got 'loud'",
        ),
        (lambda: training.fit_classifier(X, Y, learning_rate=-1e-3, **ENCODER), r"learning_rate must be a positive"),
        (lambda: training.fit_classifier(X, Y, learning_rate="1e-3", **ENCODER), r"learning_rate .*got '1e-3'"),
    ],
    ids=["triplet-in-contrastive", "views", "verbose", "negative-lr", "string-lr"],
)
def test_bad_training_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_embeddings_are_named_eagerly(value):
    embeddings = X[:, 0].copy()
    embeddings[3, 1] = value
    for function in (losses.triplet_hard_loss, losses.triplet_semihard_loss, losses.triplet_batch_all_loss):
        with pytest.raises(ValueError, match=r"`y_pred` contains NaN or inf"):
            function(Y, embeddings)
    with pytest.raises(ValueError, match=r"`z` contains NaN or inf"):
        losses.supcon_loss(Y, embeddings)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lesson": ""}, r"lesson must be a non-empty string .*got ''"),
        ({"method": None}, r"method must be a non-empty string"),
        ({"metrics": {"map": "0.5"}}, r"metrics\['map'\] must be a number; got '0.5'"),
        ({"metrics": [0.5]}, r"metrics must be a dict"),
        ({"epochs": -1}, r"epochs must be an integer >= 0; got -1"),
        ({"wall_time_s": float("nan")}, r"wall_time_s must be a finite number of seconds >= 0; got nan"),
    ],
    ids=["empty-lesson", "no-method", "string-metric", "metrics-list", "negative-epochs", "nan-time"],
)
def test_records_with_bad_fields_are_refused_before_writing(tmp_path, kwargs, message):
    fields = dict(lesson="l", method="m", dataset="d", seed=0, metrics={"map": 0.5}, epochs=1, wall_time_s=0.1)
    with pytest.raises(ValueError, match=message):
        results.save_result(tmp_path, **{**fields, **kwargs})
    assert not list(tmp_path.iterdir())


def test_a_results_dir_that_is_a_file_is_named(tmp_path):
    target = tmp_path / "results"
    target.write_text("not a folder")
    with pytest.raises(ValueError, match=r"results_dir '.*results' is a file, not a folder"):
        results.save_result(target, lesson="l", method="m", dataset="d", seed=0, metrics={}, epochs=1, wall_time_s=0.0)
    inside = target / "lesson01"  # a folder to create under a file
    with pytest.raises(
        ValueError, match=r"results_dir '.*lesson01' cannot be created: '.*results' on its path is a file"
    ):
        results.save_result(inside, lesson="l", method="m", dataset="d", seed=0, metrics={}, epochs=1, wall_time_s=0.0)
    assert target.read_text() == "not a folder"


@pytest.mark.parametrize(
    "validation, message",
    [
        (
            lambda: (X,),
            r"validation must be a pair \(x_val, y_val\) of series and their labels \(no sample weights\); "
            r"got a tuple of 1",
        ),
        (lambda: X, r"validation must be a pair .*; got a ndarray"),
        (lambda: (X, Y[:-1]), r"y_val has 19 labels but .*20"),
        (lambda: (X, Y, np.ones(20)), r"\(no sample weights\); got a tuple of 3"),
    ],
    ids=["one-item", "array", "short-labels", "weights"],
)
def test_a_validation_that_is_no_pair_is_named(validation, message):
    """validation=(x_val,) was an IndexError from inside _train."""
    with pytest.raises(ValueError, match=message):
        training.fit_embedding(X, Y, validation=validation(), epochs=1, verbose=0, encoder_config={"filters": 4})
