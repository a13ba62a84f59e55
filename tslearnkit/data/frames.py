"""A pandas DataFrame, long (a row per time step) or wide (a row per series), into a dataset:
:func:`from_dataframe`."""

from __future__ import annotations

import numpy as np

from .imported import (
    ImportedDataset,
    build_dataset,
    check_length_options,
    check_missing,
    clean_series,
    label_texts,
    split_by_column,
)
from .preprocess import MAX_LENGTH

__all__ = ["from_dataframe", "LAYOUTS"]

LAYOUTS = ("long", "wide")
SPLIT_VALUES = ("train", "test")


def _rows(where: str, first: int):
    """``row_name(i)`` for the ``i``-th row: ``"row 3"`` in a DataFrame, ``"line 5"`` in a file."""
    return lambda i: f"{where} {first + int(i)}"


def _columns(df, names: dict, values):
    """Check the named columns exist; return the value columns (default: all the other columns)."""
    for arg, column in names.items():
        if column is not None and column not in df.columns:
            raise ValueError(f"{arg}={column!r} is not a column; the columns are {list(df.columns)}")
    used = {c for c in names.values() if c is not None}
    one = isinstance(values, str) or not hasattr(values, "__iter__")
    read = df.columns if values is None else [*used, *([values] if one else values)]
    twice = [c for c in dict.fromkeys(read) if int((df.columns == c).sum()) > 1]
    if twice:
        raise ValueError(f"column {twice[0]!r} appears more than once; give each column its own name")
    if values is None:  # every other column: a stray text cell is then an error, never a dropped channel
        values = [c for c in df.columns if c not in used]
        if not values:
            raise ValueError(f"no value columns besides {sorted(map(str, used))}; the columns are {list(df.columns)}")
        return values
    values = [values] if isinstance(values, str) or not hasattr(values, "__iter__") else list(values)
    unknown = [c for c in values if c not in df.columns]
    if unknown or not values:
        raise ValueError(
            f"values={values!r}: {unknown or 'no'} column(s) not found; the columns are {list(df.columns)}"
        )
    clash = [c for c in values if c in used]
    if clash:
        raise ValueError(f"values={values!r} includes {clash}, already used as the series/label/time/split column")
    return values


def _plain(value):
    """A NumPy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _numbers(df, values, row) -> np.ndarray:
    """The value columns as a ``float64`` ``(rows, len(values))`` matrix; NaN where a cell is empty."""
    import pandas as pd

    out = np.empty((len(df), len(values)), np.float64)
    for j, column in enumerate(values):
        raw = df[column]
        converted = pd.to_numeric(raw, errors="coerce")
        bad = converted.isna().to_numpy() & raw.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"column {column!r}, {row(i)}: {raw.iloc[i]!r} is not a number (value columns: {list(values)}; "
                "name the channel columns with values=[...])"
            )
        out[:, j] = converted.to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def _label_per_row(column, row, name: str) -> tuple[np.ndarray, list[str]]:
    """``(text_code_per_row, texts)``: each row's label text, computed once per distinct value."""
    import pandas as pd

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"{row(i)}: the {name} is missing")
    texts = label_texts(list(uniques), name=name, where=lambda k: row(int(np.flatnonzero(codes == k)[0])))
    distinct = sorted(set(texts))
    remap = np.array([distinct.index(t) for t in texts], np.int64)
    return remap[codes], distinct


def _one_value_per_series(codes, text_codes, texts, ids, what: str):
    """The single value of a per-series column (label, split); an error names a series with two."""
    pairs = np.unique(np.stack([codes, text_codes], axis=1), axis=0)
    if len(pairs) != len(ids):
        counts = np.bincount(pairs[:, 0], minlength=len(ids))
        k = int(np.flatnonzero(counts > 1)[0])
        found = sorted(texts[t] for t in pairs[pairs[:, 0] == k, 1])
        raise ValueError(f"series {_plain(ids[k])!r} has two or more {what}s {found}; a series has exactly one {what}")
    value = np.empty(len(ids), np.int64)
    value[pairs[:, 0]] = pairs[:, 1]
    return [texts[v] for v in value]


