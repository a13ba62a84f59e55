"""Every class of bad input named in the 'nothing silent' issue, each with the exact error type
and the words of its message: the argument, the value, what is allowed."""

import numpy as np
import pytest

from tslearnkit import data, losses, recipe, results, sampling, training

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


def test_string_labels_with_stray_whitespace_are_one_class():
    y_train, y_test, names = data._encode_labels(np.array(["a", " a", "b\t", "b"]), np.array(["a ", "b"]))
    assert names == ("a", "b")
    assert y_train.tolist() == [0, 0, 1, 1] and y_test.tolist() == [0, 1]
    with pytest.raises(ValueError, match="must not be empty or whitespace only"):
        data._encode_labels(np.array(["a", "  "]))
