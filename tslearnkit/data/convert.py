"""Your own NumPy arrays (or lists of them) into a :class:`~tslearnkit.data.ImportedDataset`:
:func:`from_arrays`."""

from __future__ import annotations

import numpy as np

from .imported import (
    ImportedDataset,
    build_dataset,
    check_length_options,
    check_missing,
    clean_series,
    label_texts,
)
from .preprocess import MAX_LENGTH

__all__ = ["from_arrays", "CHANNELS"]

CHANNELS = ("auto", "last", "first")
"""Where the channel axis is: ``"last"`` ``(n, timesteps, channels)`` (Keras, tslearn), ``"first"``
``(n, channels, timesteps)`` (aeon, sktime, PyTorch), or ``"auto"`` (see :func:`from_arrays`)."""


def _auto_axis(a: int, b: int, shape, name: str) -> str:
    """``"last"`` when the last axis ``b`` is the channels, ``"first"`` when ``a`` is."""
    if 2 * b <= a:
        return "last"
    if 2 * a <= b:
        return "first"
    raise ValueError(
        f"{name} has shape {shape}: channels='auto' cannot tell which axis is time ({a} vs {b}; the channel "
        "axis must be at most half as long as the time axis); pass channels='last' for (n, timesteps, "
        "channels) or channels='first' for (n, channels, timesteps)"
    )


def as_series_list(x, *, name: str = "x", channels: str = "auto", missing: str = "raise"):
    """``x`` as a list of checked ``float64`` ``(timesteps_i, channels)`` copies.

    Returns:
        ``(series, axis, note)``: the list, the channel axis used (``"last"``/``"first"``) and one
        line saying how ``x`` was read.
    """
    if channels not in CHANNELS:
        raise ValueError(f"channels must be one of {list(CHANNELS)}; got {channels!r}")
    if type(x).__module__.startswith("pandas"):
        raise TypeError(f"{name} is a pandas {type(x).__name__}; use tk.data.from_dataframe for DataFrames")
    if isinstance(x, np.ma.MaskedArray):  # masked values are missing ones, not data
        x = x.astype(np.float64).filled(np.nan) if x.dtype.kind in "fiub" else x.filled()
    if isinstance(x, np.ndarray) and x.dtype != object:
        series, axis, note = _from_array(x, name, channels)
    elif isinstance(x, (list, tuple, np.ndarray)):
        series, axis, note = _from_list(x, name, channels)
    else:
        raise TypeError(
            f"{name} must be a NumPy array (n, timesteps, channels), (n, channels, timesteps) or (n, timesteps), "
            f"or a list of (timesteps_i, channels) / (timesteps_i,) arrays; got {type(x).__name__}"
        )
    if not series:
        raise ValueError(f"{name} holds no series")
    series = [clean_series(s, f"{name}[{i}]", missing) for i, s in enumerate(series)]
    return series, axis, note


def _numeric(x, name: str) -> np.ndarray:
    try:
        out = np.array(x, dtype=np.float64)  # always a copy: the caller's data are never changed
    except (ValueError, TypeError):
        raise ValueError(f"{name} must hold numbers only; got {_describe(x)}") from None
    return out


def _describe(x) -> str:
    dtype = getattr(x, "dtype", None)
    return f"dtype {dtype}" if dtype is not None else f"{type(x).__name__} {str(x)[:60]!r}"


def _from_array(x: np.ndarray, name: str, channels: str):
    if x.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold real numbers; got dtype {x.dtype}")
    shape = x.shape
    x = np.array(x, dtype=np.float64)
    if x.ndim == 2:
        return list(x[:, :, None]), "last", f"{name} {shape} read as {shape[0]} univariate series of {shape[1]} steps"
    if x.ndim != 3:
        raise ValueError(
            f"{name} must be 2-D (n, timesteps) or 3-D (n, timesteps, channels) / (n, channels, timesteps); "
            f"got shape {shape}"
        )
    axis = _auto_axis(shape[1], shape[2], shape, name) if channels == "auto" else channels
    how = "by channels='auto' (the shorter axis is channels), " if channels == "auto" else ""
    if axis == "first":
        x = x.transpose(0, 2, 1)
    layout = "(n, timesteps, channels)" if axis == "last" else "(n, channels, timesteps)"
    return list(x), axis, f"{name} {shape} read as {layout} {how}giving {x.shape[2]} channel(s), {x.shape[1]} steps"


