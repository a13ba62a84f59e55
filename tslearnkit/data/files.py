"""A file at any path into a dataset: :func:`load_file` (``.ts``, ``.arff``, UCR ``.tsv``/``.csv``,
long or wide ``.csv``, ``.npz``, the study's CSV, and ``.zip`` archives of UCR/UEA files)."""

from __future__ import annotations

import re
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .convert import as_labels, as_series_list
from .frames import parse_frame, shared_value_columns
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

__all__ = ["load_file", "FILE_TYPES"]

FILE_TYPES = {
    ".ts": "aeon/sktime .ts (multivariate, unequal lengths)",
    ".arff": "WEKA .arff (UCR/UEA archive)",
    ".tsv": "UCR: a row per series, the label first, tab-separated, no header",
    ".csv": "UCR with commas like .tsv; with series=/label= (layout='long') or layout='wide': a table with a "
    "header; or the study's CSV (ID_TimeSeries, Values, ...)",
    ".npz": "NumPy arrays x, y [, x_test, y_test]",
    ".zip": "an archive holding a NAME_TRAIN/NAME_TEST pair of the files above",
    ".tar.xz": "the study's CSV, compressed",
}
"""What :func:`load_file` reads, by file name ending."""

TABLE_OPTIONS = ("series", "label", "time", "values", "layout", "split")
LAYOUT_OPTIONS = (*TABLE_OPTIONS, "sep", "channels")
# pandas' default missing-value words (pandas._libs.parsers.STR_NA_VALUES, private, so written out here)
MISSING_WORDS = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>"}
MISSING_WORDS |= {"N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
"""What :func:`load_file` takes as ``**layout``: the table options, the separator, ``.npz``'s channel axis."""
_PAIR = re.compile(r"^(?P<stem>.+)_(?P<part>train|test)$", re.IGNORECASE)


def _kind(path: Path) -> str:
    name = path.name.lower()
    for ending in sorted(FILE_TYPES, key=len, reverse=True):
        if name.endswith(ending):
            return ending
    allowed = ", ".join(f"{k} ({v.split(':')[0].split(' (')[0]})" for k, v in FILE_TYPES.items())
    raise ValueError(f"cannot read {path.name!r}: unknown file type {path.suffix or '(none)'!r}; allowed: {allowed}")


def _pair(path: Path, kind: str) -> tuple[Path, Path | None, str]:
    """``(train, test_or_None, name)``: ``X_TRAIN.ext`` picks up ``X_TEST.ext`` beside it, and back."""
    stem = path.name[: -len(kind)]
    match = _PAIR.match(stem)
    if not match:
        return path, None, stem
    part = match["part"]
    twin_part = {"train": "test", "test": "train"}[part.lower()]
    twin_part = twin_part.upper() if part.isupper() else twin_part.title() if part.istitle() else twin_part
    twin = path.with_name(f"{match['stem']}_{twin_part}{kind}")
    if not twin.is_file():
        return path, None, match["stem"]
    return (path, twin, match["stem"]) if part.lower() == "train" else (twin, path, match["stem"])


def _read_table(path: Path, *, encoding: str, sep: str, header, skiprows: int = 0, text=()):
    """The table; in the ``text`` columns (labels, series ids, split) the word ``None`` is text (a class such as
    "no gesture"), while an empty cell and the other words pandas reads as missing (NA, nan, null, ...) are
    missing: they are how R, NumPy and databases write a missing value."""
    import pandas as pd

    options = dict(sep=sep, header=header, encoding=encoding, skipinitialspace=True, skiprows=skiprows)
    try:
        frame = pd.read_csv(path, **options)
        text = [c for c in dict.fromkeys(text) if c is not None and c in frame.columns]
        if text:
            missing = MISSING_WORDS - {"None"}
            words = pd.read_csv(path, usecols=text, keep_default_na=False, na_values=sorted(missing), **options)
            frame = _with(frame, words)
        return frame
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path.name} is not {encoding} text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "pass encoding='latin-1' (or the file's encoding) or save it as UTF-8"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{path.name} is not a readable table: {err}") from None


def _with(frame, words):
    frame = frame.copy()
    for c in words.columns:
        frame[c] = words[c]
    return frame


