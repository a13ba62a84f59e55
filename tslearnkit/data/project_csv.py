"""The study's CSV layout: one row per channel, ``;``-separated values."""

from __future__ import annotations

import io
import lzma
import os
import tarfile
import zlib
from pathlib import Path

import numpy as np

from ..checks import encode_labels, is_int  # noqa: F401
from .container import TimeSeriesDataset
from .preprocess import standardize
from .splits import stratified_split

__all__ = ["load_project_csv", "PROJECT_DATASET"]

PROJECT_DATASET = "project"
PROJECT_FILE_STEM = "project_dataset"
PROJECT_COLUMNS = ("ID_TimeSeries", "Values", "Label_multi", "Label_binary")
PROJECT_LABEL_COLUMNS = ("Label_multi", "Label_binary")


# --------------------------------------------------------------------------- study CSV
def _find_project_file(data_dir, *, required: bool = True) -> Path | None:
    if data_dir is not None:
        folders = [Path(data_dir)]
    else:  # $TSLEARNKIT_PROJECT_DIR lets a batch run point every lesson at a CSV elsewhere
        env = os.environ.get("TSLEARNKIT_PROJECT_DIR")
        folders = ([Path(env)] if env else []) + [Path("dataset"), Path("../dataset")]
    for folder in folders:
        for candidate in (f"{PROJECT_FILE_STEM}.csv", f"{PROJECT_FILE_STEM}.tar.xz"):
            if (folder / candidate).is_file():
                return folder / candidate
    if required:
        where = ", ".join(str(f.resolve()) for f in folders)
        raise FileNotFoundError(
            f"no {PROJECT_FILE_STEM}.csv or {PROJECT_FILE_STEM}.tar.xz in {where}. The study's "
            "data are private: put the file in dataset/ (see dataset/README.md) or pass data_dir."
        )
    return None


def _load_project_dataset(data_dir, label, test_size, seed, standardize_):
    x, y, class_names = load_project_csv(_find_project_file(data_dir), label=label)
    x_train, y_train, x_test, y_test = stratified_split(x, y, test_size, seed=seed)
    if standardize_:
        x_train, x_test, _ = standardize(x_train, x_test)
    return TimeSeriesDataset(PROJECT_DATASET, x_train, y_train, x_test, y_test, class_names)


def _read_csv_text(path: Path) -> str:
    if path.name.endswith((".tar.xz", ".txz", ".tar")):
        try:
            with tarfile.open(path) as archive:
                members = [m for m in archive.getmembers() if m.name.endswith(".csv")]
                if not members:
                    raise ValueError(f"{path.name} holds no .csv file")
                raw = archive.extractfile(members[0]).read()
                try:
                    return raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise ValueError(
                        f"{path.name}: {members[0].name} is not UTF-8 text (offset {err.start}); save it as UTF-8"
                    ) from None
        except (lzma.LZMAError, zlib.error) as err:  # damaged data past the header that tarfile.open checks
            raise ValueError(f"{path.name} is a corrupt or truncated archive: {err}; copy it again") from None
        except (tarfile.TarError, EOFError, OSError) as err:
            raise ValueError(f"{path.name} is not a readable .tar.xz archive: {err}") from err
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None


def load_project_csv(path, label: str = "Label_multi", *, channels: int = 4):
    """Read the study's CSV (or a ``.tar.xz`` holding it) into arrays.

    The layout: columns ``ID_TimeSeries``, ``Values`` (``;``-separated floats), ``Label_multi``
    and ``Label_binary``; each series spans ``channels`` consecutive rows with the same id, one
    row per channel in channel order; every row has the same number of values (1007 in the
    study, giving ``(n, 1007, 4)``).

    An id names one series: its rows form one block. An id that appears again after rows of
    another id is *reused* for a second series, and that is an error naming the id and the
    first line of each block (rows cannot be told apart by anything else). Two series with one
    id in adjacent blocks read as one block of ``2 * channels`` rows: a wrong row count.

    Args:
        path: a ``.csv`` or a ``.tar.xz`` archive containing one.
        label: which label column to use: ``"Label_multi"`` or ``"Label_binary"``.
        channels: rows per series.

    Returns:
        ``(x, y, class_names)``: ``float32`` ``(n, timesteps, channels)``, ``int64`` ``(n,)``
        labels in ``0..k-1`` and the original label of each class index.

    Raises:
        FileNotFoundError: no such file. ValueError: wrong label column, missing columns, a row
        with a wrong value count or a non-number, NaN/inf, an id spanning a wrong row count, an
        id reused for a second series, or a corrupt archive (naming the file).
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such project file: {path}")
    if label not in PROJECT_LABEL_COLUMNS:
        raise ValueError(f"label must be one of {list(PROJECT_LABEL_COLUMNS)}; got {label!r}")
    text = _read_csv_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{path.name} is not a readable CSV: {err}") from err
    missing = [c for c in ("ID_TimeSeries", "Values", label) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path.name} lacks column(s) {missing}; found {list(frame.columns)}; expected {list(PROJECT_COLUMNS)}"
        )
    if len(frame) == 0:
        raise ValueError(f"{path.name} has no data rows")

    rows = []
    expected_len = None
    for row_number, text_values in enumerate(frame["Values"], start=2):  # 1 = header line
        parts = text_values.split(";")
        try:
            values = np.array([float(p) for p in parts], np.float64)
        except ValueError:
            bad = next(p for p in parts if not _is_float(p))
            raise ValueError(f"{path.name} line {row_number}: Values has a non-number {bad!r}") from None
        if not np.isfinite(values).all():
            raise ValueError(f"{path.name} line {row_number}: Values contains NaN or inf")
        if expected_len is None:
            expected_len = len(values)
        elif len(values) != expected_len:
            raise ValueError(
                f"{path.name} line {row_number}: Values has {len(values)} numbers, "
                f"expected {expected_len} like the first row"
            )
        rows.append(values)

    ids = frame["ID_TimeSeries"].to_numpy()
    series, labels = [], []
    first_line = {}  # id -> the line its block starts on
    start = 0
    while start < len(ids):
        if ids[start] in first_line:
            raise ValueError(
                f"{path.name}: series id {ids[start]!r} is reused: a series starts at line {first_line[ids[start]]} "
                f"and another at line {start + 2}, after rows of other ids; give every series its own id"
            )
        first_line[ids[start]] = start + 2
        stop = start
        while stop < len(ids) and ids[stop] == ids[start]:
            stop += 1
        if stop - start != channels:
            twice = stop - start > channels and (stop - start) % channels == 0
            raise ValueError(
                f"{path.name}: series {ids[start]!r} (line {start + 2}) spans {stop - start} "
                f"rows; expected {channels} consecutive rows, one per channel"
                + (f" (one id for {(stop - start) // channels} series in a row?)" if twice else "")
            )
        group_labels = set(frame[label].iloc[start:stop])
        if len(group_labels) != 1:
            raise ValueError(
                f"{path.name}: series {ids[start]!r} has conflicting {label} values {sorted(group_labels)}"
            )
        series.append(np.stack(rows[start:stop], axis=-1))
        labels.append(group_labels.pop())
        start = stop
    if any(lab == "" for lab in labels):
        raise ValueError(f"{path.name}: column {label} has empty values")
    y, _, class_names = encode_labels(np.array(labels))
    return np.stack(series).astype(np.float32), y, class_names


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
