"""tk.data.from_arrays: every array layout gives the same dataset; labels, split, lengths, NaN and
bad input follow the documented rules (tslearnkit.data.imported)."""

import numpy as np
import pytest

from tslearnkit import data
from tslearnkit.checks import check_series

RNG = np.random.default_rng(7)
X = RNG.normal(size=(24, 40, 3))  # (n, t, c)
Y = np.array(["walk", "run", "sit"] * 8)


def same(a, b):
    assert a.class_names == b.class_names
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


# --------------------------------------------------------------------------- layouts
def test_dataset_has_what_lessons_need():
    ds = data.from_arrays(X, Y, name="acts")
    assert isinstance(ds, data.TimeSeriesDataset)
    assert ds.name == "acts" and ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.x_train.shape[1:] == (40, 3) and ds.x_test.shape[1:] == (40, 3)
    assert ds.class_names == ("run", "sit", "walk") and isinstance(ds.class_names, tuple)
    assert len(ds.x_train) + len(ds.x_test) == 24
    assert "channels='auto'" in ds.notes and "stratified" in ds.notes
    assert "note:" in ds.summary()


def test_channels_first_and_last_give_the_same_dataset():
    last = data.from_arrays(X, Y)
    same(last, data.from_arrays(X.transpose(0, 2, 1), Y))
    same(last, data.from_arrays(X.transpose(0, 2, 1), Y, channels="first"))
    same(last, data.from_arrays(list(X), list(Y)))  # a list of (t, c) series
    same(last, data.from_arrays([s.T for s in X], Y))  # a list of (c, t) series


def test_univariate_two_dimensional_equals_one_channel():
    x2 = X[:, :, 0]
    same(data.from_arrays(x2, Y), data.from_arrays(x2[:, :, None], Y))
    same(data.from_arrays(x2, Y), data.from_arrays([list(row) for row in x2], Y))


def test_ambiguous_axes_ask_for_channels():
    square = RNG.normal(size=(6, 16, 16))
    with pytest.raises(ValueError, match=r"channels='last'.*channels='first'"):
        data.from_arrays(square, ["a", "b"] * 3)
    close = RNG.normal(size=(6, 30, 20))  # 20 is more than half of 30: not clear enough
    with pytest.raises(ValueError, match=r"cannot tell which axis is time \(30 vs 20"):
        data.from_arrays(close, ["a", "b"] * 3)
    ds = data.from_arrays(close, ["a", "b"] * 3, channels="first")
    assert ds.x_train.shape[1:] == (20, 30)


def test_x_test_is_read_like_x():
    ds = data.from_arrays(X.transpose(0, 2, 1), Y, x_test=X[:6].transpose(0, 2, 1), y_test=Y[:6], standardize=False)
    np.testing.assert_allclose(ds.x_test, X[:6].astype(np.float32))


# --------------------------------------------------------------------------- labels
def test_labels_are_texts_sorted_numbers_numerically():
    y = [10, 2, 2.0, "10", " 2", 10] * 4
    ds = data.from_arrays(RNG.normal(size=(24, 20)), y)
    assert ds.class_names == ("2", "10")  # "2", 2 and 2.0 are one class; numbers sort as numbers
    assert np.bincount(np.r_[ds.y_train, ds.y_test]).tolist() == [12, 12]


def test_float_labels_keep_their_text():
    ds = data.from_arrays(RNG.normal(size=(8, 20)), [0.5, 1.5] * 4)
    assert ds.class_names == ("0.5", "1.5")


