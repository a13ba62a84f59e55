"""Checks for lesson 5 (imbalance): the imbalance ratio, what random oversampling adds, and how
much of a leaky test set is synthetic."""

from __future__ import annotations

import numpy as np

from ._core import NotYet, defined, passed, require


def check_imbalance_ratio(imbalance_ratio, y_train) -> None:
    """Exercise 5.1: largest class count over smallest, in the (imbalanced) training split."""
    counts = np.bincount(y_train)
    counts = counts[counts > 0]
    expected = counts.max() / counts.min()
    value = float(defined(imbalance_ratio, "imbalance_ratio"))
    require(
        abs(value - expected) < 1e-6,
        f"you have {value:.3f}; count each class of the imbalanced training split (np.bincount) and divide the largest count by the smallest.",
    )
    passed(f"the largest class has {expected:.1f}× as many series as the smallest.")


def _number(value, name: str) -> float:
    """The student's ``value`` as one float, or NotYet saying what was expected."""
    value = defined(value, name)
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise NotYet(f"`{name}` should be one number; got {value!r}.") from None


def _distinct_rows(x) -> int:
    return len(np.unique(np.asarray(x).reshape(len(x), -1), axis=0))


def check_distinct_after_random(predicted_distinct, balanced, x_train, y_train) -> None:
    """Exercise 5.2: after ``random`` oversampling, the rarest class holds as many *different*
    series as before (copies are not new series), although it now has as many rows as the largest.

    Args:
        predicted_distinct: the student's prediction (an int), written before oversampling.
        balanced: the student's ``tk.augment.oversample(..., method="random")`` result.
        x_train, y_train: the long-tailed training split that was oversampled.
    """
    value = _number(predicted_distinct, "predicted_distinct")
    result = defined(balanced, "balanced")
    require(
        hasattr(result, "is_synthetic") and hasattr(result, "origin"),
        "keep what tk.augment.oversample returns (it has .x, .y, .is_synthetic and .origin), not a tuple or an array.",
    )
    counts = np.bincount(y_train)
    present = np.flatnonzero(counts)
    rarest = int(present[np.argmin(counts[present])])
    grown = np.bincount(result.y, minlength=len(counts))
    require(
        len(result.y) >= len(y_train) and len(set(grown[present])) == 1,
        f"`balanced` has {grown.tolist()} rows per class: oversample the long-tailed training split so that every "
        "class reaches the largest class's count (the default target).",
    )
    require(
        np.array_equal(result.x[: len(x_train)], x_train),
        "`balanced` should start with the long-tailed training series, unchanged: oversample imbalanced.x_train.",
    )
    synthetic = np.flatnonzero(result.is_synthetic)
    copies = np.array([np.array_equal(result.x[i], x_train[result.origin[i]]) for i in synthetic], dtype=bool)
    require(
        copies.all(),
        f"{int((~copies).sum())} synthetic rows differ from their parent: this exercise is about method='random' (exact copies).",
    )
    distinct = _distinct_rows(result.x[result.y == rarest])
    require(
        value != grown[rarest] or distinct == grown[rarest],
        f"you predicted {value:g}, the number of rows the rarest class has now. Look at "
        "balanced.origin for its synthetic rows: how many of those rows are series the class did not hold before?",
    )
    require(
        value == distinct,
        f"you predicted {value:g}; the rarest class holds {distinct} different series in {grown[rarest]} rows. "
        "Count the real series of the rarest class in imbalanced.y_train, and ask what a copy adds.",
    )
    passed(
        f"{grown[rarest]} rows but still {distinct} different series in the rarest class: random oversampling makes "
        f"a series more frequent, not new ({result.n_synthetic} copies in all)."
    )


def check_leaky_synthetic_share(predicted_share, pool_labels) -> None:
    """Exercise 5.3: oversampling the pooled real series up to the largest class, then splitting
    stratified by class, leaves about the pool's synthetic share in the test part.

    Args:
        predicted_share: the student's prediction, a fraction in [0, 1] (not a percentage).
        pool_labels: labels of the pooled *real* series (``pool.y_train``), before oversampling.
    """
    value = _number(predicted_share, "synthetic_share_predicted")
    require(
        0.0 <= value <= 1.0,
        f"you have {value:g}: give a share between 0 and 1 (0.25 for a quarter), not a percentage.",
    )
    counts = np.bincount(pool_labels)
    counts = counts[counts > 0]
    total = len(counts) * counts.max()
    expected = 1.0 - counts.sum() / total
    require(
        value > 0.0 or expected == 0.0,
        "the split comes *after* the oversampling in the leaky protocol, so the test part is drawn from a pool "
        "that already holds synthetic series. What share of that pool is synthetic?",
    )
    require(
        abs(value - expected) <= 0.01,
        f"you predicted {value:.2f}. Every class of the pool is grown to the largest class's count; a split that "
        "keeps each class's share puts, on average, the pool's synthetic share into the test part. Count the pool's real "
        "series (pool.y_train) and the rows it will have after oversampling.",
    )
    passed(
        f"about {expected:.0%} of the oversampled pool is synthetic ({total - counts.sum()} of {total} rows), "
        "and a split drawn at random within each class puts that share into the test part on average (a small test "
        "part can hold more or fewer): the leaky test set is partly made up."
    )