def _time_keys(stamps, time):
    """The values a long table's rows are ordered by: numbers and datetimes as they are, text only where it reads
    as numbers or as ISO 8601 dates (text sorts as text: "10" before "2", "1/3" after "10/3")."""
    import pandas as pd

    if not (pd.api.types.is_object_dtype(stamps) or pd.api.types.is_string_dtype(stamps)):
        return stamps.to_numpy()
    if not stamps.map(lambda v: isinstance(v, str)).any():
        return stamps.to_numpy()  # Python numbers or timestamps in an object column
    try:
        return pd.to_numeric(stamps).to_numpy()
    except (TypeError, ValueError):
        pass
    try:
        return pd.to_datetime(stamps, format="ISO8601", utc=True).to_numpy()  # offsets may change (summer time)
    except (TypeError, ValueError):
        example = next(v for v in stamps if isinstance(v, str))
        raise ValueError(
            f"time column {time!r} holds text that is neither numbers nor ISO 8601 dates (for example {example!r}), "
            "and text does not sort in time order; convert it first (day/month/year dates: "
            f"df[{time!r}] = pd.to_datetime(df[{time!r}], dayfirst=True); clock times: numbers, such as minutes) "
            "and pass the DataFrame to tk.data.from_dataframe"
        ) from None


def parse_long(df, *, series, label, time=None, values=None, split=None, missing="raise", where=("row", 0)):
    """Long layout → ``(series_list, labels, splits_or_None, note)``; see :func:`from_dataframe`."""
    import pandas as pd

    row = _rows(*where)
    if series is None:
        raise ValueError("layout='long' needs series=<the column that names each series>")
    values = _columns(df, {"series": series, "label": label, "time": time, "split": split}, values)
    if len(df) == 0:
        raise ValueError("the DataFrame has no rows")
    codes, ids = pd.factorize(df[series], use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"{row(int(np.flatnonzero(codes < 0)[0]))}: the series id ({series!r}) is missing")
    if time is None:
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        if len(starts) != len(ids):  # a series' rows are split into several blocks
            seen, k = set(), None
            for s in starts:
                if codes[s] in seen:
                    k = s
                    break
                seen.add(codes[s])
            raise ValueError(
                f"{row(k)}: series {ids[codes[k]]!r} starts again after rows of other series: one id used for "
                f"two series, or rows out of order; give time=<column> to order each series' rows"
            )
        order = np.arange(len(df))
    else:
        stamps = df[time]
        if stamps.isna().any():
            raise ValueError(f"{row(int(np.flatnonzero(stamps.isna().to_numpy())[0]))}: the time ({time!r}) is missing")
        keys = _time_keys(stamps, time)
        try:
            order = pd.DataFrame({"c": codes, "t": keys}).sort_values(["c", "t"], kind="stable").index
        except TypeError as err:
            raise ValueError(f"time column {time!r} mixes values that cannot be ordered ({err})") from None
        order = order.to_numpy()
        twice = pd.DataFrame({"c": codes, "t": keys}).duplicated(keep=False).to_numpy()
        if twice.any():
            rows = np.flatnonzero(twice)
            first = rows[0]
            again = next(r for r in rows[1:] if codes[r] == codes[first] and keys[r] == keys[first])
            at = repr(_plain(stamps.iloc[first]))
            if stamps.iloc[again] != stamps.iloc[first]:
                at += f" (written two ways: also {_plain(stamps.iloc[again])!r})"
            raise ValueError(
                f"series {ids[codes[first]]!r} has two rows at time {at} ({row(first)} and "
                f"{row(again)}): one id used for two series, or a duplicated row"
            )
    matrix = _numbers(df, values, row)[order]
    sorted_codes = codes[order]
    bounds = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1], True])
    out = [
        clean_series(matrix[a:b].copy(), f"series {ids[sorted_codes[a]]!r}", missing)
        for a, b in zip(bounds[:-1], bounds[1:])
    ]
    label_codes, label_names = _label_per_row(df[label], row, "label")
    labels = _one_value_per_series(codes, label_codes, label_names, ids, "label")
    splits = _splits(df, split, codes, ids, row)
    lengths = [len(s) for s in out]
    note = (
        f"long layout: {len(out)} series by {series!r}"
        + (f" ordered by {time!r}" if time else " in row order")
        + f", channels {values}, {min(lengths)}..{max(lengths)} steps"
    )
    return out, labels, splits, note