def _without_row_numbers(frame, columns: dict):
    """The table without the first column of row numbers that ``DataFrame.to_csv`` writes by default (the
    index: unnamed, unique integers), which would otherwise be read as a channel; and a note saying so ("" when
    it is kept: named in ``columns``, or not unique integers)."""
    import pandas as pd

    first = frame.columns[0] if len(frame.columns) else None
    named = {c for value in columns.values() for c in (value if isinstance(value, list) else [value])}
    if first is None or first in named or not str(first).startswith("Unnamed: 0"):
        return frame, ""
    index = frame[first]
    if not (pd.api.types.is_integer_dtype(index) and index.is_unique):  # a filtered frame's index is unique too
        return frame, ""
    return frame.drop(
        columns=first
    ), "; the unnamed first column (row numbers: a saved index) was not read as a channel"


def _test_layout(train_path: Path, test_path: Path, kind: str, layout: dict, encoding: str) -> dict:
    """The options to read a long table's TEST file with: the TRAIN file's channel columns, matched by name (a
    TEST file with its columns in another order keeps each channel; other columns are an error)."""
    table = any(k in layout for k in TABLE_OPTIONS)
    if not table or layout.get("values") is not None or kind not in (".csv", ".tsv"):
        return layout
    if _is_project_csv(train_path, encoding):
        return layout
    columns = {k: layout[k] for k in TABLE_OPTIONS if k in layout}
    sep = layout.get("sep", "\t" if kind == ".tsv" else ",")
    train, test = (
        _without_row_numbers(_read_table(p, encoding=encoding, sep=sep, header=0), columns)[0]
        for p in (train_path, test_path)
    )
    values = shared_value_columns(train, test, columns, layout=layout.get("layout", "long"))
    return layout if values is None else {**layout, "values": values}


def _check_separator(first_cells, sep: str, where: str) -> None:
    """A table read as one column whose text holds another separator: name it and the ``sep=`` option."""
    if len(first_cells) != 1:
        return
    counts = {other: str(first_cells[0]).count(other) for other in (";", "\t", "|", " ", ",") if other != sep}
    other = max(counts, key=counts.get)
    if counts[other]:
        raise ValueError(
            f"{where} reads as a single column with sep={sep!r}, and its first line holds {other!r}: pass "
            f"sep={other!r} (load_file's separator option)"
        )


def _is_project_csv(path: Path, encoding: str) -> bool:
    try:
        with open(path, encoding=encoding, errors="replace") as handle:
            return handle.readline().lstrip("\ufeff").startswith("ID_TimeSeries")
    except OSError:
        return False