def test_bytes_labels_are_read_as_their_text():
    ds = data.from_arrays(RNG.normal(size=(8, 20)), np.array([b"walk", b"run"] * 4))  # a NumPy "S" array
    assert ds.class_names == ("run", "walk")
    with pytest.raises(ValueError, match=r"y\[1\]: the label b'\\xff' is bytes that are not UTF-8 text"):
        data.from_arrays(RNG.normal(size=(4, 20)), [b"a", b"\xff", b"a", b"b"])


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (["a", None, "b", "a"], ValueError, r"y\[1\]: the label is missing"),
        (["a", float("nan"), "b", "a"], ValueError, r"y\[1\]: the label is missing"),
        (["a", " ", "b", "a"], ValueError, r"y\[1\]: the label is empty"),
        (["a", ["b"], "b", "a"], TypeError, r"y\[1\]: a label must be a string or a number; got list"),
    ],
)
def test_bad_labels_are_named(bad, error, match):
    with pytest.raises(error, match=match):
        data.from_arrays(RNG.normal(size=(4, 20)), bad)


# --------------------------------------------------------------------------- split
def test_drawn_split_is_stratified_and_seeded():
    x = np.arange(30 * 10, dtype=float).reshape(30, 10)  # each series is identified by its first value
    y = ["a"] * 20 + ["b"] * 10
    ds = data.from_arrays(x, y, test_size=0.3, seed=3, standardize=False)
    assert np.bincount(ds.y_test).tolist() == [6, 3]  # round(20 * .3), round(10 * .3)
    ids = sorted(np.r_[ds.x_train[:, 0, 0], ds.x_test[:, 0, 0]].tolist())
    assert ids == x[:, 0].tolist()  # every series exactly once
    names = np.array(ds.class_names)
    for split in ("train", "test"):  # each series keeps its own label
        first = getattr(ds, f"x_{split}")[:, 0, 0].astype(int) // 10
        assert (names[getattr(ds, f"y_{split}")] == np.array(y)[first]).all()
    same(ds, data.from_arrays(x, y, test_size=0.3, seed=3, standardize=False))
    other = data.from_arrays(x, y, test_size=0.3, seed=4, standardize=False)
    assert set(other.x_test[:, 0, 0]) != set(ds.x_test[:, 0, 0])


def test_a_class_with_one_series_cannot_be_split():
    with pytest.raises(ValueError, match=r"class\(es\) \['c'\] have a single series"):
        data.from_arrays(RNG.normal(size=(5, 20)), ["a", "a", "b", "b", "c"])
    ds = data.from_arrays(
        RNG.normal(size=(4, 20)), ["a", "a", "b", "c"], x_test=RNG.normal(size=(2, 20)), y_test=list("ab")
    )
    assert ds.class_names == ("a", "b", "c")  # with your own split a singleton class is allowed


def test_single_class_and_bad_split_arguments():
    with pytest.raises(ValueError, match="single class"):
        data.from_arrays(RNG.normal(size=(4, 20)), ["a"] * 4)
    with pytest.raises(ValueError, match=r"test_size must be a fraction in \(0, 1\).*got 1.5"):
        data.from_arrays(X, Y, test_size=1.5)
    with pytest.raises(ValueError, match="x_test and y_test go together"):
        data.from_arrays(X, Y, x_test=X[:3])
    with pytest.raises(ValueError, match=r"test labels \['jump'\] do not occur in the training split"):
        data.from_arrays(X, Y, x_test=X[:2], y_test=["jump", "run"])


# --------------------------------------------------------------------------- lengths
def test_unequal_lengths_follow_load_datasets_rule():
    train = [RNG.normal(size=(n, 2)) for n in (10, 20, 15, 12)]
    test = [RNG.normal(size=(n, 2)) for n in (25, 5)]
    ds = data.from_arrays(train, list("abab"), x_test=test, y_test=list("ab"), standardize=False)
    np.testing.assert_array_equal(ds.x_train, data.resample_series(train, 20))  # the longest training series
    np.testing.assert_array_equal(ds.x_test, data.resample_series(test, 20))
    padded = data.from_arrays(
        train, list("abab"), x_test=test, y_test=list("ab"), standardize=False, variable_length="pad"
    )
    np.testing.assert_array_equal(padded.x_test, data.pad_series(test, 25))
    assert "lengths 5..25 steps, resampled" in ds.notes