def _splits(df, split, codes, ids, row):
    if split is None:
        return None
    split_codes, names = _label_per_row(df[split], row, "split")
    lowered = [n.lower() for n in names]
    unknown = [n for n in names if n.lower() not in SPLIT_VALUES]
    if unknown:
        raise ValueError(f"split column {split!r} holds {unknown}; allowed values are {list(SPLIT_VALUES)}")
    return _one_value_per_series(codes, split_codes, lowered, ids, "split value")


def parse_wide(df, *, label, series=None, values=None, split=None, missing="raise", where=("row", 0)):
    """Wide layout (a row per univariate series, a column per step) → like :func:`parse_long`.

    Empty cells at the end of a row make that series shorter (the UCR convention for unequal
    lengths); an empty cell inside a row follows ``missing``.
    """
    row = _rows(*where)
    values = _columns(df, {"series": series, "label": label, "split": split}, values)
    if len(df) == 0:
        raise ValueError("the DataFrame has no rows")
    matrix = _numbers(df, values, row)
    if series is not None:
        twice = df[series].duplicated(keep=False).to_numpy()
        if twice.any():
            first, again = np.flatnonzero(twice)[:2]
            raise ValueError(
                f"series id {df[series].iloc[first]!r} is used by two rows ({row(first)} and {row(again)}); "
                "in the wide layout every row is one series"
            )
        ids = list(df[series])
    else:
        ids = [row(i) for i in range(len(df))]
    out = []
    for i in range(len(df)):
        observed = np.flatnonzero(~np.isnan(matrix[i]))
        end = observed[-1] + 1 if observed.size else 0
        name = f"series {ids[i]!r}" if series is not None else row(i)
        out.append(clean_series(matrix[i, :end, None].copy(), name, missing))
    labels = label_texts(list(df[label]), name="label", where=lambda i: f"{row(i)}, column {label!r}")
    codes = np.arange(len(df))
    splits = _splits(df, split, codes, ids, row)
    lengths = [len(s) for s in out]
    note = f"wide layout: {len(out)} univariate series, one per row, {min(lengths)}..{max(lengths)} steps"
    return out, labels, splits, note


def parse_frame(df, *, layout="long", **columns):
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {list(LAYOUTS)}; got {layout!r}")
    if layout == "long":
        return parse_long(df, **columns)
    if columns.get("time") is not None:
        raise ValueError("time= applies to the long layout only; the wide layout's columns are the steps in order")
    columns.pop("time", None)
    return parse_wide(df, **columns)


