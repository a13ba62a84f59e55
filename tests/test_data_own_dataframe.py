"""tk.data.from_dataframe: long and wide layouts give the datasets from_arrays gives for the same
series; order, ids, labels and cells are checked with messages naming the series, row and column."""

import numpy as np
import pandas as pd
import pytest

from tslearnkit import data

RNG = np.random.default_rng(11)
SERIES = [RNG.normal(size=(n, 2)).round(6) for n in (12, 20, 15, 9, 18, 11, 14, 16, 10)]
LABELS = ["cat", "dog", "eel"] * 3


def long_frame(series=SERIES, labels=LABELS, split=None):
    rows = []
    for i, (s, label) in enumerate(zip(series, labels)):
        for t, (a, b) in enumerate(s):
            row = {"id": f"s{i}", "t": t, "a": a, "b": b, "animal": label}
            if split is not None:
                row["part"] = split[i]
            rows.append(row)
    return pd.DataFrame(rows)


def same(a, b):
    assert a.class_names == b.class_names
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


# --------------------------------------------------------------------------- long layout
def test_long_layout_equals_the_same_arrays():
    df = long_frame()
    before = df.copy()
    same(data.from_dataframe(df, series="id", time="t", label="animal"), data.from_arrays(SERIES, LABELS))
    pd.testing.assert_frame_equal(df, before)  # the DataFrame is not changed


def test_time_column_orders_shuffled_rows():
    df = long_frame()
    shuffled = df.sample(frac=1.0, random_state=0)
    shuffled = shuffled.sort_values("id", key=lambda s: s.str[1:].astype(int), kind="stable")  # series order kept
    ds = data.from_dataframe(shuffled, series="id", time="t", label="animal", standardize=False)
    same(ds, data.from_arrays(SERIES, LABELS, standardize=False))
    assert "ordered by 't'" in ds.notes


@pytest.mark.parametrize(
    "as_text",
    [
        lambda t: str(t),
        lambda t: f"{t:03d}",
        lambda t: (pd.Timestamp("2024-03-01") + pd.Timedelta(days=t)).isoformat(),
        lambda t: (pd.Timestamp("2024-03-30T20:00", tz="Europe/Berlin") + pd.Timedelta(hours=t)).isoformat(),
    ],
    ids=["numbers", "zero-padded numbers", "ISO dates", "ISO times across a summer-time change"],
)
def test_a_time_column_of_text_is_ordered_as_time_not_as_text(as_text):
    df = long_frame()
    df["t"] = df["t"].map(as_text)  # as read from a CSV: "10" sorts before "2" as text
    shuffled = df.sample(frac=1.0, random_state=0)
    shuffled = shuffled.sort_values("id", key=lambda s: s.str[1:].astype(int), kind="stable")
    ds = data.from_dataframe(shuffled, series="id", time="t", label="animal", standardize=False)
    same(ds, data.from_arrays(SERIES, LABELS, standardize=False))


def test_a_time_column_of_other_text_is_an_error_naming_it():
    df = long_frame()
    df["t"] = df["t"].map(lambda t: f"{t + 1}/3/2024")  # day/month/year: ambiguous, and wrong as text
    with pytest.raises(ValueError, match=r"time column 't' holds text .*'1/3/2024'.*dayfirst=True"):
        data.from_dataframe(df, series="id", time="t", label="animal")


def test_values_name_the_channels_and_their_order():
    df = long_frame()
    ds = data.from_dataframe(df, series="id", label="animal", values=["b", "a"], standardize=False)
    same(ds, data.from_arrays([s[:, ::-1] for s in SERIES], LABELS, standardize=False))
    one = data.from_dataframe(df, series="id", label="animal", values="a", standardize=False)
    assert one.channels == 1


def test_split_column_and_test_frame_give_your_own_split():
    split = ["train"] * 6 + ["test"] * 3
    df = long_frame(split=split)
    expected = data.from_arrays(SERIES[:6], LABELS[:6], x_test=SERIES[6:], y_test=LABELS[6:])
    same(data.from_dataframe(df, series="id", time="t", label="animal", split="part"), expected)
    train, test = long_frame(SERIES[:6], LABELS[:6]), long_frame(SERIES[6:], LABELS[6:])
    same(data.from_dataframe(train, series="id", label="animal", values=["a", "b"], test=test), expected)


