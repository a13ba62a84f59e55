"""What can be loaded (aeon's shipped sets, the download cache, the study's CSV) and
:func:`load_dataset`, the one entry point."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np

from .checks import _encode_labels
from .container import TimeSeriesDataset
from .preprocess import MAX_LENGTH, VARIABLE_LENGTH, downsample_series, pad_series, resample_series, standardize
from .project_csv import PROJECT_DATASET, _find_project_file, _load_project_dataset

__all__ = ["DEFAULT_DATASET", "list_datasets", "load_dataset"]

DEFAULT_DATASET = "JapaneseVowels"
ARCHIVE_HOST = "timeseriesclassification.com"


# --------------------------------------------------------------------------- catalogue
def _aeon_data_dir() -> Path:
    try:
        import aeon.datasets
    except ImportError as err:  # pragma: no cover - aeon is a hard dependency
        raise ImportError("tslearnkit needs the 'aeon' package: pip install aeon") from err
    return Path(aeon.datasets.__file__).parent / "data"


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
    """Classification datasets shipped inside aeon (its regression sets are left out)."""
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
        ``{"offline": [...], "cached": [...], "project": [...], "download": [...]}``: datasets
        shipped with aeon, UCR/UEA datasets already cached under ``data_dir``, the study's CSV
        if present in ``dataset/``, and a one-line hint on how to get any other archive name.
    """
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
        "download": [f"any UCR/UEA archive name, e.g. load_dataset('NATOPS', download=True) (cached under {cache})"],
    }


# --------------------------------------------------------------------------- .ts files
def _read_ts(path: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """Read one ``.ts`` file into a list of ``(timesteps, channels)`` arrays and raw labels."""
    from aeon.datasets import load_from_ts_file

    if not path.is_file():
        raise FileNotFoundError(f"no such .ts file: {path}")
    try:
        x, y = load_from_ts_file(str(path))
    except Exception as err:  # aeon raises several types for malformed files
        raise ValueError(f"cannot parse {path.name} as a .ts file: {err}") from err
    if y is None or not _has_class_labels(path):
        raise ValueError(
            f"{path.name} has no class labels (its header has no '@classLabel true': a regression or "
            "unlabelled dataset); tslearnkit needs classification data, see list_datasets()"
        )
    series = [np.asarray(s, np.float64).T for s in x]  # aeon is channels-first
    for i, s in enumerate(series):
        if not np.isfinite(s).all():
            raise ValueError(f"{path.name}: series {i} contains NaN or missing values; tslearnkit does not impute")
    return series, np.asarray(y)


def _from_split_files(
    name: str, train_path: Path, test_path: Path, standardize_: bool, variable_length: str, max_length
):
    train_series, train_raw = _read_ts(train_path)
    test_series, test_raw = _read_ts(test_path)
    y_train, y_test, class_names = _encode_labels(train_raw, test_raw)
    if standardize_:
        train_series, test_series, _ = standardize(train_series, test_series)
    if variable_length == "resample":  # the length is chosen from the training split alone
        length, equalise = max(len(s) for s in train_series), resample_series
    else:  # padding never cuts a series: the longest of either split (a shape, not a statistic)
        length, equalise = max(max(len(s) for s in train_series), max(len(s) for s in test_series)), pad_series
    x_train, x_test = equalise(train_series, length), equalise(test_series, length)
    if max_length is not None:
        x_train, x_test = downsample_series(x_train, max_length), downsample_series(x_test, max_length)
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
    from aeon.datasets import load_classification

    cache.mkdir(parents=True, exist_ok=True)
    try:
        load_classification(name, extract_path=str(cache))
    except Exception as err:
        raise ValueError(
            f"could not download UCR/UEA dataset {name!r}: {err}. Check the name against "
            "the archive's list; names are case-sensitive."
        ) from err


# --------------------------------------------------------------------------- entry point
def load_dataset(
    name: str = DEFAULT_DATASET,
    *,
    data_dir=None,
    download: bool = False,
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
    label: str = "Label_multi",
    test_size: float = 0.25,
    seed: int = 0,
) -> TimeSeriesDataset:
    """Load a dataset by name.

    Args:
        name: an offline name from ``list_datasets()["offline"]`` (default JapaneseVowels), a
            UCR/UEA archive name already cached or fetched with ``download=True``, or
            ``"project"`` for the study's CSV in ``dataset/`` (or in ``$TSLEARNKIT_PROJECT_DIR``).
        data_dir: cache folder for downloads (default ``$TSLEARNKIT_DATA`` or
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
        label: for ``"project"`` only, the label column (``Label_multi`` or ``Label_binary``).
        test_size: for ``"project"`` only (it has no official split): stratified test fraction.
        seed: for ``"project"`` only, the seed of that split.

    Returns:
        A :class:`TimeSeriesDataset` with ``float32`` ``(n, t, c)`` series and ``int64`` labels.

    Raises:
        ValueError: unknown name; FileNotFoundError: missing project file;
        ConnectionError: ``download=True`` without network.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"dataset name must be a non-empty string; got {name!r}")
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 8
    ):
        raise ValueError(f"max_length must be None (keep every step) or an integer >= 8; got {max_length!r}")
    if variable_length not in VARIABLE_LENGTH:
        raise ValueError(f"variable_length must be one of {list(VARIABLE_LENGTH)}; got {variable_length!r}")
    if name == PROJECT_DATASET:
        return _load_project_dataset(data_dir, label, test_size, seed, standardize)

    offline = _offline_names()
    if name in offline or (_aeon_data_dir() / name / f"{name}_TRAIN.ts").is_file():
        folder = _aeon_data_dir() / name
        return _from_split_files(
            name, folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts", standardize, variable_length, max_length
        )

    cache = _cache_dir(data_dir)
    folder = cache / name
    train_path, test_path = folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts"
    if not (train_path.is_file() and test_path.is_file()):
        if not download:
            close = [o for o in offline if o.lower() == name.lower()]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"unknown dataset {name!r}: not shipped offline and not cached in {cache}.{hint} "
                f"Offline datasets: {', '.join(offline)}; 'project' reads the study's CSV; "
                "any other UCR/UEA name loads with download=True."
            )
        _download_archive(name, cache)
    return _from_split_files(name, train_path, test_path, standardize, variable_length, max_length)
