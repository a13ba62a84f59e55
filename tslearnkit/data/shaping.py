"""Shaping a dataset: long-tailed training splits carved out of balanced ones
(:func:`make_imbalanced`, :func:`long_tail_ratios`; also importable as ``tk.augment.X``), and a
small, short copy for quick runs (:func:`shrink`)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from ..checks import check_int, check_strength
from .container import TimeSeriesDataset

STUDY_CLASS_COUNTS = (1113, 1029, 666, 189)
"""Class sizes of the study's long-tailed dataset, largest to smallest."""


def _requested_count(cls: int, name: str, value, available: int) -> int:
    """An int is a count; a float is a fraction of the class's available training series."""
    label = f"class {cls} ({name!r})"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{label}: expected an int count or a float ratio; got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if not (np.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(
            f"{label}: a float is a ratio of the class's {available} training series and "
            f"must lie in (0, 1]; got {value!r} (give an int for an absolute count)"
        )
    return int(np.floor(value * available + 0.5))


def make_imbalanced(dataset: TimeSeriesDataset, counts, *, seed=None, min_count: int = 2) -> TimeSeriesDataset:
    """Carve a long-tailed training split out of a balanced one; the test split is untouched.

    ``counts`` gives, per class, either an **int: the number of training series to keep**, or a
    **float in (0, 1]: the fraction of the class's current training series to keep** (rounded
    to the nearest count, halves up). It is a dict ``{class: int | float}`` (classes not named
    keep all their series) or a sequence with one entry per class (``len == n_classes``).
    E.g. the study's proportions 1113 : 1029 : 666 : 189 on a 4-class dataset:
    ``[1.0, 1029 / 1113, 666 / 1113, 189 / 1113]``; :func:`long_tail_ratios` makes such
    lists for any number of classes. Kept series are drawn without replacement and keep their
    original order.

    Args:
        dataset: a :class:`~tslearnkit.data.TimeSeriesDataset`.
        counts: dict or sequence as described.
        seed: int, ``np.random.Generator`` or ``None``.
        min_count: fewest series a class may keep (default 2: a P×K batch needs two series of
            a class for a positive pair, and ``"interpolate"`` needs a neighbour).

    Returns:
        A new dataset whose ``x_train``/``y_train`` are the kept rows; the test arrays, name and
        class names are those of ``dataset``.

    Raises:
        ValueError (naming the class): a count above the class's available series or below
            ``min_count``, a ratio outside (0, 1], an unknown class, or a sequence of the
            wrong length.
    """
    check_int("min_count", min_count, low=1)
    y_train = np.asarray(dataset.y_train)
    n_classes = len(dataset.class_names)
    if isinstance(counts, Mapping):
        unknown = [c for c in counts if not (isinstance(c, numbers.Integral) and 0 <= c < n_classes)]
        if unknown:
            raise ValueError(f"counts names unknown class(es) {unknown}; classes are 0..{n_classes - 1}")
        requested = {int(c): v for c, v in counts.items()}
    else:
        counts = list(counts)
        if len(counts) != n_classes:
            raise ValueError(f"counts has {len(counts)} entries but the dataset has {n_classes} classes")
        requested = dict(enumerate(counts))
    rng = np.random.default_rng(seed)
    keep = []
    for cls in range(n_classes):
        members = np.flatnonzero(y_train == cls)
        if cls not in requested:
            keep.append(members)
            continue
        name = dataset.class_names[cls]
        count = _requested_count(cls, name, requested[cls], len(members))
        if count > len(members):
            raise ValueError(
                f"class {cls} ({name!r}): asked for {count} training series but only {len(members)} are available"
            )
        if count < min_count:
            raise ValueError(
                f"class {cls} ({name!r}): {count} series requested, fewer than "
                f"min_count={min_count} (P×K batches need at least 2 per class)"
            )
        keep.append(rng.choice(members, size=count, replace=False))
    rows = np.sort(np.concatenate(keep))
    return dataset.replace(x_train=dataset.x_train[rows], y_train=y_train[rows])


def long_tail_ratios(n_classes: int, *, smallest: float = 189 / 1113) -> list[float]:
    """Geometrically decaying keep-ratios ``1.0 ... smallest`` for :func:`make_imbalanced`.

    The default ``smallest`` is the study's smallest-to-largest class ratio (189 / 1113).

    Args:
        n_classes: number of classes (>= 1); class 0 keeps everything.
        smallest: ratio of the last class, in (0, 1].

    Returns:
        ``n_classes`` floats in (0, 1], non-increasing.
    """
    check_int("n_classes", n_classes, low=1)
    check_strength("smallest", smallest, high=1.0, high_inclusive=True)
    if smallest == 0:
        raise ValueError("smallest must be > 0")
    if n_classes == 1:
        return [1.0]
    return [float(smallest ** (i / (n_classes - 1))) for i in range(n_classes)]


def shrink(
    dataset: TimeSeriesDataset, *, max_series: int = 120, max_timesteps: int = 128, seed: int = 0
) -> TimeSeriesDataset:
    """A small, short copy of ``dataset`` for quick (smoke-test) runs.

    Each split keeps at most ``max_series`` series, drawn per class in proportion (seeded; every
    class keeps at least two training series and one test series where it has them), and series
    longer than ``max_timesteps`` are resampled to that length by linear interpolation. The same
    rule applies to both splits; nothing is fitted.

    Returns:
        A new :class:`TimeSeriesDataset` (the input is unchanged), or ``dataset`` itself when it
        is already that small.
    """
    from .preprocess import resample_series

    check_int("max_series", max_series, low=2)
    check_int("max_timesteps", max_timesteps, low=2)
    rng = np.random.default_rng(seed)

    def pick(y, minimum):
        if len(y) <= max_series:
            return np.arange(len(y))
        keep = []
        for cls in np.unique(y):
            members = np.flatnonzero(y == cls)
            n = max(min(minimum, len(members)), int(round(len(members) * max_series / len(y))))
            keep.append(rng.choice(members, size=n, replace=False))
        return np.sort(np.concatenate(keep))

    train, test = pick(dataset.y_train, 2), pick(dataset.y_test, 1)
    x_train, x_test = dataset.x_train[train], dataset.x_test[test]
    if dataset.timesteps > max_timesteps:
        x_train = resample_series(list(x_train), max_timesteps)
        x_test = resample_series(list(x_test), max_timesteps)
    if len(train) == len(dataset.y_train) and len(test) == len(dataset.y_test) and dataset.timesteps <= max_timesteps:
        return dataset
    return dataset.replace(x_train=x_train, y_train=dataset.y_train[train], x_test=x_test, y_test=dataset.y_test[test])
