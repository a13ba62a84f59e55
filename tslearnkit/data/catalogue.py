"""What can be loaded (aeon's shipped sets, the download cache, the study's CSV) and
:func:`load_dataset`, the one entry point."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np

from ..checks import encode_labels
from .container import TimeSeriesDataset
from .imported import check_length_options, equalise
from .preprocess import MAX_LENGTH, standardize
from .project_csv import PROJECT_DATASET, _find_project_file, _load_project_dataset

__all__ = ["DEFAULT_DATASET", "AEON_EXTRA", "list_datasets", "load_dataset"]

DEFAULT_DATASET = "JapaneseVowels"
ARCHIVE_HOST = "timeseriesclassification.com"


# --------------------------------------------------------------------------- catalogue
# aeon (the shipped datasets, the .ts reader, the archive downloader) is the kit's `aeon` extra.
AEON_EXTRA = (
    "aeon, an optional dependency of tslearnkit: pip install 'tslearnkit[aeon]' "
    "(on Colab the lessons' install cell installs it)"
)


def _import_aeon_datasets(what: str):
    """``aeon.datasets``, or an ImportError saying what needed it and how to install it."""
    try:
        import aeon.datasets
    except ImportError as err:
        raise ImportError(f"{what} needs {AEON_EXTRA}; importing aeon failed: {err}") from err
    return aeon.datasets


def _aeon_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("aeon") is not None


def _aeon_data_dir() -> Path:
    datasets = _import_aeon_datasets("loading the datasets aeon ships (JapaneseVowels, ...)")
    return Path(datasets.__file__).parent / "data"


def _has_class_labels(path: Path) -> bool:
    """Whether a ``.ts`` file's header declares class labels (``@classLabel true``); regression
    sets (``@targetLabel``) have none."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            words = line.strip().lower().split()
            if words[:2] == ["@classlabel", "true"]:
                return True
            if words and words[0] == "@data":
                return False
    return False


def _offline_names() -> list[str]:
    """Classification datasets shipped inside aeon (its regression sets are left out); none without aeon."""
    if not _aeon_installed():
        return []
    root = _aeon_data_dir()
    return sorted(
        d.name
        for d in root.iterdir()
        if (d / f"{d.name}_TRAIN.ts").is_file()
        and (d / f"{d.name}_TEST.ts").is_file()
        and _has_class_labels(d / f"{d.name}_TRAIN.ts")
    )


def _cache_dir(data_dir) -> Path:
    if data_dir is not None:
        return Path(data_dir)
    return Path(os.environ.get("TSLEARNKIT_DATA", Path.home() / ".cache" / "tslearnkit"))


def list_datasets(data_dir=None) -> dict[str, list[str]]:
    """What :func:`load_dataset` can load right now.

    Returns:
        ``{"offline": [...], "cached": [...], "project": [...], "saved": [...], "download": [...]}``:
        datasets shipped with aeon, UCR/UEA datasets already cached under ``data_dir``, the study's
        CSV if present in ``dataset/``, your own datasets saved with :func:`register` /
        ``dataset.save(name)`` (under ``data_dir/saved``), and a one-line hint on how to get any
        other archive name. A file path (``.ts``, ``.csv``, ...) loads too, see :func:`load_file`.
    """
    from .registry import saved_names

    cache = _cache_dir(data_dir)
    cached = (
        sorted(
            d.name
            for d in cache.glob("*")
            if d.is_dir() and (d / f"{d.name}_TRAIN.ts").is_file() and _has_class_labels(d / f"{d.name}_TRAIN.ts")
        )
        if cache.is_dir()
        else []
    )
    project = [PROJECT_DATASET] if _find_project_file(None, required=False) else []
    return {
        "offline": _offline_names(),
        "cached": cached,
        "project": project,
        "saved": saved_names(data_dir),
        "download": [f"any UCR/UEA archive name, e.g. load_dataset('NATOPS', download=True) (cached under {cache})"],
    }


