"""Checks for lesson 5 (imbalance): the imbalance ratio, oversampling with the kit, jitter strength."""

from __future__ import annotations

import numpy as np

from ._core import call, defined, passed, require


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


def check_oversampled(balanced, x_train, y_train) -> None:
    """Exercise 5.2: ``tk.augment.oversample(..., method="random")`` brings every class to the largest."""
    result = defined(balanced, "balanced")
    require(
        hasattr(result, "is_synthetic"), "keep what tk.augment.oversample returns (an OversampleResult), not a tuple."
    )
    counts = np.bincount(result.y)
    require(
        len(set(counts[counts > 0])) == 1, f"the classes are not balanced yet: counts {counts.tolist()} (target='max')."
    )
    require(np.array_equal(result.x[: len(x_train)], x_train), "the real series must come first, unchanged.")
    require(result.n_synthetic == len(result.y) - len(y_train), "every added row should be marked synthetic.")
    passed(f"{result.n_synthetic} synthetic series make every class {counts.max()} strong; real ones untouched.")


def check_jitter_sigma(jitter_sigma, x) -> None:
    """Exercise 5.3: the jitter strength that adds noise of standard deviation 0.05."""
    from ..augment import jitter

    sigma = float(defined(jitter_sigma, "jitter_sigma"))
    noise = call(lambda s: jitter(x, sigma=s, seed=0) - x, "jitter", sigma)
    std = float(np.std(noise))
    require(
        abs(std - 0.05) < 0.005,
        f"with sigma={sigma} the added noise has std {std:.4f}; jitter adds N(0, sigma²) at every step.",
    )
    passed(f"sigma={sigma}: noise of std {std:.3f}, small next to standardised channels (std 1).")
