"""Datasets: load real multivariate time series into one small, checked container.

Every loader returns a :class:`TimeSeriesDataset` whose arrays follow the Keras convention:
series are ``float32`` arrays shaped ``(n, timesteps, channels)`` and labels are ``int64``
arrays with values ``0 .. n_classes - 1``; ``class_names[i]`` is the original name of class ``i``.

Where the data come from
    * Offline, with no network: the UCR/UEA classification datasets that ship inside the
      ``aeon`` package (``list_datasets()`` names them). The default, ``JapaneseVowels``, is a
      real multivariate dataset (12 channels, 9 speakers, 270 train / 370 test series).
    * Any other UCR/UEA archive name with ``download=True``: fetched once with aeon's archive
      loader and cached under ``data_dir`` (``~/.cache/tslearnkit`` by default); later loads
      read the cache with no network.
    * ``"project"``: the study's private CSV format (see :func:`load_project_csv`), read from
      ``dataset/`` as ``project_dataset.csv`` or ``project_dataset.tar.xz``.

Variable-length series (JapaneseVowels has 7 to 29 steps) are padded at the *end* by
repeating their last observed value, to the longest length found in either split. The padding
length is a shape decision only; no value of the test split is used to fit anything.
Standardisation statistics are computed from the observed (unpadded) training values only.
"""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import tarfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFAULT_DATASET = "JapaneseVowels"
PROJECT_DATASET = "project"
PROJECT_FILE_STEM = "project_dataset"
PROJECT_COLUMNS = ("ID_TimeSeries", "Values", "Label_multi", "Label_binary")
PROJECT_LABEL_COLUMNS = ("Label_multi", "Label_binary")
ARCHIVE_HOST = "timeseriesclassification.com"

__all__ = [
    "DEFAULT_DATASET",
    "TimeSeriesDataset",
    "ChannelStats",
    "list_datasets",
    "load_dataset",
    "load_project_csv",
    "standardize",
    "stratified_split",
    "stratified_split_indices",
    "pad_series",
    "resample_series",
    "check_series",
    "check_labels",
]


# --------------------------------------------------------------------------- container
@dataclasses.dataclass(frozen=True)
class TimeSeriesDataset:
    """A train/test split of labelled multivariate series.

    Attributes:
        name: dataset name, e.g. ``"JapaneseVowels"``.
        x_train: ``float32`` array ``(n_train, timesteps, channels)``.
        y_train: ``int64`` array ``(n_train,)`` with values in ``0 .. n_classes - 1``.
        x_test: ``float32`` array ``(n_test, timesteps, channels)``.
        y_test: ``int64`` array ``(n_test,)``.
        class_names: original label of each class index.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]

    def __post_init__(self):
        for split in ("train", "test"):
            x = check_series(getattr(self, f"x_{split}"), name=f"x_{split}")
            y = check_labels(getattr(self, f"y_{split}"), len(x), name=f"y_{split}")
            if y.size and (y.min() < 0 or y.max() >= len(self.class_names)):
                raise ValueError(
                    f"y_{split} has labels outside 0..{len(self.class_names) - 1} "
                    f"(there are {len(self.class_names)} class_names)"
                )
            object.__setattr__(self, f"x_{split}", x)
            object.__setattr__(self, f"y_{split}", y)
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise ValueError(
                f"train and test series differ in shape: {self.x_train.shape[1:]} vs "
                f"{self.x_test.shape[1:]} (timesteps, channels)"
            )
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def timesteps(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def channels(self) -> int:
        return int(self.x_train.shape[2])

    def replace(self, **changes) -> TimeSeriesDataset:
        """Return a copy with some fields replaced (the arrays are re-checked)."""
        return dataclasses.replace(self, **changes)

    def summary(self) -> str:
        """A few human-readable lines: shapes, classes and their counts per split."""
        train_counts = np.bincount(self.y_train, minlength=self.n_classes)
        test_counts = np.bincount(self.y_test, minlength=self.n_classes)
        lines = [
            f"{self.name}: {self.n_classes} classes, {self.channels} channels, "
            f"{self.timesteps} timesteps",
            f"  train {self.x_train.shape} {self.x_train.dtype}, test {self.x_test.shape}",
            "  class       train  test",
        ]
        for name, n_tr, n_te in zip(self.class_names, train_counts, test_counts):
            lines.append(f"  {name:<10} {n_tr:>6} {n_te:>5}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"TimeSeriesDataset(name={self.name!r}, train={self.x_train.shape}, "
            f"test={self.x_test.shape}, n_classes={self.n_classes})"
        )


# --------------------------------------------------------------------------- validation
def check_series(x, *, name: str = "x") -> np.ndarray:
    """Validate a batch of series and return it as a ``float32`` array.

    Args:
        x: array-like ``(n, timesteps, channels)``.
        name: how the argument is named in error messages.

    Raises:
        ValueError: not 3-D, empty timesteps/channels, or NaN/inf values.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        hint = " (a univariate batch (n, t) needs x[..., None])" if x.ndim == 2 else ""
        raise ValueError(
            f"{name} must be 3-D (n, timesteps, channels); got shape {x.shape}{hint}"
        )
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name} must be numeric; got dtype {x.dtype}")
    x = x.astype(np.float32, copy=False)
    if x.size and not np.isfinite(x).all():
        bad = np.argwhere(~np.isfinite(x))[0]
        raise ValueError(
            f"{name} contains NaN or inf (first at series {bad[0]}, step {bad[1]}, "
            f"channel {bad[2]}); clean or impute the data first"
        )
    return x