def test_a_test_frame_with_its_columns_in_another_order_keeps_each_channel():
    """Without values=, the channels are 'every other column'; the test frame's are matched to the training
    frame's by name (they were taken by position: swapped channels, silently)."""
    train, test = long_frame(SERIES[:6], LABELS[:6]), long_frame(SERIES[6:], LABELS[6:])
    expected = data.from_arrays(SERIES[:6], LABELS[:6], x_test=SERIES[6:], y_test=LABELS[6:])
    reordered = test[["id", "t", "b", "a", "animal"]]
    same(data.from_dataframe(train, series="id", time="t", label="animal", test=reordered), expected)
    wide = pd.DataFrame(np.arange(30.0).reshape(6, 5), columns=[f"t{i}" for i in range(5)]).assign(y=list("ababab"))
    reversed_steps = wide[["y", "t4", "t3", "t2", "t1", "t0"]]
    ds = data.from_dataframe(wide, label="y", layout="wide", test=reversed_steps, standardize=False)
    np.testing.assert_array_equal(ds.x_test, ds.x_train)  # the wide layout's steps are matched by name too
    with pytest.raises(ValueError, match=r"test data's value columns \['a', 'b', 'c'\] are not the training data's"):
        data.from_dataframe(train, series="id", time="t", label="animal", test=test.assign(c=0.0))


def test_every_other_column_is_a_channel_and_text_is_never_dropped():
    df = long_frame().assign(note="ok")
    with pytest.raises(ValueError, match=r"column 'note', row 0: 'ok' is not a number .*values=\[...\]"):
        data.from_dataframe(df, series="id", time="t", label="animal")
    assert data.from_dataframe(df.drop(columns="note"), series="id", label="animal").channels == 3  # t, a, b


def test_interleaved_rows_without_time_are_an_error():
    df = long_frame()
    df = pd.concat([df.iloc[:5], df.iloc[12:14], df.iloc[5:12], df.iloc[14:]], ignore_index=True)
    with pytest.raises(ValueError, match=r"row 7: series 's0' starts again after rows of other series.*time="):
        data.from_dataframe(df, series="id", label="animal")


def test_an_id_used_twice_at_one_time_is_an_error():
    df = long_frame()
    df.loc[df.id == "s1", "id"] = "s0"
    with pytest.raises(ValueError, match=r"series 's0' has two rows at time 0 \(row 0 and row 12\)"):
        data.from_dataframe(df, series="id", time="t", label="animal")


@pytest.mark.parametrize("dates", [False, True])
def test_one_time_written_two_ways_is_named_too(dates):
    """Two stamps that read as one time ('1' and '01'; ISO 8601 with 'T' or a space) were a bare StopIteration."""
    df = long_frame()
    if dates:
        df["t"] = [f"2024-01-01T00:00:{t:02d}" for t in df["t"]]
        twice = ["2024-01-01T00:00:01", "2024-01-01 00:00:01"]
    else:
        df["t"] = df["t"].astype(str)
        twice = ["1", "01"]
    df.loc[df.index[df.id == "s0"][1:3], "t"] = twice
    shown = f"series 's0' has two rows at time '{twice[0]}' \\(written two ways: also '{twice[1]}'\\)"
    with pytest.raises(ValueError, match=shown):
        data.from_dataframe(df, series="id", time="t", label="animal")


def test_a_series_with_two_labels_is_named():
    df = long_frame()
    df.loc[15, "animal"] = "cat"
    with pytest.raises(ValueError, match=r"series 's1' has two or more labels \['cat', 'dog'\]"):
        data.from_dataframe(df, series="id", label="animal")


def test_labels_with_stray_spaces_or_mixed_types_are_one_class():
    df = long_frame(labels=[1, "2", 3.0, " 1", 2, "3 ", 1, 2.0, 3])
    ds = data.from_dataframe(df, series="id", label="animal")
    assert ds.class_names == ("1", "2", "3")


@pytest.mark.parametrize(
    "change, kwargs, match",
    [
        (lambda df: df.assign(animal=df.animal.where(df.index != 30)), {}, r"row 30: the label is missing"),
        (lambda df: df.assign(a=df.a.astype(object).where(df.index != 4, "x1")), {}, r"column 'a', row 4: 'x1'"),
        (lambda df: df.assign(a=df.a.where(df.index != 4)), {}, r"series 's0' holds NaN at step 4, channel 0"),
        (lambda df: df.assign(id=df.id.where(df.index != 3)), {}, r"row 3: the series id \('id'\) is missing"),
        (lambda df: df, {"values": ["a", "z"]}, r"values=\['a', 'z'\]: \['z'\] column\(s\) not found"),
        (lambda df: df, {"time": "when"}, r"time='when' is not a column; the columns are \['id', 't'"),
        (lambda df: df, {"values": ["a", "t"]}, r"includes \['t'\], already used"),
        (lambda df: df[["id", "animal", "t"]], {}, "no value columns besides"),
        (lambda df: df.iloc[:0], {}, "the DataFrame has no rows"),
        (lambda df: df, {"layout": "tall"}, r"layout must be one of \['long', 'wide'\]"),
        (lambda df: df, {"series": None}, "layout='long' needs series="),
    ],
)
def test_bad_frames_are_named(change, kwargs, match):
    kwargs = {"series": "id", "label": "animal", "time": "t", **kwargs}
    with pytest.raises(ValueError, match=match):
        data.from_dataframe(change(long_frame()), **kwargs)


