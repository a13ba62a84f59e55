"""Argument checks shared by every package: series, labels, embeddings, integers and strengths.

Each check raises ``ValueError`` naming the argument, the value and what is allowed; none changes
its input. Packages import these by their public names (``from ..checks import check_int``).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_series", "check_labels", "check_embeddings", "check_int", "check_strength", "encode_labels", "is_int"]
__all__ += ["check_validation", "whole_numbers"]


# --------------------------------------------------------------------------- validation
def check_series(x, *, name: str = "x", allow_empty: bool = False) -> np.ndarray:
    """Validate a batch of series and return it as a ``float32`` array (the input is never changed).

    Args:
        x: array-like ``(n, timesteps, channels)`` of real numbers.
        name: how the argument is named in error messages.
        allow_empty: accept ``n = 0`` (timesteps and channels must still be >= 1).

    Raises:
        ValueError: ragged input, not 3-D, no series, 0 timesteps or channels, a non-real dtype
            (complex, strings, objects), or NaN/inf values.
    """
    try:
        x = np.asarray(x)
    except ValueError as err:  # NumPy refuses ragged nested sequences
        raise ValueError(
            f"{name} is ragged: its series have different shapes ({err}); make them one length first, "
            "e.g. tk.data.resample_series(list_of_series)"
        ) from None
    if x.dtype == object:
        raise ValueError(
            f"{name} must be a numeric array (n, timesteps, channels); got an object array (ragged or mixed types)"
        )
    if x.ndim != 3:
        hint = " (a univariate batch (n, t) needs x[..., None])" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 3-D (n, timesteps, channels); got shape {x.shape}{hint}")
    if x.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold real numbers; got dtype {x.dtype}")
    if x.shape[1] == 0 or x.shape[2] == 0:
        raise ValueError(f"{name} must have at least one timestep and one channel; got shape {x.shape}")
    if x.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} holds no series (shape {x.shape})")
    with np.errstate(over="ignore"):  # a value beyond float32's range is named below, not warned about
        x32 = x.astype(np.float32, copy=False)
    if x32.size and not np.isfinite(x32).all():
        bad = np.argwhere(~np.isfinite(x32))[0]
        at = f"series {bad[0]}, step {bad[1]}, channel {bad[2]}"
        if np.isfinite(x[tuple(bad)]):
            raise ValueError(
                f"{name} holds {float(x[tuple(bad)])!r} (first at {at}), beyond float32's range (about ±3.4e38), "
                "which the models compute in; rescale the data (e.g. divide by a power of ten)"
            )
        raise ValueError(f"{name} contains NaN or inf (first at {at}); clean or impute the data first")
    return x32


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
    if y.dtype.kind == "f" and y.size and whole_numbers(y).all():
        y = y.astype(np.int64)
    if y.dtype.kind not in "iub":
        raise ValueError(
            f"{name} must hold integer class indices; got dtype {y.dtype} "
            "(map string labels to integers, e.g. with np.unique(..., return_inverse=True))"
        )
    if n is not None and len(y) != n:
        raise ValueError(f"{name} has {len(y)} labels but there are {n} series")
    y = y.astype(np.int64, copy=False)
    if y.size and y.min() < 0:
        raise ValueError(f"{name} must hold class indices >= 0; got {int(y.min())}")
    if y.size and y.max() > 10 * len(y) + 1000:
        # Sparse ids (e.g. 10**15) would make every per-class count allocate max(y) slots.
        raise ValueError(
            f"{name} holds label {int(y.max())} for {len(y)} series: labels must be class indices "
            "0..n_classes-1, not ids; map them with np.unique(y, return_inverse=True)"
        )
    return y


def whole_numbers(values: np.ndarray) -> np.ndarray:
    """Which floats are whole numbers a float holds exactly (finite, below 2**53 in size): labels or indices
    stored as floats (``1.0``, ``2.0``) that may be read as integers."""
    values = np.asarray(values, np.float64)
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2**53)


def check_validation(validation) -> tuple[np.ndarray, np.ndarray]:
    """``validation=(x_val, y_val)`` of the fit helpers, checked: ``(n, t, c)`` series and ``n`` labels."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        got = (
            f"{type(validation).__name__} of {len(validation)}"
            if isinstance(validation, (tuple, list))
            else type(validation).__name__
        )
        raise ValueError(
            f"validation must be a pair (x_val, y_val) of series and their labels (no sample weights); got a {got}"
        )
    x_val = check_series(validation[0], name="x_val")
    return x_val, check_labels(validation[1], len(x_val), name="y_val")


def encode_labels(train_labels, test_labels=()) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Map raw labels (strings or integers) to ``0..k-1`` using the training classes.

    Labels are compared as text with surrounding whitespace removed (``" a"`` and ``"a"`` are one
    class: a stray space in a CSV cell must not create a class); an empty label is an error.
    """
    train_labels = np.asarray(train_labels)
    test_labels = np.asarray(test_labels)
    for arr, split in ((train_labels, "train"), (test_labels, "test")):
        if arr.size and arr.dtype.kind not in "iuUSO":
            raise ValueError(f"{split} labels must be integers or strings; got dtype {arr.dtype}")

    def text(value) -> str:
        return str(value).strip()

    names = sorted({text(v) for v in train_labels.ravel()})
    if "" in names or any(text(v) == "" for v in test_labels.ravel()):
        raise ValueError("labels must not be empty or whitespace only")
    if all(is_int(v) for v in names):
        names.sort(key=int)
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({text(v) for v in test_labels.ravel()} - set(index))
    if unknown:
        raise ValueError(f"test labels {unknown} do not occur in the training split")
    encode = np.vectorize(lambda v: index[text(v)], otypes=[np.int64])
    y_train = encode(train_labels) if train_labels.size else train_labels.astype(np.int64)
    y_test = encode(test_labels) if test_labels.size else np.zeros(0, np.int64)
    return y_train, y_test, tuple(names)


def is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def check_strength(name: str, value, *, high: float | None = None, high_inclusive: bool = False):
    """Raise ValueError unless ``value`` is a finite real in ``[0, high)`` (or ``[0, high]``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (0 means no augmentation); got {value!r}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        bound = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {bound} {high}; got {value!r}")


def check_flag(name: str, value) -> None:
    """``True`` or ``False`` (a NumPy bool, 0 or 1 too); ``"no"`` or ``2`` would silently read as true."""
    whole = isinstance(value, numbers.Integral) and value in (0, 1)
    if not (isinstance(value, (bool, np.bool_)) or whole):
        raise ValueError(f"{name} must be True or False; got {value!r}")


def check_int(name: str, value, *, low: int):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")


def check_embeddings(x, name: str) -> np.ndarray:
    """Return ``x`` as a C-contiguous ``float32`` matrix ``(n, d)`` of finite values."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, d) of embeddings; got shape {x.shape}")
    if x.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold numbers; got dtype {x.dtype}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {x.shape}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(
            f"{name} has NaN or infinite values (as float32) in {int((~finite).sum())} row(s), first at row {row}"
        )
    return x