def check_labels(y, n: int | None = None, *, name: str = "y") -> np.ndarray:
    """Validate integer class labels and return them as an ``int64`` vector.

    Raises:
        ValueError: labels that are not integers, not 1-D, or whose count differs from ``n``.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n,); got shape {y.shape}")
    if y.dtype.kind == "f" and y.size and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iub":
        raise ValueError(
            f"{name} must hold integer class indices; got dtype {y.dtype} "
            "(map string labels to integers, e.g. with np.unique(..., return_inverse=True))"
        )
    if n is not None and len(y) != n:
        raise ValueError(f"{name} has {len(y)} labels but there are {n} series")
    return y.astype(np.int64, copy=False)


def _encode_labels(train_labels, test_labels=()) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Map raw labels (strings or integers) to ``0..k-1`` using the training classes."""
    train_labels = np.asarray(train_labels)
    test_labels = np.asarray(test_labels)
    for arr, split in ((train_labels, "train"), (test_labels, "test")):
        if arr.size and arr.dtype.kind not in "iuUSO":
            raise ValueError(
                f"{split} labels must be integers or strings; got dtype {arr.dtype}"
            )
    names = [str(v) for v in np.unique(train_labels.astype(str))]
    if all(_is_int(v) for v in names):
        names.sort(key=int)
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({str(v) for v in test_labels.astype(str)} - set(index))
    if unknown:
        raise ValueError(f"test labels {unknown} do not occur in the training split")
    encode = np.vectorize(lambda v: index[str(v)], otypes=[np.int64])
    y_train = encode(train_labels) if train_labels.size else train_labels.astype(np.int64)
    y_test = encode(test_labels) if test_labels.size else np.zeros(0, np.int64)
    return y_train, y_test, tuple(names)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- preprocessing
@dataclasses.dataclass(frozen=True)
class ChannelStats:
    """Per-channel statistics of a training split: ``mean`` and ``std``, each ``(channels,)``."""

    mean: np.ndarray
    std: np.ndarray

    def apply(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, np.float32) - self.mean) / self.std).astype(np.float32)


def _fit_channel_stats(series: Sequence[np.ndarray]) -> ChannelStats:
    values = np.concatenate([np.asarray(s, np.float64).reshape(-1, s.shape[-1]) for s in series])
    mean = values.mean(axis=0)
    std = values.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)  # a constant channel stays constant instead of inf
    return ChannelStats(mean.astype(np.float32), std.astype(np.float32))


def standardize(x_train, x_test=None, *, stats: ChannelStats | None = None):
    """Per-channel standardisation with statistics from the training split only.

    Every channel is shifted and scaled by the mean and standard deviation of that channel over
    all training series and time steps. Unlike per-series z-normalisation this keeps differences
    in level and scale *between* series (on JapaneseVowels, per-series z-normalisation drops raw
    1-NN accuracy from about 0.92 to 0.56, because the level is what identifies the speaker).

    Args:
        x_train: ``(n, timesteps, channels)`` array, or a list of ``(timesteps_i, channels)``
            arrays for variable-length data (statistics then cover observed steps only).
        x_test: optional array or list shaped like ``x_train``; transformed, never fitted.
        stats: precomputed :class:`ChannelStats`; when given, nothing is fitted.

    Returns:
        ``(x_train_std, x_test_std, stats)``; ``x_test_std`` is ``None`` when ``x_test`` is.
    """
    if stats is None:
        if isinstance(x_train, np.ndarray):
            check_series(x_train, name="x_train")
            stats = _fit_channel_stats(list(x_train))
        else:
            stats = _fit_channel_stats(list(x_train))

    def transform(x):
        if x is None:
            return None
        if isinstance(x, np.ndarray):
            return stats.apply(x)
        return [stats.apply(s) for s in x]

    return transform(x_train), transform(x_test), stats