def test_bad_split_values_and_arguments():
    df = long_frame(split=["train"] * 6 + ["validation"] * 3)
    with pytest.raises(ValueError, match=r"split column 'part' holds \['validation'\]; allowed values"):
        data.from_dataframe(df, series="id", label="animal", split="part")
    df = long_frame(split=["train"] * 9)
    with pytest.raises(ValueError, match="must mark some series 'train' and some 'test'"):
        data.from_dataframe(df, series="id", label="animal", split="part")
    with pytest.raises(ValueError, match="either split=<column> or test=<DataFrame>"):
        data.from_dataframe(df, series="id", label="animal", split="part", test=df)
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        data.from_dataframe(np.zeros((3, 3)), series="id", label="animal")


# --------------------------------------------------------------------------- wide layout
def test_wide_layout_equals_univariate_arrays():
    x = RNG.normal(size=(9, 30))
    df = pd.DataFrame(x, columns=[f"t{i}" for i in range(30)]).assign(label=LABELS)
    same(data.from_dataframe(df, label="label", layout="wide"), data.from_arrays(x, LABELS))


def test_wide_trailing_gaps_make_shorter_series():
    lengths = [30, 22, 25, 30, 18, 27, 30, 20, 24]
    rows = [RNG.normal(size=n) for n in lengths]
    matrix = np.full((9, 30), np.nan)
    for i, r in enumerate(rows):
        matrix[i, : len(r)] = r
    df = pd.DataFrame(matrix).assign(who=[f"r{i}" for i in range(9)], label=LABELS)
    ds = data.from_dataframe(df, label="label", series="who", layout="wide", standardize=False)
    same(ds, data.from_arrays(rows, LABELS, standardize=False))
    matrix[1, 3] = np.nan  # a gap inside a series is missing data, not a shorter series
    with pytest.raises(ValueError, match=r"series 'r1' holds NaN at step 3"):
        data.from_dataframe(pd.DataFrame(matrix).assign(who=df.who, label=LABELS), label="label", series="who",
                            layout="wide")  # fmt: skip


def test_wide_ids_must_be_unique_and_time_is_refused():
    df = pd.DataFrame(RNG.normal(size=(4, 5))).assign(who=["a", "b", "a", "c"], label=list("xyxy"))
    with pytest.raises(ValueError, match=r"series id 'a' is used by two rows \(row 0 and row 2\)"):
        data.from_dataframe(df, label="label", series="who", layout="wide")
    with pytest.raises(ValueError, match="time= applies to the long layout only"):
        data.from_dataframe(df, label="label", layout="wide", time=0)


def test_a_column_name_used_twice_is_named():
    """Two columns of one name ended in a pandas TypeError ('arg must be a list, tuple, 1-d array, or Series')."""
    df = long_frame().rename(columns={"b": "a"})
    with pytest.raises(ValueError, match=r"column 'a' appears more than once"):
        data.from_dataframe(df, series="id", time="t", label="animal")
    unused = long_frame().assign(note=0.0)
    unused = pd.concat([unused, unused[["note"]]], axis=1)  # two 'note' columns that values= leaves out
    same(
        data.from_dataframe(unused, series="id", time="t", label="animal", values=["a", "b"]),
        data.from_dataframe(long_frame(), series="id", time="t", label="animal"),
    )


def test_numeric_ids_in_messages_read_as_written():
    """Messages showed NumPy reprs: "series np.int64(1) has two or more labels"."""
    df = long_frame().assign(id=lambda f: f.id.str[1:].astype(int))
    df.loc[df.index[df.id == 1][0], "animal"] = "cat"
    with pytest.raises(ValueError, match=r"^series 1 has two or more labels \['cat', 'dog'\]"):
        data.from_dataframe(df, series="id", time="t", label="animal")
