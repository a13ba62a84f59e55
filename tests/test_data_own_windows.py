"""tk.data.sliding_windows: windows are the recordings' slices, a recording's windows all land on
one side of the split, and window labels follow the documented rule."""

import numpy as np
import pytest

from tslearnkit import data

RNG = np.random.default_rng(3)


def tagged(n_steps, index, channels=2):
    """A recording whose last channel holds its own index, so a window tells where it came from."""
    values = RNG.normal(size=(n_steps, channels))
    values[:, -1] = index
    return values


def recording_of(windows):
    return sorted(set(windows[:, 0, -1].astype(int).tolist()))


def test_windows_are_slices_at_the_stride():
    rec = [tagged(100, 0), tagged(73, 1), tagged(90, 2), tagged(64, 3)]
    ds = data.sliding_windows(rec, ["a", "b", "a", "b"], length=20, stride=15, standardize=False, test_recordings=[3])
    per_recording = [1 + (len(r) - 20) // 15 for r in rec]  # 6, 4, 5, 3 windows
    assert len(ds.x_train) == sum(per_recording[:3]) and len(ds.x_test) == per_recording[3]
    np.testing.assert_array_equal(
        ds.x_train[:6], np.stack([rec[0][s : s + 20] for s in range(0, 81, 15)]).astype(np.float32)
    )
    np.testing.assert_array_equal(ds.x_test[-1], rec[3][30:50].astype(np.float32))
    assert ds.timesteps == 20 and ds.channels == 2
    assert "test recordings [3]" in ds.notes
    mask = data.sliding_windows(
        rec, ["a", "b", "a", "b"], length=20, stride=15, standardize=False, test_recordings=[False, False, False, True]
    )
    np.testing.assert_array_equal(mask.x_test, ds.x_test)  # a mask of one boolean per recording names the same
    whole = data.sliding_windows(
        rec, ["a", "b", "a", "b"], length=20, stride=15, standardize=False, test_recordings=[3.0]
    )
    np.testing.assert_array_equal(whole.x_test, ds.x_test)  # a whole-number float is that index
    assert "37 steps at the ends of 4 recording(s) fill no window and are left out" in ds.notes  # 5 + 8 + 10 + 14


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_recording_on_both_sides(seed):
    rec = [tagged(60 + 7 * i, i) for i in range(10)]
    labels = ["walk", "run"] * 5
    ds = data.sliding_windows(rec, labels, length=16, stride=4, seed=seed, standardize=False)
    train, test = recording_of(ds.x_train), recording_of(ds.x_test)
    assert not set(train) & set(test) and sorted(train + test) == list(range(10))
    assert len(test) == 4  # stratified by recording label: round(5 * 0.3) = 2 per class
    names = np.array(ds.class_names)
    assert all(names[ds.y_test][i] == labels[int(ds.x_test[i, 0, -1])] for i in range(len(ds.y_test)))


def test_the_split_is_seeded():
    rec = [tagged(60, i) for i in range(10)]
    first = data.sliding_windows(rec, ["a", "b"] * 5, length=16, stride=8, seed=5, standardize=False)
    again = data.sliding_windows(rec, ["a", "b"] * 5, length=16, stride=8, seed=5, standardize=False)
    assert recording_of(first.x_test) == recording_of(again.x_test)


def test_per_step_labels_majority_and_last():
    steps = np.array(["a"] * 10 + ["b"] * 6 + ["a"] * 4)  # 20 steps
    other = np.array(["b"] * 12 + ["a"] * 8)
    rec = [tagged(20, 0, channels=1), tagged(20, 1, channels=1)]
    kw = dict(length=8, stride=4, standardize=False, test_recordings=[1])
    majority = data.sliding_windows(rec, [steps, other], **kw)
    names = np.array(majority.class_names)
    # windows of recording 0 start at 0, 4, 8, 12: steps 0-7 a; 4-11 a,a,a,a,a,a,b,b; 8-15 a,a,b*6; 12-19 b*4,a*4 (tie)
    assert names[majority.y_train].tolist() == ["a", "a", "b", "a"]  # the tie goes to the label seen last
    last = data.sliding_windows(rec, [steps, other], window_label="last", **kw)
    assert names[last.y_train].tolist() == ["a", "b", "b", "a"]


def test_one_recording_as_an_array_and_univariate():
    with pytest.raises(ValueError, match="a single recording cannot be split without leakage"):
        data.sliding_windows(RNG.normal(size=200), "a", length=20, stride=10)
    ds = data.sliding_windows([RNG.normal(size=200), RNG.normal(size=150)] * 2, list("abab"), length=20, stride=20)
    assert ds.channels == 1 and len(ds.x_train) + len(ds.x_test) == 2 * (10 + 7)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(length=80), ValueError, r"recordings\[1\] has 60 steps, shorter than length=80"),
        (dict(length=0), ValueError, r"length must be an integer >= 2 \(steps\); got 0"),
        (dict(length=1), ValueError, r"length must be an integer >= 2 \(steps\); got 1"),
        (dict(stride=2.5), ValueError, r"stride must be an integer >= 1"),
        (dict(window_label="mode"), ValueError, r"window_label must be one of \['majority', 'last'\]"),
        (dict(labels=["a", "b", "a", "c"]), ValueError, r"label\(s\) \['b', 'c'\] have a single recording"),
        (dict(labels=["a"] * 4), ValueError, "every recording has the label 'a'"),
        (dict(labels=["a", "b"]), ValueError, "labels has 2 entries but there are 4 recordings"),
        (dict(labels=["a", np.array(["a"] * 5), "b", "b"]), ValueError, r"labels\[1\] has 5 per-step labels"),
        (dict(labels=["a", None, "b", "b"]), ValueError, r"labels\[1\]: the label is missing"),
        (dict(test_recordings=[0, 1, 2, 3]), ValueError, "must name some, not all, of the recordings 0..3"),
        (dict(test_recordings=[7]), ValueError, "must name some, not all"),
        (dict(test_recordings=[0, 2]), ValueError, r"windows labelled \['a'\] occur only in the test recordings"),
        (dict(test_recordings=[0, 0, 1, 1]), ValueError, r"names a recording twice; .*a mask must be booleans"),
        (dict(test_recordings=[1.7]), ValueError, r"indices of recordings \(integers 0..3\) or a mask of 4 booleans"),
        (
            dict(test_recordings=[True, False]),
            ValueError,
            r"or a mask of 4 booleans, one per recording; got \[True, False\]",
        ),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    rec = [tagged(100, 0), tagged(60, 1), tagged(90, 2), tagged(70, 3)]
    args = dict(labels=["a", "b", "a", "b"], length=20, stride=10)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        data.sliding_windows(rec, args.pop("labels"), **args)


def test_recordings_are_not_changed():
    rec = [tagged(50, i) for i in range(4)]
    copies = [r.copy() for r in rec]
    data.sliding_windows(rec, list("abab"), length=10, stride=5)
    for r, c in zip(rec, copies):
        np.testing.assert_array_equal(r, c)