def test_long_series_are_reduced_like_load_dataset():
    x = RNG.normal(size=(6, 1100, 1))
    ds = data.from_arrays(x, list("ab") * 3, x_test=x[:2], y_test=list("ab"), standardize=False)
    np.testing.assert_array_equal(ds.x_train, data.downsample_series(x, data.MAX_LENGTH))
    assert ds.timesteps == 367 and "1100 steps reduced to 367" in ds.notes
    assert data.from_arrays(x, list("ab") * 3, standardize=False, max_length=None).timesteps == 1100


def test_standardisation_uses_training_series_only():
    train = [RNG.normal(3.0, 2.0, size=(n, 2)) for n in (10, 20, 15, 12)]
    test = [RNG.normal(50.0, 9.0, size=(n, 2)) for n in (25, 5)]
    ds = data.from_arrays(train, list("abab"), x_test=test, y_test=list("ab"))
    train_std, test_std, _ = data.standardize(train, test)
    np.testing.assert_allclose(ds.x_train, data.resample_series(train_std, 20), atol=1e-6)
    np.testing.assert_allclose(ds.x_test, data.resample_series(test_std, 20), atol=1e-6)


# --------------------------------------------------------------------------- NaN, input never changed
def test_nan_is_named_or_interpolated_on_request():
    x = RNG.normal(size=(6, 12, 2))
    x[2, 5, 1] = np.nan
    with pytest.raises(ValueError, match=r"x\[2\] holds NaN at step 5, channel 1.*missing='interpolate'"):
        data.from_arrays(x, list("abc") * 2)
    ds = data.from_arrays(
        x, list("abc") * 2, x_test=x[:3], y_test=list("abc"), standardize=False, missing="interpolate"
    )
    np.testing.assert_allclose(ds.x_train[2, 5, 1], (x[2, 4, 1] + x[2, 6, 1]) / 2, rtol=1e-6)
    x[2, 5, 1] = np.inf
    with pytest.raises(ValueError, match=r"x\[2\] holds inf at step 5, channel 1"):
        data.from_arrays(x, list("abc") * 2, missing="interpolate")


def test_inputs_are_never_changed():
    x, y = X.copy(), list(Y)
    series = [RNG.normal(size=(n, 2)) for n in (10, 20, 15, 12)]
    copies = [s.copy() for s in series]
    data.from_arrays(x, y)
    data.from_arrays(series, list("abab"), x_test=series[:2], y_test=list("ab"), missing="interpolate")
    np.testing.assert_array_equal(x, X)
    assert y == list(Y)
    for s, c in zip(series, copies):
        np.testing.assert_array_equal(s, c)