def _from_list(x, name: str, channels: str):
    items = [_numeric(s, f"{name}[{i}]") for i, s in enumerate(x)]
    for i, s in enumerate(items):
        if s.ndim not in (1, 2):
            raise ValueError(f"{name}[{i}] must be 1-D (timesteps,) or 2-D; got shape {s.shape}")
    if all(s.ndim == 1 for s in items):
        return [s[:, None] for s in items], "last", f"{name}: {len(items)} univariate series"
    if any(s.ndim == 1 for s in items):
        i = next(i for i, s in enumerate(items) if s.ndim == 1)
        raise ValueError(f"{name} mixes 1-D and 2-D series ({name}[{i}] is 1-D); give every series the same form")
    axis = channels
    if channels == "auto":
        firsts, lasts = {s.shape[0] for s in items}, {s.shape[1] for s in items}
        if len(firsts) > 1 and len(lasts) == 1:
            axis = "last"  # the axis whose length varies is time
        elif len(lasts) > 1 and len(firsts) == 1:
            axis = "first"
        elif len(firsts) == 1:
            axis = _auto_axis(*items[0].shape, f"({len(items)}, *{items[0].shape})", name)
        else:
            raise ValueError(
                f"{name}: both axes of its series vary in length ({sorted(firsts)[:5]} and {sorted(lasts)[:5]}); "
                "every series needs the same number of channels"
            )
    series = [s if axis == "last" else s.T for s in items]
    counts = [s.shape[1] for s in series]
    if len(set(counts)) > 1:
        i = next(i for i, c in enumerate(counts) if c != counts[0])
        raise ValueError(
            f"{name}[{i}] has {counts[i]} channel(s) but {name}[0] has {counts[0]} (channels={axis!r}); "
            "every series needs the same channels"
        )
    lengths = [len(s) for s in series]
    layout = "(timesteps, channels)" if axis == "last" else "(channels, timesteps)"
    how = " by channels='auto' (the axis whose length varies, or the longer one, is time)" if channels == "auto" else ""
    note = f"{name}: {len(series)} series read as {layout}{how}: {counts[0]} channel(s)"
    return series, axis, f"{note}, {min(lengths)}..{max(lengths)} steps"


def as_labels(y, n: int, *, name: str = "y") -> list[str]:
    """One label text per series (see :func:`~tslearnkit.data.imported.label_texts`)."""
    if y is None:
        raise ValueError(f"{name} is missing: every series needs a label")
    if type(y).__module__.startswith("pandas"):
        y = y.to_numpy() if hasattr(y, "to_numpy") else y
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise TypeError(f"{name} must be a sequence of labels, one per series; got {type(y).__name__} {y!r}")
    y = np.asarray(y, dtype=object) if not isinstance(y, np.ndarray) else y
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one label per series; got shape {y.shape}")
    if len(y) != n:
        raise ValueError(f"{name} has {len(y)} labels but there are {n} series")
    return label_texts(list(y), name=name)


def from_arrays(
    x,
    y,
    *,
    x_test=None,
    y_test=None,
    test_size: float = 0.3,
    seed: int = 0,
    channels: str = "auto",
    name: str = "mydata",
    missing: str = "raise",
    standardize: bool = True,
    variable_length: str = "resample",
    max_length: int | None = MAX_LENGTH,
) -> ImportedDataset:
    """Your own arrays as a dataset every lesson can use.

    Example::

        data = tk.data.from_arrays(x, labels)            # x: (n, t, c), (n, c, t), (n, t) or a list
        data.save("mydata")                              # then dataset = "mydata" in any lesson

    Args:
        x: the series: an ``(n, timesteps, channels)`` or ``(n, channels, timesteps)`` array, an
            ``(n, timesteps)`` array (univariate), or a list of ``(timesteps_i, channels)`` /
            ``(timesteps_i,)`` arrays of different lengths. Never changed in place.
        y: one label per series: strings, integers or floats (see ``notes`` for the rule).
        x_test, y_test: your own test split (both or neither); without it a seeded stratified
            split with ``test_size`` is drawn from ``x`` (every class needs two series then).
        test_size, seed: the drawn split's test fraction and seed.
        channels: ``"auto"`` (default), ``"last"`` or ``"first"``. **The auto rule**: for a 3-D
            array (and for a list of equal-shape 2-D series), the shorter of the last two axes is
            the channel axis when it is at most half as long as the other; otherwise (e.g. 30 by 20
            or 16 by 16) it raises and asks for ``"last"`` or ``"first"``. For a list whose series
            differ in length, the axis whose length varies is time. ``x_test`` is read the way
            ``x`` was. What was decided is the first line of ``dataset.notes``.
        name: the dataset's name.
        missing: ``"raise"`` (default: NaN is an error naming series, step and channel) or
            ``"interpolate"`` (linear along time within a channel).
        standardize, variable_length, max_length: as in :func:`~tslearnkit.data.load_dataset`
            (per-channel standardisation with training statistics; unequal lengths resampled to
            the longest training series; longer than 512 steps reduced).

    Returns:
        An :class:`~tslearnkit.data.ImportedDataset`: ``float32`` ``(n, t, c)`` series, ``int64``
        labels, ``class_names`` the sorted label texts, ``notes`` the decisions taken.
    """
    check_missing(missing)
    check_length_options(variable_length, max_length)
    train, axis, note = as_series_list(x, name="x", channels=channels, missing=missing)
    labels = as_labels(y, len(train), name="y")
    notes = [note]
    test = test_labels = None
    if (x_test is None) != (y_test is None):
        raise ValueError("x_test and y_test go together: give both (your own test split) or neither (one is drawn)")
    if x_test is not None:
        test, _, test_note = as_series_list(x_test, name="x_test", channels=axis, missing=missing)
        test_labels = as_labels(y_test, len(test), name="y_test")
        notes.append(test_note)
    return build_dataset(
        name,
        train,
        labels,
        test,
        test_labels,
        test_size=test_size,
        seed=seed,
        standardize=standardize,
        variable_length=variable_length,
        max_length=max_length,
        notes=notes,
    )
