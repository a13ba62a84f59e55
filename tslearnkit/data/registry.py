"""Saved datasets: :func:`register` (or ``dataset.save(name)``) writes a dataset into the kit's data
folder so that :func:`load_dataset`, :func:`list_datasets`, a lesson's ``dataset = "name"`` and
``tslearnkit run --dataset name`` find it.

Where: ``<data folder>/saved/<name>.npz``, the data folder being ``data_dir`` when given, else
``$TSLEARNKIT_DATA``, else ``~/.cache/tslearnkit`` (the download cache of
:func:`load_dataset`). A batch of lessons finds the same folder through the environment variable.

What: the series and labels *as given* (raw values, unequal lengths kept) and the split, for
datasets built by ``from_arrays``/``from_dataframe``/``load_file``/``sliding_windows``; every
load re-applies :func:`load_dataset`'s rules with its own arguments (``standardize=False`` gives
the raw values back). Any other :class:`TimeSeriesDataset` is saved as its arrays. The file is
written to a temporary name and renamed, so a failed save leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np

from .container import TimeSeriesDataset
from .imported import ImportedDataset, RawSplit, build_dataset
from .preprocess import MAX_LENGTH

__all__ = ["register", "unregister", "saved_names", "saved_dir", "SAVED_FOLDER"]

SAVED_FOLDER = "saved"
FORMAT = "tslearnkit-saved-dataset-1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_REBUILT = ("lengths ", "standardised ", "not standardised", "test split: given")


def saved_dir(data_dir=None) -> Path:
    """The folder of saved datasets (see the module's docstring)."""
    from .catalogue import _cache_dir

    return _cache_dir(data_dir) / SAVED_FOLDER


def saved_names(data_dir=None) -> list[str]:
    """Names of the saved datasets, sorted."""
    folder = saved_dir(data_dir)
    return sorted(p.name[: -len(".npz")] for p in folder.glob("*.npz")) if folder.is_dir() else []


def _check_name(name, data_dir) -> None:
    from .catalogue import _cache_dir, _offline_names
    from .project_csv import PROJECT_DATASET

    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"a saved dataset's name must be 1-64 letters, digits, '_' or '-' (starting with a letter or digit); "
            f"got {name!r}"
        )
    cache = _cache_dir(data_dir)
    archives = [d.name for d in cache.glob("*") if d.is_dir() and d.name != SAVED_FOLDER] if cache.is_dir() else []
    for builtin in (PROJECT_DATASET, *_offline_names(), *archives):
        if name.lower() == builtin.lower():
            raise ValueError(
                f"{name!r} is already the name of a built-in or downloaded dataset ({builtin!r}); choose another name"
            )


def _raw(dataset: TimeSeriesDataset) -> RawSplit:
    source = getattr(dataset, "source", None)
    if source is not None:
        return source
    names = dataset.class_names
    return RawSplit(
        tuple(np.asarray(s, np.float64) for s in dataset.x_train),
        tuple(names[i] for i in dataset.y_train),
        tuple(np.asarray(s, np.float64) for s in dataset.x_test),
        tuple(names[i] for i in dataset.y_test),
    )


def register(dataset: TimeSeriesDataset, name: str | None = None, *, data_dir=None, overwrite: bool = False) -> Path:
    """Save ``dataset`` under ``name`` (default: ``dataset.name``) for :func:`load_dataset` and the lessons.

    Example::

        tk.data.register(tk.data.from_dataframe(df, series="id", label="y"), "mydata")
        tk.data.load_dataset("mydata")       # and dataset = "mydata" in any lesson

    Args:
        dataset: a :class:`TimeSeriesDataset` (raw values are kept for one built from your own data).
        name: 1-64 letters, digits, ``_`` or ``-``; never a built-in, ``"project"`` or a downloaded
            archive's name (compared ignoring case).
        data_dir: the data folder (default ``$TSLEARNKIT_DATA`` or ``~/.cache/tslearnkit``).
        overwrite: replace a saved dataset of the same name (otherwise that is an error).

    Returns:
        The path of the written file.
    """
    if not isinstance(dataset, TimeSeriesDataset):
        raise TypeError(f"dataset must be a TimeSeriesDataset (e.g. from tk.data.from_arrays); got {type(dataset)}")
    name = dataset.name if name is None else name
    _check_name(name, data_dir)
    folder = saved_dir(data_dir)
    target = folder / f"{name}.npz"
    if target.exists() and not overwrite:
        raise ValueError(f"a saved dataset {name!r} exists ({target}); pass overwrite=True to replace it")
    raw = _raw(dataset)
    arrays = {"format": np.array(FORMAT), "notes": np.array(getattr(dataset, "notes", ""))}
    for split, series, labels in (("train", raw.train, raw.y_train), ("test", raw.test, raw.y_test)):
        arrays[f"{split}_values"] = np.concatenate([np.asarray(s, np.float64) for s in series])
        arrays[f"{split}_lengths"] = np.array([len(s) for s in series], np.int64)
        arrays[f"{split}_labels"] = np.array(labels, dtype=str)
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            np.savez(handle, **arrays)
        os.replace(handle.name, target)  # atomic: the name holds the old file or the whole new one
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def unregister(name: str, *, data_dir=None) -> None:
    """Delete the saved dataset ``name``."""
    target = saved_dir(data_dir) / f"{name}.npz"
    if not (isinstance(name, str) and _NAME.match(name) and target.is_file()):
        raise ValueError(f"no saved dataset {name!r}; saved: {saved_names(data_dir)}")
    target.unlink()


def load_saved(
    name: str,
    *,
    data_dir=None,
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
) -> ImportedDataset:
    """Read a saved dataset and apply the length and standardisation rules (used by :func:`load_dataset`)."""
    path = saved_dir(data_dir) / f"{name}.npz"
    try:
        with np.load(path, allow_pickle=False) as archive:
            stored = {k: archive[k] for k in archive.files}
        if str(stored.get("format")) != FORMAT:
            raise ValueError(f"not a tslearnkit saved dataset (format {stored.get('format')!r})")
        parts = {}
        for split in ("train", "test"):
            bounds = np.cumsum(stored[f"{split}_lengths"])[:-1]
            parts[split] = list(np.split(stored[f"{split}_values"], bounds))
            parts[f"y_{split}"] = [str(v) for v in stored[f"{split}_labels"]]
    except (OSError, ValueError, KeyError) as err:
        raise ValueError(f"saved dataset {name!r} ({path}) cannot be read: {err}; save it again") from None
    notes = [f"saved dataset read from {path}"]
    notes += [
        line
        for line in str(stored["notes"]).splitlines()
        if not line.startswith(_REBUILT) and "piecewise aggregate" not in line
    ]
    dataset = build_dataset(
        name,
        parts["train"],
        parts["y_train"],
        parts["test"],
        parts["y_test"],
        standardize=standardize,
        variable_length=variable_length,
        max_length=max_length,
        notes=notes,
    )
    if any(line.startswith("test split: drawn") for line in notes):  # the stored line says how it was made
        kept = [line for line in dataset.notes.splitlines() if not line.startswith("test split: given")]
        dataset = dataset.replace(notes="\n".join(kept))
    return dataset