def pad_series(series: Sequence[np.ndarray], length: int | None = None) -> np.ndarray:
    """Stack variable-length ``(timesteps_i, channels)`` series into ``(n, length, channels)``.

    Shorter series are padded at the end by repeating their last observed value; the default
    ``length`` is the longest series. Longer series raise instead of being silently cut.
    """
    if len(series) == 0:
        raise ValueError("no series to pad")
    channels = {s.shape[-1] for s in series}
    if len(channels) != 1:
        raise ValueError(f"series have different channel counts: {sorted(channels)}")
    longest = max(len(s) for s in series)
    length = longest if length is None else int(length)
    if longest > length:
        raise ValueError(f"a series has {longest} steps, more than the padding length {length}")
    out = np.empty((len(series), length, channels.pop()), np.float32)
    for i, s in enumerate(series):
        if len(s) == 0:
            raise ValueError(f"series {i} is empty")
        out[i, : len(s)] = s
        out[i, len(s) :] = s[-1]
    return out


def resample_series(series: Sequence[np.ndarray], length: int | None = None) -> np.ndarray:
    """Stretch variable-length ``(timesteps_i, channels)`` series to one ``length`` by linear
    interpolation (uniform scaling, how the UCR archive equalises its variable-length sets).

    Every series keeps its shape from first to last step; the default ``length`` is the longest
    series. A series of one step becomes a constant.

    Returns:
        ``float32`` ``(n, length, channels)``.
    """
    if len(series) == 0:
        raise ValueError("no series to resample")
    channels = {s.shape[-1] for s in series}
    if len(channels) != 1:
        raise ValueError(f"series have different channel counts: {sorted(channels)}")
    length = max(len(s) for s in series) if length is None else int(length)
    if length < 1:
        raise ValueError(f"length must be >= 1; got {length}")
    out = np.empty((len(series), length, channels.pop()), np.float32)
    target = np.linspace(0.0, 1.0, length)
    for i, s in enumerate(series):
        if len(s) == 0:
            raise ValueError(f"series {i} is empty")
        source = np.linspace(0.0, 1.0, len(s)) if len(s) > 1 else np.zeros(1)
        for c in range(s.shape[-1]):
            out[i, :, c] = np.interp(target, source, s[:, c]) if len(s) > 1 else s[0, c]
    return out


VARIABLE_LENGTH = ("resample", "pad")