def test_replace_forgets_the_raw_source_when_arrays_change():
    ds = data.from_arrays(X, Y)
    assert ds.source is not None and ds.replace(name="other").source is ds.source
    assert ds.replace(x_train=ds.x_train[:5], y_train=ds.y_train[:5]).source is None


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=np.zeros((2, 3, 4, 5))), ValueError, r"x must be 2-D .* got shape \(2, 3, 4, 5\)"),
        (dict(x=np.array([["a", "b"]] * 4)), ValueError, r"x must hold real numbers; got dtype <U1"),
        (dict(x=[[1.0, 2.0], ["a", 3.0]] * 2), ValueError, r"x\[1\] must hold numbers only"),
        (dict(x=[]), ValueError, "x holds no series"),
        (dict(x=[np.zeros(5), np.zeros((5, 2))] * 2), ValueError, r"mixes 1-D and 2-D series"),
        (dict(x=[np.zeros((7, 2)), np.zeros((9, 3))] * 2), ValueError, "both axes of its series vary"),
        (dict(x=[np.zeros((0, 2)), np.ones((5, 2))] * 2), ValueError, r"x\[0\] is empty"),
        (dict(x=np.zeros((4, 8)), channels="middle"), ValueError, r"channels must be one of \['auto', 'last'"),
        (dict(x=np.zeros((4, 8)), missing="zero"), ValueError, r"missing must be one of \['raise', 'interpolate'\]"),
        (dict(x=np.zeros((4, 8)), y=["a", "b"]), ValueError, "y has 2 labels but there are 4 series"),
        (dict(x=np.zeros((4, 8)), y="abab"), TypeError, "y must be a sequence of labels"),
        (dict(x=3.0), TypeError, "x must be a NumPy array"),
        (dict(x=np.zeros((4, 8)), variable_length="cut"), ValueError, "variable_length must be one of"),
        (dict(x=np.zeros((4, 8)), name=""), ValueError, "name must be a non-empty string"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    kwargs.setdefault("y", ["a", "b", "a", "b"])
    with pytest.raises(error, match=match):
        data.from_arrays(kwargs.pop("x"), kwargs.pop("y"), **kwargs)


def test_a_dataframe_is_sent_to_from_dataframe():
    import pandas as pd

    with pytest.raises(TypeError, match="use tk.data.from_dataframe"):
        data.from_arrays(pd.DataFrame(np.zeros((4, 8))), list("abab"))


def test_test_series_copied_from_training_are_counted_in_the_notes():
    x = RNG.normal(size=(12, 20))
    ds = data.from_arrays(x, ["a", "b"] * 6, x_test=np.r_[x[:3], RNG.normal(size=(3, 20))], y_test=["a", "b"] * 3)
    assert "3 of 6 test series have an exact copy in the training split" in ds.notes
    assert "exact copy" not in data.from_arrays(x, ["a", "b"] * 6).notes


def test_values_beyond_float32_are_named_not_called_nan_or_inf():
    """1e39 is finite in float64 but inf in the float32 the kit stores: it was reported as 'NaN or inf'."""
    x = np.ones((4, 5, 1))
    x[1, 2, 0] = 1e39
    with pytest.raises(ValueError, match=r"series 1 holds 1e\+39 at step 2, channel 0, beyond float32's range"):
        data.from_arrays(x, [0, 1, 0, 1], x_test=x, y_test=[0, 1, 0, 1], standardize=False)
    with pytest.raises(ValueError, match=r"training series 1 holds 1e\+39 at step 2"):
        data.from_arrays(x, [0, 1, 0, 1], x_test=x[:2] * 0, y_test=[0, 1], standardize=False)
    # Standardising does not rescue it: the float32 arithmetic overflowed and called it "NaN or inf".
    with pytest.raises(ValueError, match=r"training series 1 holds 1e\+39 .*float32's range.*; rescale the data first"):
        data.from_arrays(x, [0, 1, 0, 1], x_test=x[:2] * 0, y_test=[0, 1])
    with pytest.raises(ValueError, match=r"x holds 1e\+39 \(first at series 1, step 2, channel 0\), beyond float32"):
        check_series(x)


def test_one_label_typed_in_two_unicode_forms_is_one_class():
    """'café' with a composed é and with e + a combining accent look the same and were two classes."""
    import unicodedata

    composed, decomposed = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    assert composed != decomposed
    x = np.random.default_rng(0).normal(size=(8, 5, 1))
    ds = data.from_arrays(x, [composed, "tea"] * 2 + [decomposed, "tea"] * 2)
    assert ds.class_names == (composed, "tea")


def test_masked_values_are_missing_not_data():
    """np.ma arrays: the mask was ignored and the hidden values read as data."""
    x = np.random.default_rng(0).normal(size=(8, 6, 1))
    masked = np.ma.masked_array(x.copy(), mask=np.zeros_like(x, bool))
    masked.mask[2, 3, 0] = True
    masked.data[2, 3, 0] = 1e6  # what hides under the mask
    with pytest.raises(ValueError, match=r"x\[2\] holds NaN at step 3, channel 0"):
        data.from_arrays(masked, [0, 1] * 4)
    filled = data.from_arrays(masked, [0, 1] * 4, missing="interpolate", standardize=False, test_size=0.5)
    assert np.abs(np.concatenate([filled.x_train, filled.x_test])).max() < 100
    assert masked.data[2, 3, 0] == 1e6 and masked.mask[2, 3, 0]  # the input is not changed
