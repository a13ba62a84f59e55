"""Seeded, stratified splits of a labelled set."""

from __future__ import annotations

import numpy as np

from ..checks import check_labels, check_series

__all__ = ["stratified_split", "stratified_split_indices"]


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
