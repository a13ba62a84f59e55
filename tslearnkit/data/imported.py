"""The common path of every way in for your own data: raw series and labels → a checked
:class:`ImportedDataset`, through the same length and standardisation rules as :func:`load_dataset`.

Every constructor (:func:`~tslearnkit.data.from_arrays`, :func:`~tslearnkit.data.from_dataframe`,
:func:`~tslearnkit.data.load_file`, :func:`~tslearnkit.data.sliding_windows`) first turns its input
into a list of ``(timesteps_i, channels)`` ``float64`` series and one label text per series, then
calls :func:`build_dataset` here. The rules, stated once:

* **Labels** are compared as text with surrounding whitespace removed, in Unicode's composed form
  (``"1"``, ``1`` and ``" 1"`` are one class, as are ``"café"`` typed with an accented ``é`` or with
  ``e`` and a combining accent; a whole float such as ``2.0`` is the text ``"2"``); a missing (``None``/NaN) or
  empty label is an error naming its position. ``class_names`` are those texts, sorted (as numbers
  when every one is an integer).
* **Split**: without a given test split, a seeded stratified one is drawn
  (:func:`~tslearnkit.data.stratified_split_indices`): each class sends ``round(n_c * test_size)``
  series, at least one, to the test split. Every class then needs **at least two series**; a class
  with one series is an error naming it (it could appear on one side only). A single class is an
  error too (nothing to tell apart).
* **Lengths**: unequal lengths are resampled to the longest *training* series (or padded with
  ``variable_length="pad"``), then series longer than ``max_length`` are reduced by
  :func:`~tslearnkit.data.downsample_series`: the functions :func:`load_dataset` uses.
* **Standardisation** (default on): per channel, with statistics of the observed training values only.
* **NaN**: an error naming the argument, series, step and channel, unless ``missing="interpolate"``
  (linear interpolation along time within each channel; the ends take the nearest observed value).
  ``inf`` is always an error.
"""

from __future__ import annotations

import dataclasses
import numbers
import unicodedata

import numpy as np

from ..checks import encode_labels
from .container import TimeSeriesDataset
from .preprocess import MAX_LENGTH, VARIABLE_LENGTH, downsample_series, pad_series, resample_series
from .preprocess import standardize as standardize_series
from .splits import stratified_split_indices

__all__ = ["ImportedDataset", "RawSplit", "build_dataset", "MISSING"]

MISSING = ("raise", "interpolate")
"""What a constructor does with NaN inside a series: ``"raise"`` (default) or ``"interpolate"``."""


# --------------------------------------------------------------------------- containers
@dataclasses.dataclass(frozen=True)
class RawSplit:
    """The data as given, before any length or standardisation rule: ``train``/``test`` are tuples of
    ``float64`` ``(timesteps_i, channels)`` series, ``y_train``/``y_test`` their label texts."""

    train: tuple
    y_train: tuple
    test: tuple
    y_test: tuple


@dataclasses.dataclass(frozen=True, repr=False)
class ImportedDataset(TimeSeriesDataset):
    """A :class:`TimeSeriesDataset` built from your own data; lessons use it like any other.

    Extra attributes:
        notes: one line per decision taken on the way in (how the channel axis was read, how the
            split was drawn, how lengths were made equal); also printed by :meth:`summary`.
        source: the series and labels as given (:class:`RawSplit`), so that :meth:`save` stores raw
            values and :func:`load_dataset` re-applies its rules; dropped by :meth:`replace` when
            the arrays change.
    """

    notes: str = ""
    source: RawSplit | None = dataclasses.field(default=None, compare=False)

    def replace(self, **changes) -> ImportedDataset:
        if set(changes) - {"name", "notes", "source"}:
            changes.setdefault("source", None)  # the raw data no longer describe these arrays
        return dataclasses.replace(self, **changes)

    def summary(self) -> str:
        return super().summary() + "".join(f"\n  note: {line}" for line in self.notes.splitlines())

    def save(self, name: str | None = None, *, data_dir=None, overwrite: bool = False):
        """Store this dataset under ``name`` (default: its own name); see :func:`tslearnkit.data.register`."""
        from .registry import register

        return register(self, name, data_dir=data_dir, overwrite=overwrite)


# --------------------------------------------------------------------------- checks
def check_length_options(variable_length, max_length) -> None:
    """The ``variable_length``/``max_length`` arguments every loader takes."""
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 8
    ):
        raise ValueError(f"max_length must be None (keep every step) or an integer >= 8; got {max_length!r}")
    if variable_length not in VARIABLE_LENGTH:
        raise ValueError(f"variable_length must be one of {list(VARIABLE_LENGTH)}; got {variable_length!r}")