def _without_arff_comments(path: Path, folder: Path) -> Path:
    """``path``, or a copy in ``folder`` without its ``%`` comment lines: aeon's reader fails on one after
    ``@data`` ("could not broadcast input array")."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    kept = [line for line in lines if not line.lstrip().startswith("%")]
    if len(kept) == len(lines):
        return path
    copy = folder / path.name
    copy.write_text("".join(kept), encoding="utf-8")
    return copy


def _unknown_labels_missing(y, path: Path) -> list:
    """aeon reads a ``?`` label of a .ts or .arff file (and ``nan`` in any case) as the text "NaN": that is a
    missing label (None), unless the header declares a class of that name."""
    declared = _declared_classes(path)
    keep = any(c.lower() == "nan" for c in declared)
    return [None if str(v) == "NaN" and not keep else v for v in y]


def _declared_classes(path: Path) -> list[str]:
    """The classes a .ts header's ``@classLabel true a b`` or an .arff header's class attribute ``{a,b}`` lists
    (comments and other attributes are not read)."""
    classes = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            words = line.strip()
            lowered = words.lower()
            if lowered.startswith("@data"):
                break
            if lowered.startswith("@classlabel"):
                classes = words.split()[2:]
            elif lowered.startswith("@attribute") and "{" in words and words.endswith("}"):
                classes = [c.strip().strip("'\"") for c in words[words.index("{") + 1 : -1].split(",")]
    return classes


def _read_part(path: Path, kind: str, options: dict, missing: str, encoding: str):
    """One file → ``(series, labels, splits_or_None, note)``."""
    where = path.name
    if kind == ".ts":
        from .catalogue import _read_ts

        raw, y = _read_ts(path, check_finite=False)
        series = [clean_series(s, f"{where}: series {i}", missing) for i, s in enumerate(raw)]
        labels = label_texts(_unknown_labels_missing(y, path), where=lambda i: f"{where}: series {i}")
        return series, labels, None, f"{where}: .ts file read by aeon"
    if kind == ".arff":
        from .catalogue import _import_aeon_datasets

        load_from_arff_file = _import_aeon_datasets("reading .arff files").load_from_arff_file
        try:
            with tempfile.TemporaryDirectory() as tmp:
                x, y = load_from_arff_file(str(_without_arff_comments(path, Path(tmp))))
        except UnicodeDecodeError as err:
            raise ValueError(f"{where} is not UTF-8 text (offset {err.start}); save it as UTF-8") from None
        except Exception as err:  # aeon raises several types for malformed files
            raise ValueError(f"cannot parse {where} as an .arff file: {err}") from err
        if len(x) == 0:
            raise ValueError(f"{where} holds no series (no lines after @data)")
        series = [
            clean_series(np.asarray(s, np.float64).T.copy(), f"{where}: series {i}", missing) for i, s in enumerate(x)
        ]
        unquoted = [v[1:-1] if isinstance(v, str) and len(v) > 1 and v[0] == v[-1] in "'\"" else v for v in y]
        labels = label_texts(_unknown_labels_missing(unquoted, path), where=lambda i: f"{where}: series {i}")
        return series, labels, None, f"{where}: .arff file read by aeon"
    if kind == ".npz":
        return _read_npz(path, options, missing)
    sep = options.pop("sep", "\t" if kind == ".tsv" else ",")
    if kind == ".csv" and _is_project_csv(path, encoding):
        return _read_project(path, options)
    if any(k in options for k in TABLE_OPTIONS):
        if "label" not in options:
            raise ValueError(f"{where}: a table with a header needs label=<column> (and series=<column> when long)")
        text = [options.get(k) for k in ("label", "series", "split")]
        frame = _read_table(path, encoding=encoding, sep=sep, header=0, text=text)
        _check_separator(frame.columns, sep, where)
        if len(frame) == 0:
            raise ValueError(f"{where} holds a header line and no rows below it: no series to read")
        columns = {k: options.pop(k) for k in TABLE_OPTIONS if k in options}
        layout = columns.pop("layout", "long")
        frame, dropped = _without_row_numbers(frame, columns)
        series, labels, splits, note = parse_frame(
            frame, layout=layout, missing=missing, where=(f"{where} line", 2), **columns
        )
        return series, labels, splits, note + dropped
    frame = _read_table(path, encoding=encoding, sep=sep, header=None, text=[0])
    _check_separator([str(frame.iloc[0, 0])] if frame.shape[1] == 1 else [], sep, where)
    first = frame.iloc[0, 1:]
    import pandas as pd

    if frame.shape[1] < 2 or pd.to_numeric(first, errors="coerce").isna().all():
        cells = [v.item() if isinstance(v, np.generic) else v for v in frame.iloc[0, :4]]
        raise ValueError(
            f"{where} does not look like a UCR file (a row per series, the label first, numbers after, no header): "
            f"line 1 reads {cells}; for a table with a header pass label=<column> and "
            "series=<column> (a row per time step) or layout='wide' (a row per series)"
        )
    described, first_line = f"{where}: UCR layout (a row per series, label first)", 1
    if _reads_as_column_numbers(frame, _first_line(path, encoding).split(sep)):  # pandas' to_csv default header
        frame, first_line = _read_table(path, encoding=encoding, sep=sep, header=None, skiprows=1, text=[0]), 2
        described += "; line 1 skipped: a header (column numbers), not a series"
    series, labels, _, _ = parse_frame(
        frame,
        layout="wide",
        label=0,
        values=list(frame.columns[1:]),
        missing=missing,
        where=(f"{where} line", first_line),
    )
    return series, labels, None, described


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as handle:
        return handle.readline().lstrip("\ufeff").rstrip("\r\n")


def _reads_as_column_numbers(frame, cells: list[str]) -> bool:
    """Whether a UCR table's first line (``cells``, as written) is the header ``DataFrame.to_csv`` writes for
    unnamed columns: after its first cell the integers 0, 1, 2, ... or 1, 2, 3, ..., written as integers, and a
    first cell that is no class (the line goes on counting, as in ``0,1,2,...``, or its text, such as ``label``,
    begins no other line). A series of measurements rising by 1 a step is kept."""
    import pandas as pd

    if not all(re.fullmatch(r"\d+", cell.strip()) for cell in cells[1:]):
        return False
    values = pd.to_numeric(frame.iloc[0, 1:], errors="coerce").to_numpy(np.float64)
    if len(values) < 3 or np.isnan(values).any() or values[0] not in (0.0, 1.0) or np.any(np.diff(values) != 1.0):
        return False
    first = frame.iloc[0, 0]
    number = pd.to_numeric(pd.Series([first]), errors="coerce").iloc[0]
    if not np.isnan(number):
        return bool(number == values[0] - 1.0)
    return not (frame.iloc[1:, 0].astype(str).str.strip() == str(first).strip()).any()


def _read_project(path: Path, options: dict):
    from .project_csv import load_project_csv

    label = options.pop("label", "Label_multi")
    x, y, class_names = _guard_archive(path, lambda: load_project_csv(path, label=label))
    series = [s.astype(np.float64) for s in x]
    return series, [class_names[i] for i in y], None, f"{path.name}: the study's CSV, labels from {label}"


def _guard_archive(path: Path, read):
    import lzma

    try:
        return read()
    except (lzma.LZMAError, EOFError, zlib.error) as err:
        raise ValueError(f"{path.name} is a corrupt or truncated archive: {err}") from None


def _read_npz(path: Path, options: dict, missing: str):
    channels = options.pop("channels", "auto")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except ValueError as err:  # object arrays need pickle, which is never used for files
        raise ValueError(
            f"{path.name}: {err}; store equal-length numeric arrays (ragged series: use tk.data.from_arrays "
            "with a list, then .save())"
        ) from None
    except (OSError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"{path.name} is not a readable .npz file: {err}") from None
    missing_keys = [k for k in ("x", "y") if k not in arrays]
    if missing_keys or (("x_test" in arrays) != ("y_test" in arrays)):
        raise ValueError(
            f"{path.name} holds arrays {sorted(arrays)}; a dataset .npz needs 'x' and 'y', and optionally both "
            "'x_test' and 'y_test'"
        )
    series, axis, note = as_series_list(arrays["x"], name=f"{path.name}: x", channels=channels, missing=missing)
    labels = as_labels(arrays["y"], len(series), name=f"{path.name}: y")
    splits = None
    if "x_test" in arrays:
        test, _, _ = as_series_list(arrays["x_test"], name=f"{path.name}: x_test", channels=axis, missing=missing)
        labels += as_labels(arrays["y_test"], len(test), name=f"{path.name}: y_test")
        splits = ["train"] * len(series) + ["test"] * len(test)
        series += test
    return series, labels, splits, note


def _mac_resource(member: str) -> bool:
    return member.startswith("__MACOSX/") or "/__MACOSX/" in member or Path(member).name.startswith("._")


def _read_zip(path: Path, **kwargs) -> ImportedDataset:
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            # macOS's Finder adds __MACOSX/._NAME copies (resource forks, not data) to every archive it makes
            members = [m for m in archive.namelist() if not m.endswith("/") and not _mac_resource(m)]
            train = [m for m in members if re.search(r"_TRAIN\.(ts|arff|tsv|csv)$", m, re.IGNORECASE)]
            if not train:
                raise ValueError(f"{path.name} holds no NAME_TRAIN.ts/.arff/.tsv/.csv file; members: {members[:10]}")
            stems = sorted({re.sub(r"_train\.\w+$", "", m.lower()) for m in train})
            if len(stems) > 1:
                raise ValueError(
                    f"{path.name} holds {len(stems)} datasets ({train[:6]}); extract the one to use "
                    "and pass its NAME_TRAIN file to load_file"
                )
            train = sorted(train, key=lambda m: [".ts", ".arff", ".tsv", ".csv"].index(Path(m).suffix.lower()))[0]
            test = [m for m in members if m.lower() == re.sub(r"_train(\.\w+)$", r"_test\1", train.lower())]
            for member in [train, *test]:
                archive.extract(member, tmp)
            kwargs.setdefault("name", Path(train).name.rsplit("_", 1)[0])
            return load_file(Path(tmp) / train, **kwargs)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise ValueError(f"{path.name} is a corrupt or truncated .zip archive: {err}") from None


def load_file(
    path,
    *,
    name: str | None = None,
    test_size: float = 0.3,
    seed: int = 0,
    missing: str = "raise",
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
    encoding: str = "utf-8",
    **layout,
) -> ImportedDataset:
    """Read a labelled dataset from a file at any path.

    Example::

        data = tk.data.load_file("recordings.csv", series="id", time="t", label="activity")
        data = tk.data.load_file("Coffee_TRAIN.tsv")     # picks up Coffee_TEST.tsv beside it

    What is read (:data:`FILE_TYPES`): ``.ts`` and ``.arff`` (with aeon), UCR ``.tsv``/``.csv``
    (a row per series, label first, no header; empty trailing cells make a series shorter),
    ``.csv`` tables with a header when layout options are given (see :func:`from_dataframe`),
    ``.npz`` (arrays ``x``, ``y`` and optionally ``x_test``, ``y_test``; read like
    :func:`from_arrays`), the study's CSV (a ``.csv`` whose header starts with ``ID_TimeSeries``,
    or its ``.tar.xz``) and a ``.zip`` holding such files. A file named ``NAME_TRAIN.ext`` with
    ``NAME_TEST.ext`` beside it gives the official split (either name may be given); otherwise
    a stratified split is drawn with ``test_size`` and ``seed``.

    Args:
        path: the file.
        name: the dataset's name (default: the file name without ``_TRAIN`` and the extension).
        layout: options for tables: ``series``, ``label``, ``time``, ``values``, ``layout``
            (``"long"``/``"wide"``), ``split`` (see :func:`from_dataframe`) and ``sep`` (the
            separator); ``channels`` for ``.npz``; ``label`` (``Label_multi``/``Label_binary``)
            for the study's CSV.
        test_size, seed, missing, standardize, variable_length, max_length: as in :func:`from_arrays`.
        encoding: the text encoding of ``.tsv``/``.csv`` files.

    Raises:
        FileNotFoundError: no such file. ValueError: an unknown file type (the message lists the
        allowed ones), a corrupt archive, another encoding, or bad content (naming file, line or
        series, and column).
    """
    check_missing(missing)
    check_length_options(variable_length, max_length)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    kind = _kind(path)
    allowed = set(LAYOUT_OPTIONS)
    unknown = sorted(set(layout) - allowed)
    if unknown:
        raise TypeError(f"load_file() got unknown option(s) {unknown}; layout options are {sorted(allowed)}")
    options = dict(test_size=test_size, seed=seed, standardize=standardize)
    options.update(variable_length=variable_length, max_length=max_length)
    if kind == ".zip":
        return _read_zip(path, name=name, missing=missing, encoding=encoding, **options, **layout)
    if kind == ".tar.xz":
        series, labels, splits, note = _read_project(path, dict(layout))
        return build_dataset(name or path.name[: -len(kind)], series, labels, notes=[note], **options)
    train_path, test_path, stem = _pair(path, kind)
    series, labels, splits, note = _read_part(train_path, kind, dict(layout), missing, encoding)
    notes = [note]
    test = test_labels = None
    if test_path is not None:
        test_layout = _test_layout(train_path, test_path, kind, dict(layout), encoding)
        test, test_labels, _, test_note = _read_part(test_path, kind, test_layout, missing, encoding)
        notes.append(f"test split: {test_path.name}")
    elif splits is not None:
        series, labels, test, test_labels = split_by_column(series, labels, splits, "the split")
    return build_dataset(name or stem, series, labels, test, test_labels, notes=notes, **options)