def from_dataframe(
    df,
    *,
    label,
    series=None,
    time=None,
    values=None,
    layout: str = "long",
    split=None,
    test=None,
    test_size: float = 0.3,
    seed: int = 0,
    name: str = "mydata",
    missing: str = "raise",
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
) -> ImportedDataset:
    """A pandas DataFrame as a dataset every lesson can use.

    **Long layout** (``layout="long"``, the default): a row per time step. ``series`` names the
    series of each row, ``label`` its class, ``time`` (optional) orders the rows of a series
    (without it, rows are taken in order and each series' rows must be contiguous), ``values`` the
    channel columns (default: every other column; a column holding text is then an error naming
    its first non-number, never silently dropped; a time column not given as ``time`` would be
    read as a channel)::

        #    id  t    ax    ay  activity
        #     a  0  0.10  1.20  walk
        #     a  1  0.30  1.10  walk
        #     b  0  0.90  0.20  run   ...
        data = tk.data.from_dataframe(df, series="id", time="t", label="activity")

    **Wide layout** (``layout="wide"``): a row per univariate series, one column per step (default:
    every column but ``label``/``series``/``split``); empty cells at the end of a row make that series
    shorter::

        #   label   t0    t1    t2   ...
        #     cat  0.1   0.4   0.2   ...
        data = tk.data.from_dataframe(df, label="label", layout="wide")

    Args:
        df: the DataFrame (never changed).
        label: the label column (str, int or float values; one label per series).
        series: the series-id column (required for the long layout; optional for the wide one,
            where it names rows in messages and must be unique).
        time: long layout only: the column to order each series' rows by (numbers or datetimes);
            two rows of one series at the same time are an error.
        values: channel columns (long) or step columns (wide).
        split: optional column of ``"train"``/``"test"`` per series: your own split.
        test: optional second DataFrame with the same columns: your own test split (its value columns are
            matched to ``df``'s by name).
        test_size, seed: the drawn split, when neither ``split`` nor ``test`` is given.
        name, missing, standardize, variable_length, max_length: as in :func:`from_arrays`.

    Returns:
        An :class:`~tslearnkit.data.ImportedDataset`; unequal lengths are handled as in
        :func:`from_arrays`.
    """
    import pandas as pd

    check_missing(missing)
    check_length_options(variable_length, max_length)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__} (arrays go to tk.data.from_arrays)")
    if split is not None and test is not None:
        raise ValueError("give either split=<column> or test=<DataFrame>, not both")
    columns = dict(series=series, label=label, time=time, values=values, split=split, missing=missing)
    return build_from_frames(
        name, df, test, layout=layout, columns=columns, test_size=test_size, seed=seed,
        standardize=standardize, variable_length=variable_length, max_length=max_length,
    )  # fmt: skip


def build_from_frames(
    name, df, test, *, layout, columns, where=("row", 0), test_where=("row", 0), extra_notes=(), **options
) -> ImportedDataset:
    """Parse ``df`` (and ``test``) with ``columns`` and build the dataset (shared with load_file)."""
    if test is not None and columns.get("values") is None:
        values = shared_value_columns(df, test, columns, layout=layout)
        columns = {**columns, "values": values} if values is not None else columns
    train, labels, splits, note = parse_frame(df, layout=layout, where=where, **columns)
    notes = [*extra_notes, note]
    test_series = test_labels = None
    if test is not None:
        test_series, test_labels, _, test_note = parse_frame(test, layout=layout, where=test_where, **columns)
        notes.append("test: " + test_note)
    elif splits is not None:
        train, labels, test_series, test_labels = split_by_column(
            train, labels, splits, f"split column {columns['split']!r}"
        )
    return build_dataset(name, train, labels, test_series, test_labels, notes=notes, **options)


def shared_value_columns(df, test, columns, *, layout: str = "long") -> list | None:
    """The value columns of a training table and its test table (``columns``: the series, label, time and split
    columns), in the training table's order: the test table's are matched by name, so a test table with its
    columns in another order keeps each channel (long layout) or step (wide). In the long layout a channel
    only one of them has is an error; in the wide layout tables of other steps give None (read by position)."""
    names = {arg: columns.get(arg) for arg in ("series", "label", "time", "split")}
    train_values, test_values = _columns(df, names, None), _columns(test, names, None)
    if layout == "wide":
        return train_values if set(train_values) == set(test_values) else None
    if set(train_values) != set(test_values):
        raise ValueError(
            f"the test data's value columns {test_values} are not the training data's {train_values}; "
            "give both the same channel columns, or values=[...] to choose the channels"
        )
    return train_values