def check_split_options(test_size, seed) -> None:
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real) or not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1), e.g. 0.3; got {test_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer; got {seed!r}")


def check_missing(missing) -> None:
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {list(MISSING)}; got {missing!r}")


def label_texts(values, *, name: str = "y", where=None) -> list[str]:
    """Label texts of any hashable labels (str, int, float, bool); see the module's rule.

    Args:
        values: a sequence of labels.
        name: the argument, for messages.
        where: optional ``where(i) -> str`` describing label ``i``'s position (default ``name[i]``).
    """
    out = []
    for i, value in enumerate(values):
        if value is None or (isinstance(value, (float, np.floating)) and np.isnan(value)) or _is_na(value):
            raise ValueError(f"{_at(where, name, i)}: the label is missing (got {value!r}); every series needs a label")
        if isinstance(value, (bytes, np.bytes_)):  # NumPy's "S" arrays, e.g. labels saved from Python 2 or HDF5
            try:
                value = bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                where_i = _at(where, name, i)
                raise ValueError(f"{where_i}: the label {value!r} is bytes that are not UTF-8 text") from None
        if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
            text = str(int(value))
        elif isinstance(value, (str, numbers.Number, np.generic)):
            text = unicodedata.normalize("NFC", str(value).strip())
        else:
            raise TypeError(
                f"{_at(where, name, i)}: a label must be a string or a number; got {type(value).__name__} {value!r}"
            )
        if text == "":
            raise ValueError(f"{_at(where, name, i)}: the label is empty or whitespace only ({value!r})")
        out.append(text)
    return out


def _at(where, name: str, i: int) -> str:
    return where(i) if where is not None else f"{name}[{i}]"


def _is_na(value) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return value is pd.NaT or value is pd.NA


def _check_float32_range(series, split: str) -> None:
    """Series are computed on in float32 (standardised or not): a finite value beyond its range would become inf."""
    limit = float(np.finfo(np.float32).max)
    for i, s in enumerate(series):
        if np.abs(s).max() > limit:
            step, channel = np.argwhere(np.abs(s) > limit)[0]
            raise ValueError(
                f"{split} series {i} holds {float(s[step, channel])!r} at step {step}, channel {channel}, beyond "
                "float32's range (about ±3.4e38) the models compute in; rescale the data first"
            )


def clean_series(series: np.ndarray, where: str, missing: str = "raise") -> np.ndarray:
    """Check one ``(timesteps, channels)`` float64 series: not empty, no inf, NaN per ``missing``.

    ``where`` names the series in messages (e.g. ``"x[3]"`` or ``"series 'a7'"``). Returns the
    series itself when nothing is filled, else a filled copy.
    """
    if series.shape[0] == 0:
        raise ValueError(f"{where} is empty (0 time steps); every series needs at least one step")
    if series.shape[1] == 0:
        raise ValueError(f"{where} has no channel (shape {series.shape})")
    if np.isinf(series).any():
        step, channel = np.argwhere(np.isinf(series))[0]
        raise ValueError(f"{where} holds inf at step {step}, channel {channel}; only finite values are allowed")
    nan = np.isnan(series)
    if not nan.any():
        return series
    step, channel = np.argwhere(nan)[0]
    if missing == "raise":
        raise ValueError(
            f"{where} holds NaN at step {step}, channel {channel} (and {int(nan.sum()) - 1} more); clean the "
            "data or pass missing='interpolate' to fill gaps linearly along time"
        )
    filled = series.copy()
    steps = np.arange(len(series))
    for c in range(series.shape[1]):
        gap = nan[:, c]
        if gap.all():
            raise ValueError(f"{where}: channel {c} holds only NaN, nothing to interpolate from")
        if gap.any():
            filled[gap, c] = np.interp(steps[gap], steps[~gap], series[~gap, c])
    return filled


# --------------------------------------------------------------------------- assembly
def split_by_column(series, labels, splits, what: str):
    """``(train, y_train, test, y_test)`` from a ``"train"``/``"test"`` value per series."""
    is_test = [s == "test" for s in splits]
    if not any(is_test) or all(is_test):
        raise ValueError(f"{what} must mark some series 'train' and some 'test'; it marks all {splits[0]!r}")
    pick = lambda items, side: [v for v, t in zip(items, is_test) if t == side]  # noqa: E731
    return pick(series, False), pick(labels, False), pick(series, True), pick(labels, True)


def equalise(train_series, test_series, *, variable_length: str = "resample", max_length=MAX_LENGTH):
    """``(n, t, c)`` arrays from lists of ``(t_i, c)`` series: :func:`load_dataset`'s length rule.

    ``"resample"``: every series stretched to the longest *training* length; ``"pad"``: repeat the
    last value up to the longest series of either split. Then :func:`downsample_series` caps the
    length at ``max_length`` (``None``: no cap).
    """
    if variable_length == "resample":  # the length is chosen from the training split alone
        length, to_length = max(len(s) for s in train_series), resample_series
    else:  # padding never cuts a series: the longest of either split (a shape, not a statistic)
        length = max(len(s) for s in (*train_series, *test_series))
        to_length = pad_series
    x_train, x_test = to_length(train_series, length), to_length(test_series, length)
    if max_length is not None:
        x_train, x_test = downsample_series(x_train, max_length), downsample_series(x_test, max_length)
    return x_train, x_test


def draw_split(labels: list[str], test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(train_index, test_index)`` of a seeded stratified split of series with these label texts."""
    classes, codes, counts = np.unique(np.asarray(labels, dtype=object), return_inverse=True, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"the labels hold a single class ({classes[0]!r}); metric learning needs at least two")
    lonely = [str(c) for c, n in zip(classes, counts) if n < 2]
    if lonely:
        raise ValueError(
            f"class(es) {lonely} have a single series: a stratified test split needs at least two series "
            "per class (one for each side); drop those series, add more, or pass your own test split"
        )
    return stratified_split_indices(codes, test_size, seed=seed)


def _test_copies_of_training(train: list, test: list) -> int:
    """How many test series equal some training series exactly (same length, same values)."""
    import hashlib

    def fingerprint(series):
        values = np.ascontiguousarray(series, np.float64)
        return values.shape, hashlib.blake2b(values.tobytes(), digest_size=16).digest()

    seen = {fingerprint(s) for s in train}
    return sum(fingerprint(s) in seen for s in test)


def build_dataset(
    name: str,
    train: list,
    y_train: list[str],
    test: list | None = None,
    y_test: list[str] | None = None,
    *,
    test_size: float = 0.3,
    seed: int = 0,
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
    notes: list[str] | None = None,
) -> ImportedDataset:
    """Raw, checked series and label texts → :class:`ImportedDataset` (see the module's rules).

    Args:
        train, test: lists of finite ``float64`` ``(timesteps_i, channels)`` series; without
            ``test`` a stratified split of ``train`` is drawn with ``test_size`` and ``seed``.
        y_train, y_test: label texts (:func:`label_texts`), one per series.
        notes: decisions already taken by the caller; this adds the split's and the lengths'.
    """
    check_length_options(variable_length, max_length)
    notes = list(notes or [])
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string; got {name!r}")
    if len(train) == 0:
        raise ValueError("there are no series to build a dataset from")
    channels = {s.shape[1] for s in (*train, *(test or ()))}
    if len(channels) != 1:
        raise ValueError(f"all series need the same number of channels; found {sorted(channels)}")
    if test is None:
        check_split_options(test_size, seed)
        train_index, test_index = draw_split(y_train, test_size, seed)
        test, y_test = [train[i] for i in test_index], [y_train[i] for i in test_index]
        train, y_train = [train[i] for i in train_index], [y_train[i] for i in train_index]
        notes.append(
            f"test split: drawn, stratified, test_size={test_size}, seed={seed} "
            f"({len(train)} train / {len(test)} test series)"
        )
    else:
        if len(test) == 0:
            raise ValueError("the test split holds no series")
        if len(set(y_train)) < 2:
            raise ValueError(f"the training labels hold a single class ({y_train[0]!r}); metric learning needs two")
        notes.append(f"test split: given ({len(train)} train / {len(test)} test series)")
    copies = _test_copies_of_training(train, test)
    if copies:
        notes.append(
            f"{copies} of {len(test)} test series have an exact copy in the training split, so a search finds them "
            "trivially; drop duplicate series before splitting to measure what the model learned"
        )
    y_train_codes, y_test_codes, class_names = encode_labels(np.asarray(y_train), np.asarray(y_test))
    source = RawSplit(tuple(train), tuple(y_train), tuple(test), tuple(y_test))
    x_train_list, x_test_list = train, test
    _check_float32_range(train, "training")
    _check_float32_range(test, "test")
    if standardize:
        x_train_list, x_test_list, _ = standardize_series(list(train), list(test))
    x_train, x_test = equalise(x_train_list, x_test_list, variable_length=variable_length, max_length=max_length)
    lengths = sorted({len(s) for s in (*train, *test)})
    if len(lengths) > 1:
        rule = "resampled to the longest training series" if variable_length == "resample" else "padded to the longest"
        notes.append(f"lengths {lengths[0]}..{lengths[-1]} steps, {rule}")
    equal_length = max(len(s) for s in train) if variable_length == "resample" else lengths[-1]
    if x_train.shape[1] < equal_length:
        notes.append(
            f"{equal_length} steps reduced to {x_train.shape[1]} by piecewise aggregate approximation "
            f"(max_length={max_length})"
        )
    notes.append("standardised per channel with training statistics" if standardize else "not standardised")
    return ImportedDataset(
        name=name,
        x_train=x_train,
        y_train=y_train_codes,
        x_test=x_test,
        y_test=y_test_codes,
        class_names=class_names,
        notes="\n".join(notes),
        source=source,
    )
