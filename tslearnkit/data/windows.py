"""Long labelled recordings cut into fixed-length windows, split by recording: :func:`sliding_windows`."""

from __future__ import annotations

import numbers

import numpy as np

from ..checks import whole_numbers
from .convert import as_series_list
from .imported import (
    ImportedDataset,
    build_dataset,
    check_length_options,
    check_missing,
    check_split_options,
    draw_split,
    label_texts,
)
from .preprocess import MAX_LENGTH

__all__ = ["sliding_windows", "WINDOW_LABELS"]

WINDOW_LABELS = ("majority", "last")
"""How a window gets its label from per-step labels: ``"majority"`` (the most frequent label among
its steps; a tie goes to the tied label seen last in the window) or ``"last"`` (the label of its
last step)."""


def _is_scalar(value) -> bool:
    return isinstance(value, (str, bytes, numbers.Number, np.generic)) or value is None


def _step_codes(values, where: str) -> tuple[np.ndarray, list[str]]:
    """Per-step labels → ``(code per step, texts)`` with the label-text rule, one text per distinct value."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"{where}: the label of step {int(np.flatnonzero(codes < 0)[0])} is missing")
    texts = label_texts(list(uniques), where=lambda k: f"{where}, step {int(np.flatnonzero(codes == k)[0])}")
    distinct = sorted(set(texts))
    return np.array([distinct.index(t) for t in texts], np.int64)[codes], distinct


def _window_labels(codes: np.ndarray, texts: list[str], starts: np.ndarray, length: int, rule: str) -> list[str]:
    if rule == "last":
        return [texts[c] for c in codes[starts + length - 1]]
    onehot = np.zeros((len(codes) + 1, len(texts)), np.int64)
    onehot[np.arange(1, len(codes) + 1), codes] = 1
    cumulative = np.cumsum(onehot, axis=0)
    counts = cumulative[starts + length] - cumulative[starts]  # (windows, classes)
    out = []
    for w, row in enumerate(counts):
        tied = np.flatnonzero(row == row.max())
        if len(tied) == 1:
            out.append(texts[tied[0]])
            continue
        window = codes[starts[w] : starts[w] + length]
        last_seen = {c: np.flatnonzero(window == c)[-1] for c in tied}
        out.append(texts[max(tied, key=last_seen.get)])
    return out


def _labels_of(recordings: list, labels, name: str):
    """``[(codes_or_None, texts_or_label)]`` per recording: one label, or a label per step."""
    n = len(recordings)
    if n == 1 and _is_scalar(labels):
        labels = [labels]
    elif n == 1 and not _is_scalar(labels) and len(labels) == len(recordings[0]) > 1:
        if all(_is_scalar(v) for v in labels):
            labels = [labels]
    if _is_scalar(labels) or not hasattr(labels, "__len__"):
        raise TypeError(f"{name} must be one label per recording or a sequence of per-step labels per recording")
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"{name} has {len(labels)} entries but there are {n} recordings")
    out = []
    for i, (rec, lab) in enumerate(zip(recordings, labels)):
        if _is_scalar(lab):
            out.append((None, label_texts([lab], where=lambda _, i=i: f"{name}[{i}]")[0]))
            continue
        if len(lab) != len(rec):
            raise ValueError(
                f"{name}[{i}] has {len(lab)} per-step labels but recordings[{i}] has {len(rec)} steps; give one "
                "label per recording or one per step"
            )
        out.append(_step_codes(lab, f"{name}[{i}]"))
    return out


def sliding_windows(
    recordings,
    labels,
    *,
    length: int,
    stride: int,
    test_size: float = 0.3,
    seed: int = 0,
    test_recordings=None,
    window_label: str = "majority",
    channels: str = "auto",
    name: str = "windows",
    missing: str = "raise",
    standardize: bool = True,
    max_length: int | None = MAX_LENGTH,
) -> ImportedDataset:
    """Cut long labelled recordings into windows of ``length`` steps every ``stride`` steps.

    Example::

        data = tk.data.sliding_windows([rec_a, rec_b, rec_c], ["walk", "run", "walk"], length=128, stride=64)

    **No leakage**: all windows of one recording go to the same side of the split, so overlapping
    windows never appear on both sides. The test recordings are ``test_recordings`` when given;
    otherwise they are drawn (seeded) like :func:`from_arrays` draws series, stratified by each
    recording's label (for per-step labels: its most frequent one), which needs two recordings
    per such label; with per-step labels and fewer, a seeded shuffle picks
    ``round(test_size * recordings)`` (at least one). Every test window's label must occur in a
    training window.

    **Labels per window**: with one label per recording, every window takes it. With a label per
    step, ``window_label="majority"`` (default) takes the most frequent label among the window's
    steps (a tie goes to the tied label seen last in the window); ``"last"`` takes the label of
    the window's last step.

    Args:
        recordings: a list of ``(timesteps_i, channels)`` or ``(timesteps_i,)`` arrays, or one
            such array (read as in :func:`from_arrays`'s lists; never changed).
        labels: one label per recording, or per recording a sequence of one label per step.
        length: window length in steps; a recording shorter than this is an error.
        stride: steps between window starts (``stride < length`` overlaps); steps after the last
            whole window are dropped.
        test_size, seed: the drawn split of recordings.
        test_recordings: indices of the recordings to test on, or a mask of one boolean per recording (your
            own split).
        window_label: ``"majority"`` or ``"last"`` (per-step labels only).
        channels, name, missing, standardize, max_length: as in :func:`from_arrays`.

    Returns:
        An :class:`~tslearnkit.data.ImportedDataset` of windows (``notes`` says which recordings
        went to the test split).
    """
    check_missing(missing)
    check_length_options("resample", max_length)
    check_split_options(test_size, seed)
    for arg, value, low in (("length", length, 2), ("stride", stride, 1)):  # a window of 1 step is no series
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{arg} must be an integer >= {low} (steps); got {value!r}")
    if window_label not in WINDOW_LABELS:
        raise ValueError(f"window_label must be one of {list(WINDOW_LABELS)}; got {window_label!r}")
    if isinstance(recordings, np.ndarray) and recordings.dtype != object and recordings.ndim in (1, 2):
        recordings = [recordings]
    series, _, note = as_series_list(recordings, name="recordings", channels=channels, missing=missing)
    for i, rec in enumerate(series):
        if len(rec) < length:
            raise ValueError(f"recordings[{i}] has {len(rec)} steps, shorter than length={length}")
    per_recording = _labels_of(series, labels, "labels")
    windows, window_labels = [], []
    for rec, lab in zip(series, per_recording):
        starts = np.arange(0, len(rec) - length + 1, stride)
        windows.append([rec[s : s + length].copy() for s in starts])
        codes, texts = lab
        window_labels.append(
            [texts] * len(starts) if codes is None else _window_labels(codes, texts, starts, length, window_label)
        )
    test_index = _test_recordings(per_recording, test_recordings, test_size, seed)
    train_index = [i for i in range(len(series)) if i not in set(test_index)]
    pick = lambda items, index: [w for i in index for w in items[i]]  # noqa: E731
    train, y_train = pick(windows, train_index), pick(window_labels, train_index)
    test, y_test = pick(windows, test_index), pick(window_labels, test_index)
    unseen = sorted(set(y_test) - set(y_train))
    if unseen:
        raise ValueError(
            f"windows labelled {unseen} occur only in the test recordings {test_index}; choose test_recordings "
            "so that every label has training windows, or record more"
        )
    notes = [
        note,
        f"{sum(map(len, windows))} windows of {length} steps every {stride} steps; window label: "
        + ("the recording's" if all(lab[0] is None for lab in per_recording) else window_label),
        f"test recordings {test_index} ({len(test)} windows), train recordings {train_index} ({len(train)} windows)",
    ]
    tails = [(len(rec) - length) % stride for rec in series]
    if any(tails):
        notes.append(
            f"{sum(tails)} steps at the ends of {sum(map(bool, tails))} recording(s) fill no window and are left "
            "out (a stride that divides each recording's length minus the window keeps every step)"
        )
    return build_dataset(
        name, train, y_train, test, y_test, standardize=standardize, max_length=max_length, notes=notes
    )


def _test_recordings(per_recording, test_recordings, test_size: float, seed: int) -> list[int]:
    n = len(per_recording)
    if test_recordings is not None:
        given = np.atleast_1d(np.asarray(test_recordings))
        if given.dtype == bool and given.shape == (n,):
            given = np.flatnonzero(given)
        whole = given.dtype.kind == "f" and whole_numbers(given).all()
        if given.ndim != 1 or not (given.size == 0 or given.dtype.kind in "iu" or whole):
            raise ValueError(
                f"test_recordings must be indices of recordings (integers 0..{n - 1}) or a mask of {n} booleans, one "
                f"per recording; got {test_recordings!r}"
            )
        if len(set(given.tolist())) < len(given):
            raise ValueError(
                f"test_recordings={test_recordings!r} names a recording twice; give each index once (a mask must "
                "be booleans, True for a test recording)"
            )
        chosen = sorted(int(i) for i in given)
        if not chosen or chosen[0] < 0 or chosen[-1] >= n or len(chosen) == n:
            raise ValueError(
                f"test_recordings={test_recordings!r} must name some, not all, of the recordings 0..{n - 1}"
            )
        return chosen
    if n < 2:
        raise ValueError(
            "a single recording cannot be split without leakage between overlapping windows; pass two or more "
            "recordings (e.g. cut yours into parts), or give test_recordings"
        )
    keys = [lab[1] if lab[0] is None else lab[1][int(np.bincount(lab[0]).argmax())] for lab in per_recording]
    counts = {k: keys.count(k) for k in keys}
    if min(counts.values()) >= 2 and len(counts) >= 2:
        return sorted(int(i) for i in draw_split(keys, test_size, seed)[1])
    if all(lab[0] is None for lab in per_recording):
        if len(counts) < 2:
            raise ValueError(f"every recording has the label {keys[0]!r}; metric learning needs two classes")
        lonely = sorted(k for k, c in counts.items() if c < 2)
        raise ValueError(
            f"label(s) {lonely} have a single recording: a split by recording needs two recordings per label "
            "(one for each side); add recordings or give test_recordings"
        )
    order = np.random.default_rng(seed).permutation(n)
    return sorted(int(i) for i in order[: max(1, int(round(n * test_size)))])
