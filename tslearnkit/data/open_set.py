"""Open-set splits: train on some classes, search among classes the model has never seen.

The protocol is the one of the deep-metric-learning benchmarks (CUB-200, Cars-196; Musgrave et
al., "A Metric Learning Reality Check", 2020): the *classes* are split, not the series. The
model trains on the seen classes only; it is evaluated by retrieval among the unseen classes,
whose series are split, class by class, into queries and a reference gallery.

Where each series of a :class:`~tslearnkit.data.TimeSeriesDataset` goes (each goes to exactly
one part; none is dropped or copied):

============  ===========================  =================================================
part          classes                      series
============  ===========================  =================================================
train         seen                         the dataset's training split
seen_test     seen                         the dataset's test split (closed-set check,
                                           validation); never needed for training
query         unseen                       ``query_fraction`` of each unseen class, drawn
                                           from both splits
gallery       unseen                       the rest of each unseen class, from both splits
============  ===========================  =================================================

Why the unseen classes use both splits: the model never sees any series of an unseen class,
so the dataset's train/test boundary means nothing for them; pooling gives larger galleries and
more queries (less noisy metrics), as the image benchmarks do with all images of their test
classes. Why seen classes train on the training split only: their test series stay untouched,
so the usual closed-set score (seen-class test queries against the training series) can be
reported next to the open-set one.

Standardisation: :func:`~tslearnkit.data.load_dataset` fits its per-channel statistics on the
*whole* training split, unseen classes included. For a strict protocol load with
``standardize=False`` and call :meth:`OpenSetSplit.standardized`, which fits the statistics on
the seen classes' training series only.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from .container import TimeSeriesDataset
from .preprocess import standardize

__all__ = ["MIN_OPEN_SET_CLASSES", "OpenSetSplit", "open_set_split"]

MIN_OPEN_SET_CLASSES = 4
"""Classes an open-set split needs: at least two to train on and two the model never sees."""

_PARTS = ("train", "seen_test", "query", "gallery")


@dataclasses.dataclass(frozen=True)
class OpenSetSplit:
    """The four parts of an open-set split (see the module docstring for the protocol).

    Labels keep the dataset's class indices (so ``class_names[y]`` names any of them); for a
    classifier head over the seen classes map them to ``0 .. n_seen - 1`` with
    ``np.searchsorted(split.seen_classes, split.y_train)``.

    Attributes:
        name: the dataset's name.
        class_names: the dataset's class names (all classes).
        seen_classes: sorted class indices used for training, ``int64 (n_seen,)``.
        unseen_classes: sorted class indices held out of training, ``int64 (n_unseen,)``.
        x_train, y_train: seen classes, the dataset's training split: ``float32 (n, T, C)``,
            ``int64 (n,)``.
        x_seen_test, y_seen_test: seen classes, the dataset's test split.
        x_query, y_query: unseen classes, the queries.
        x_gallery, y_gallery: unseen classes, the reference gallery searched by the queries.
        train_index, seen_test_index, query_index, gallery_index: ``int64`` positions of each
            part's series in the pooled order ``concatenate([x_train, x_test])`` of the dataset
            (``0 .. n_train - 1`` are training series), each sorted ascending; every row of each
            part comes from that position.
    """

    name: str
    class_names: tuple[str, ...]
    seen_classes: np.ndarray
    unseen_classes: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_seen_test: np.ndarray
    y_seen_test: np.ndarray
    x_query: np.ndarray
    y_query: np.ndarray
    x_gallery: np.ndarray
    y_gallery: np.ndarray
    train_index: np.ndarray
    seen_test_index: np.ndarray
    query_index: np.ndarray
    gallery_index: np.ndarray

    def standardized(self) -> OpenSetSplit:
        """A copy whose four parts are standardised per channel with statistics of ``x_train``.

        Only the seen classes' training series are fitted (see
        :func:`~tslearnkit.data.standardize`); start from a dataset loaded with
        ``standardize=False`` to keep every unseen series out of the statistics.
        """
        _, _, stats = standardize(self.x_train)
        changes = {f"x_{part}": stats.apply(getattr(self, f"x_{part}"), name=f"x_{part}") for part in _PARTS}
        return dataclasses.replace(self, **changes)

    def summary(self) -> str:
        """One line per part: its number of series and of classes."""
        lines = [
            f"{self.name}: {len(self.seen_classes)} seen classes {self.seen_classes.tolist()}, "
            f"{len(self.unseen_classes)} unseen classes {self.unseen_classes.tolist()}"
        ]
        for part in _PARTS:
            y = getattr(self, f"y_{part}")
            lines.append(f"  {part:<10} {len(y):>6} series, {len(np.unique(y)):>3} classes")
        return "\n".join(lines)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{part}={len(getattr(self, f'y_{part}'))}" for part in _PARTS)
        classes = f"seen={len(self.seen_classes)}, unseen={len(self.unseen_classes)}"
        return f"OpenSetSplit(name={self.name!r}, {classes}, {sizes})"


def open_set_split(
    dataset: TimeSeriesDataset,
    *,
    unseen_fraction: float = 0.5,
    query_fraction: float = 0.5,
    seed: int = 0,
    unseen_classes=None,
) -> OpenSetSplit:
    """Split a dataset by class into seen classes (training) and unseen classes (search).

    Of the ``n`` classes that have series, ``round(n * unseen_fraction)`` (halves to even, as
    Python's ``round``) are drawn at random and held out; each unseen class with ``n_c`` series
    sends ``round(n_c * query_fraction)`` of them, at least 1 and at most ``n_c - 1``, to the
    queries and the rest to the gallery (both splits pooled, see the module docstring). The
    draw of classes and the query/gallery split use independent streams of ``seed``, so the same
    arguments always give the same split.

    Args:
        dataset: a :class:`~tslearnkit.data.TimeSeriesDataset`.
        unseen_fraction: share of the classes held out, in ``(0, 1)``; ignored when
            ``unseen_classes`` is given.
        query_fraction: share of each unseen class used as queries, in ``(0, 1)``.
        seed: integer >= 0.
        unseen_classes: optional class indices to hold out instead of a random draw.

    Returns:
        An :class:`OpenSetSplit`.

    Raises:
        TypeError: ``dataset`` is not a ``TimeSeriesDataset``, or ``seed`` is not an integer.
        ValueError: a fraction outside ``(0, 1)``, a negative seed, fewer than 2 seen or 2
            unseen classes, an unknown or repeated class in ``unseen_classes``, or an unseen
            class with fewer than 2 series (it cannot give a query and a gallery item).
    """
    if not isinstance(dataset, TimeSeriesDataset):
        raise TypeError(f"dataset must be a tk.data.TimeSeriesDataset; got {type(dataset).__name__}")
    for name, value in (("unseen_fraction", unseen_fraction), ("query_fraction", query_fraction)):
        _check_fraction(name, value)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer; got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")

    x_all = np.concatenate([dataset.x_train, dataset.x_test])
    y_all = np.concatenate([dataset.y_train, dataset.y_test])
    in_train = np.arange(len(y_all)) < len(dataset.y_train)
    present = np.unique(y_all)
    class_stream, query_stream = (np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(2))

    if unseen_classes is None:
        n_unseen = int(round(len(present) * unseen_fraction))
        unseen = np.sort(class_stream.permutation(present)[:n_unseen])
    else:
        unseen = _check_unseen_classes(unseen_classes, present)
    seen = np.setdiff1d(present, unseen)
    if len(seen) < 2 or len(unseen) < 2:
        raise ValueError(
            f"an open-set split needs at least 2 seen and 2 unseen classes; {dataset.name} has "
            f"{len(present)} classes with series, which gives {len(seen)} seen and {len(unseen)} unseen"
            + (f" with unseen_fraction={unseen_fraction!r}" if unseen_classes is None else "")
        )

    query_rows, gallery_rows = [], []
    for cls in unseen:
        members = np.flatnonzero(y_all == cls)
        if len(members) < 2:
            raise ValueError(
                f"unseen class {int(cls)} ({dataset.class_names[cls]!r}) has {len(members)} series; "
                "it needs at least 2 (one query and one gallery item): pass another seed or unseen_classes"
            )
        n_query = min(max(int(round(len(members) * query_fraction)), 1), len(members) - 1)
        shuffled = query_stream.permutation(members)
        query_rows.append(shuffled[:n_query])
        gallery_rows.append(shuffled[n_query:])

    is_seen = np.isin(y_all, seen)
    rows = {
        "train": np.flatnonzero(is_seen & in_train),
        "seen_test": np.flatnonzero(is_seen & ~in_train),
        "query": np.sort(np.concatenate(query_rows)),
        "gallery": np.sort(np.concatenate(gallery_rows)),
    }
    parts = {}
    for part, index in rows.items():
        parts[f"x_{part}"], parts[f"y_{part}"], parts[f"{part}_index"] = x_all[index], y_all[index], index
    return OpenSetSplit(
        name=dataset.name,
        class_names=dataset.class_names,
        seen_classes=seen.astype(np.int64),
        unseen_classes=unseen.astype(np.int64),
        **parts,
    )


def _check_unseen_classes(unseen_classes, present: np.ndarray) -> np.ndarray:
    values = np.asarray(unseen_classes).reshape(-1).tolist()
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int)]
    if bad:
        raise TypeError(f"unseen_classes must hold integer class indices; got {bad[0]!r}")
    unknown = sorted({int(v) for v in values} - set(present.tolist()))
    if unknown:
        raise ValueError(
            f"unseen_classes names class(es) {unknown} that have no series; classes with series are {present.tolist()}"
        )
    if len(set(int(v) for v in values)) != len(values):
        raise ValueError(f"unseen_classes repeats a class: {[int(v) for v in values]}")
    return np.sort(np.asarray(values, dtype=np.int64))


def _check_fraction(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a number in (0, 1) (exclusive); got {value!r}")
