"""Chains of augmentations on NumPy: names, default chains, parsing, `apply_augmentations`.

A chain is a sequence of names or ``(name, params)`` pairs, e.g.
``["jitter", ("scaling", {"sigma": 0.2})]``; missing parameters take the defaults of the public
function of the same name in ``transforms``. ``pipeline`` runs the same chains on tf.data.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import transforms
from ._checks import _rng

AUGMENTATIONS = tuple(transforms.KERNELS)
"""Names accepted in an augmentation chain (see :func:`apply_augmentations`)."""

CONTRASTIVE_AUGMENTATIONS = (
    ("random_crop", {"max_cut": 0.2}),
    ("jitter", {"sigma": 0.05}),
    ("scaling", {"sigma": 0.1}),
)
"""Default chain for the two views of contrastive training: crop, then noise, then gain."""


def _parse_augmentations(augmentations) -> list[tuple[Callable, dict[str, Any]]]:
    """Turn ``["jitter", ("scaling", {"sigma": 0.2}), ...]`` (or ``{"scaling": {"sigma": 0.2}}``) into
    (body, full parameters)."""
    if _is_single_spec(augmentations):
        augmentations = [augmentations]
    elif isinstance(augmentations, Mapping):  # {"jitter": {"sigma": 0.1}, ...}: its pairs, in order
        augmentations = list(augmentations.items())
    parsed = []
    for spec in augmentations:
        if isinstance(spec, str):
            name, params = spec, {}
        elif isinstance(spec, Sequence) and len(spec) == 2 and isinstance(spec[1], Mapping):
            name, params = spec
        else:
            raise ValueError(f"each augmentation must be a name or a (name, params dict) pair; got {spec!r}")
        if name not in transforms.KERNELS:
            raise ValueError(f"unknown augmentation {name!r}; allowed: {', '.join(AUGMENTATIONS)}")
        defaults = _augmentation_defaults(name)
        unknown = sorted(set(params) - set(defaults))
        if unknown:
            raise ValueError(f"{name} has no parameter(s) {', '.join(unknown)}; it takes {', '.join(defaults)}")
        parsed.append((transforms.KERNELS[name], {**defaults, **params}))
    return parsed


def _is_single_spec(spec) -> bool:
    """``"jitter"`` or ``("jitter", {...})`` given on its own rather than in a list."""
    return isinstance(spec, str) or (
        isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str) and isinstance(spec[1], Mapping)
    )


@functools.cache
def _augmentation_defaults(name: str) -> dict[str, Any]:
    """Strength parameters and defaults of an augmentation, read from its NumPy function."""
    signature = inspect.signature(getattr(transforms, name))
    return {p.name: p.default for p in signature.parameters.values() if p.name not in ("x", "seed")}


def apply_augmentations(x, augmentations, *, seed=None) -> np.ndarray:
    """Apply a chain of augmentations, in order, to NumPy series.

    Args:
        x: float array ``(n, timesteps, channels)``; not modified.
        augmentations: sequence of names or ``(name, params)`` pairs, e.g.
            ``["jitter", ("scaling", {"sigma": 0.2})]``, or a dict ``{name: params}`` of them in order;
            names from :data:`AUGMENTATIONS`,
            missing parameters take the defaults of the functions of the same name.
        seed: int, ``np.random.Generator`` or ``None`` (fresh OS entropy).

    Returns:
        New array, same shape and dtype as ``x``. Computed in float64, cast back once.

    Raises:
        ValueError: bad ``x``, unknown augmentation or parameter, out-of-range strength.
    """
    return transforms._run_chain(x, _parse_augmentations(augmentations), seed)


def random_augment(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS) -> np.ndarray:
    """One random view of every series: by default random crop, then jitter, then scaling.

    Args:
        x: float array ``(n, timesteps, channels)``.
        seed: int, ``np.random.Generator`` or ``None``.
        augmentations: the chain (see :func:`apply_augmentations`).

    Returns:
        Array of the same shape and dtype.
    """
    return apply_augmentations(x, augmentations, seed=seed)


def two_views(x, *, seed=None, augmentations=CONTRASTIVE_AUGMENTATIONS):
    """Two independently augmented views of every series, for contrastive training.

    Args:
        x: float array ``(n, timesteps, channels)``.
        seed: int, ``np.random.Generator`` or ``None``.
        augmentations: the chain applied to each view (see :func:`apply_augmentations`).

    Returns:
        ``(view_a, view_b)``, each the shape and dtype of ``x``.
    """
    rng = _rng(seed)
    return apply_augmentations(x, augmentations, seed=rng), apply_augmentations(x, augmentations, seed=rng)