# --------------------------------------------------------------------------- .ts files
def _read_ts(path: Path, *, check_finite: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
    """Read one ``.ts`` file into a list of ``(timesteps, channels)`` arrays and raw labels.

    ``check_finite=False`` leaves NaN (the file's ``?``) in place for the caller's ``missing`` rule.
    """
    load_from_ts_file = _import_aeon_datasets("reading .ts files").load_from_ts_file
    if not path.is_file():
        raise FileNotFoundError(f"no such .ts file: {path}")
    try:
        x, y = load_from_ts_file(str(path))
    except UnicodeDecodeError as err:
        raise ValueError(f"{path.name} is not UTF-8 text (offset {err.start}); save it as UTF-8") from None
    except Exception as err:  # aeon raises several types for malformed files
        raise ValueError(f"cannot parse {path.name} as a .ts file: {err}") from err
    if y is None or not _has_class_labels(path):
        raise ValueError(
            f"{path.name} has no class labels (its header has no '@classLabel true': a regression or "
            "unlabelled dataset); tslearnkit needs classification data, see list_datasets()"
        )
    series = [np.asarray(s, np.float64).T for s in x]  # aeon is channels-first
    for i, s in enumerate(series):
        if check_finite and not np.isfinite(s).all():
            raise ValueError(f"{path.name}: series {i} contains NaN or missing values; tslearnkit does not impute")
    return series, np.asarray(y)


def _from_split_files(
    name: str, train_path: Path, test_path: Path, standardize_: bool, variable_length: str, max_length
):
    train_series, train_raw = _read_ts(train_path)
    test_series, test_raw = _read_ts(test_path)
    y_train, y_test, class_names = encode_labels(train_raw, test_raw)
    if standardize_:
        train_series, test_series, _ = standardize(train_series, test_series)
    x_train, x_test = equalise(train_series, test_series, variable_length=variable_length, max_length=max_length)
    return TimeSeriesDataset(
        name=name, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, class_names=class_names
    )


def _network_available(host: str = ARCHIVE_HOST, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _download_archive(name: str, cache: Path) -> None:
    if not _network_available():
        raise ConnectionError(
            f"cannot download {name!r}: {ARCHIVE_HOST} is not reachable (no network?). "
            f"Datasets that load offline: {', '.join(_offline_names())}"
        )
    load_classification = _import_aeon_datasets("downloading UCR/UEA datasets").load_classification
    cache.mkdir(parents=True, exist_ok=True)
    try:
        load_classification(name, extract_path=str(cache))
    except Exception as err:
        raise ValueError(
            f"could not download UCR/UEA dataset {name!r}: {err}. Check the name against "
            "the archive's list; names are case-sensitive."
        ) from err


# --------------------------------------------------------------------------- entry point
def _is_path(name: str) -> bool:
    """Whether ``load_dataset``'s name is a file path: it has a folder part or a known file ending
    (dataset names never contain ``/`` or ``.``)."""
    from .files import FILE_TYPES

    return "/" in name or os.sep in name or name.lower().endswith(tuple(FILE_TYPES))


def load_dataset(
    name: str = DEFAULT_DATASET,
    *,
    data_dir=None,
    download: bool = False,
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
    label: str | None = None,
    test_size: float | None = None,
    seed: int = 0,
    **file_options,
) -> TimeSeriesDataset:
    """Load a dataset by name, or from a file path.

    Args:
        name: an offline name from ``list_datasets()["offline"]`` (default JapaneseVowels), a
            UCR/UEA archive name already cached or fetched with ``download=True``, ``"project"``
            for the study's CSV in ``dataset/`` (or in ``$TSLEARNKIT_PROJECT_DIR``), a dataset
            you saved with :func:`register` / ``dataset.save(name)`` (``list_datasets()["saved"]``),
            or a path to a file :func:`load_file` reads (``.ts``, ``.arff``, UCR ``.tsv``/``.csv``,
            ``.npz``, ...; a relative path is taken from the current folder).
        data_dir: cache folder for downloads and saved datasets (default ``$TSLEARNKIT_DATA`` or
            ``~/.cache/tslearnkit``); for ``"project"``, the folder holding the CSV/``.tar.xz``.
        download: allow fetching a UCR/UEA dataset that is neither shipped nor cached.
        standardize: per-channel standardisation with training statistics (recommended).
        variable_length: how series of different lengths become one array: ``"resample"``
            (default; each series stretched to the longest *training* length by linear
            interpolation, see :func:`resample_series`) or ``"pad"`` (repeat the last value to
            the longest series of either split, see :func:`pad_series`). Equal-length datasets
            are unaffected.
        max_length: series longer than this many steps are reduced by piecewise aggregate
            approximation (:func:`downsample_series`; default :data:`MAX_LENGTH`); ``None``
            keeps every step.
        label: for ``"project"``, the label column (``Label_multi``, the default, or ``Label_binary``); for
            a file path, passed to :func:`load_file` (the label column of a table with a header).
        test_size: the stratified test fraction where a dataset has no split of its own:
            ``"project"`` (default 0.25) and files without a ``_TEST`` twin (default 0.3, as
            :func:`load_file`). A saved dataset keeps the split it was saved with.
        seed: the seed of that split.
        file_options: for a file path only, :func:`load_file`'s other options (``missing``, ``channels``,
            ``series``, ``time``, ``layout``, ``sep``, ...), so that the advice of its errors works here too.

    Returns:
        A :class:`TimeSeriesDataset` with ``float32`` ``(n, t, c)`` series and ``int64`` labels.

    Raises:
        ValueError: unknown name; FileNotFoundError: missing project file or file path;
        ConnectionError: ``download=True`` without network.
    """
    if not isinstance(name, (str, os.PathLike)) or not str(name):
        raise ValueError(f"dataset name must be a non-empty string or a file path; got {name!r}")
    name = os.fspath(name)
    check_length_options(variable_length, max_length)
    if file_options:
        from .files import LAYOUT_OPTIONS

        known = ("missing", "encoding", *LAYOUT_OPTIONS)
        unknown = sorted(set(file_options) - set(known))
        if unknown:  # a typo (standardise=...), or load_file's name=, which load_dataset's own name takes
            raise TypeError(
                f"load_dataset() got unknown argument(s) {unknown}; besides its own it takes, for a file path, "
                f"load_file's {sorted(known)}"
            )
        if not _is_path(name):
            raise ValueError(
                f"{sorted(file_options)}: options of tk.data.load_file, which apply to a file path only; "
                f"{name!r} is not one"
            )
    if label is not None and not (name == PROJECT_DATASET or _is_path(name)):
        raise ValueError(f"label={label!r} applies to 'project' and to file paths; dataset {name!r} has its own labels")
    if name == PROJECT_DATASET:
        import lzma

        try:
            split = 0.25 if test_size is None else test_size
            return _load_project_dataset(data_dir, label or "Label_multi", split, seed, standardize)
        except lzma.LZMAError as err:  # a corrupt .tar.xz: the tar layer lets it through
            raise ValueError(f"{PROJECT_DATASET!r}: the .tar.xz archive is corrupt ({err}); copy it again") from None
    lengths = dict(standardize=standardize, variable_length=variable_length, max_length=max_length)
    if _is_path(name):
        from .files import load_file

        if label is not None:
            file_options["label"] = label
        return load_file(name, test_size=0.3 if test_size is None else test_size, seed=seed, **lengths, **file_options)

    offline = _offline_names()
    if name in offline or (_aeon_installed() and (_aeon_data_dir() / name / f"{name}_TRAIN.ts").is_file()):
        folder = _aeon_data_dir() / name
        return _from_split_files(
            name, folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts", standardize, variable_length, max_length
        )
    from .registry import load_saved, saved_names

    saved = saved_names(data_dir)
    if name in saved:
        return load_saved(name, data_dir=data_dir, **lengths)

    cache = _cache_dir(data_dir)
    folder = cache / name
    train_path, test_path = folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts"
    if not (train_path.is_file() and test_path.is_file()):
        if not _aeon_installed():  # the shipped sets, the .ts reader and the downloader are aeon's
            raise ImportError(
                f"dataset {name!r} is not one you saved; aeon's shipped datasets, UCR/UEA downloads and "
                f".ts files need {AEON_EXTRA}"
            )
        if not download:
            close = [o for o in (*offline, *saved) if o.lower() == name.lower()]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            mine = f"saved datasets: {', '.join(saved)}; " if saved else ""
            raise ValueError(
                f"unknown dataset {name!r}: not shipped offline and not cached in {cache}.{hint} "
                f"Offline datasets: {', '.join(offline)}; 'project' reads the study's CSV; {mine}"
                "any other UCR/UEA name loads with download=True; a file path (.ts, .csv, .tsv, .arff, .npz) "
                "loads from the file; your own data: tk.data.from_arrays / from_dataframe, then .save(name)."
            )
        _download_archive(name, cache)
    return _from_split_files(name, train_path, test_path, standardize, variable_length, max_length)