def stratified_split_indices(y, test_size: float = 0.2, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a seeded stratified split: ``(kept, held_out)``, each sorted ascending.

    Each class with ``n_c`` members sends ``round(n_c * test_size)`` of them (at least one when
    ``n_c >= 2``, never all of them) to the held-out part.
    """
    y = check_labels(y)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1); got {test_size}")
    rng = np.random.default_rng(seed)
    held_out = []
    for cls in np.unique(y):
        members = np.flatnonzero(y == cls)
        n_out = int(round(len(members) * test_size))
        n_out = min(max(n_out, 1 if len(members) >= 2 else 0), len(members) - 1)
        held_out.append(rng.permutation(members)[:n_out])
    mask = np.zeros(len(y), bool)
    mask[np.concatenate(held_out)] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def stratified_split(x, y, test_size: float = 0.2, *, seed: int = 0):
    """Split series into two parts with the same class proportions (seeded).

    See :func:`stratified_split_indices` for the rule.

    Returns:
        ``(x_a, y_a, x_b, y_b)``: the larger part first, then the held-out part.
    """
    x = check_series(x)
    y = check_labels(y, len(x))
    kept, held_out = stratified_split_indices(y, test_size, seed=seed)
    return x[kept], y[kept], x[held_out], y[held_out]


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
        if (d / f"{d.name}_TRAIN.ts").is_file() and (d / f"{d.name}_TEST.ts").is_file()
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
    cached = sorted(
        d.name for d in cache.glob("*")
        if d.is_dir() and (d / f"{d.name}_TRAIN.ts").is_file() and _has_class_labels(d / f"{d.name}_TRAIN.ts")
    ) if cache.is_dir() else []
    project = [PROJECT_DATASET] if _find_project_file(None, required=False) else []
    return {
        "offline": _offline_names(),
        "cached": cached,
        "project": project,
        "download": [
            "any UCR/UEA archive name, e.g. load_dataset('NATOPS', download=True) "
            f"(cached under {cache})"
        ],
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
            raise ValueError(
                f"{path.name}: series {i} contains NaN or missing values; "
                "tslearnkit does not impute"
            )
    return series, np.asarray(y)


def _from_split_files(name: str, train_path: Path, test_path: Path, standardize_: bool, variable_length: str):
    train_series, train_raw = _read_ts(train_path)
    test_series, test_raw = _read_ts(test_path)
    y_train, y_test, class_names = _encode_labels(train_raw, test_raw)
    if standardize_:
        train_series, test_series, _ = standardize(train_series, test_series)
    length = max(max(len(s) for s in train_series), max(len(s) for s in test_series))
    equalise = resample_series if variable_length == "resample" else pad_series
    return TimeSeriesDataset(
        name=name,
        x_train=equalise(train_series, length),
        y_train=y_train,
        x_test=equalise(test_series, length),
        y_test=y_test,
        class_names=class_names,
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
            (default; each series stretched to the longest length by linear interpolation, see
            :func:`resample_series`) or ``"pad"`` (repeat the last value, see
            :func:`pad_series`). Equal-length datasets are unaffected.
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
    if variable_length not in VARIABLE_LENGTH:
        raise ValueError(f"variable_length must be one of {list(VARIABLE_LENGTH)}; got {variable_length!r}")
    if name == PROJECT_DATASET:
        return _load_project_dataset(data_dir, label, test_size, seed, standardize)

    offline = _offline_names()
    if name in offline or (_aeon_data_dir() / name / f"{name}_TRAIN.ts").is_file():
        folder = _aeon_data_dir() / name
        return _from_split_files(
            name, folder / f"{name}_TRAIN.ts", folder / f"{name}_TEST.ts", standardize, variable_length
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
    return _from_split_files(name, train_path, test_path, standardize, variable_length)


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
                return archive.extractfile(members[0]).read().decode("utf-8")
        except (tarfile.TarError, EOFError, OSError) as err:
            raise ValueError(f"{path.name} is not a readable .tar.xz archive: {err}") from err
    return path.read_text(encoding="utf-8")


def load_project_csv(path, label: str = "Label_multi", *, channels: int = 4):
    """Read the study's CSV (or a ``.tar.xz`` holding it) into arrays.

    The layout: columns ``ID_TimeSeries``, ``Values`` (``;``-separated floats), ``Label_multi``
    and ``Label_binary``; each series spans ``channels`` consecutive rows with the same id, one
    row per channel in channel order; every row has the same number of values (1007 in the
    study, giving ``(n, 1007, 4)``).

    Args:
        path: a ``.csv`` or a ``.tar.xz`` archive containing one.
        label: which label column to use: ``"Label_multi"`` or ``"Label_binary"``.
        channels: rows per series.

    Returns:
        ``(x, y, class_names)``: ``float32`` ``(n, timesteps, channels)``, ``int64`` ``(n,)``
        labels in ``0..k-1`` and the original label of each class index.

    Raises:
        FileNotFoundError: no such file. ValueError: wrong label column, missing columns, a row
        with a wrong value count or a non-number, NaN/inf, or an id spanning a wrong row count.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such project file: {path}")
    if label not in PROJECT_LABEL_COLUMNS:
        raise ValueError(
            f"label must be one of {list(PROJECT_LABEL_COLUMNS)}; got {label!r}"
        )
    text = _read_csv_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{path.name} is not a readable CSV: {err}") from err
    missing = [c for c in ("ID_TimeSeries", "Values", label) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path.name} lacks column(s) {missing}; found {list(frame.columns)}; "
            f"expected {list(PROJECT_COLUMNS)}"
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
            raise ValueError(
                f"{path.name} line {row_number}: Values has a non-number {bad!r}"
            ) from None
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
    start = 0
    while start < len(ids):
        stop = start
        while stop < len(ids) and ids[stop] == ids[start]:
            stop += 1
        if stop - start != channels:
            raise ValueError(
                f"{path.name}: series {ids[start]!r} (line {start + 2}) spans {stop - start} "
                f"rows; expected {channels} consecutive rows, one per channel"
            )
        group_labels = set(frame[label].iloc[start:stop])
        if len(group_labels) != 1:
            raise ValueError(
                f"{path.name}: series {ids[start]!r} has conflicting {label} values "
                f"{sorted(group_labels)}"
            )
        series.append(np.stack(rows[start:stop], axis=-1))
        labels.append(group_labels.pop())
        start = stop
    if any(lab == "" for lab in labels):
        raise ValueError(f"{path.name}: column {label} has empty values")
    y, _, class_names = _encode_labels(np.array(labels))
    return np.stack(series).astype(np.float32), y, class_names


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
