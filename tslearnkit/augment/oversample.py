"""Oversampling of a *training* split for class imbalance, with the provenance of every row.

The study's best row came from oversampling the minority classes of the *whole* dataset before
splitting it, so synthetic copies of test series sat in the training set. Here every generator
takes the training arrays only (:func:`oversample` never sees a test split;
:func:`oversample_dataset` passes it ``dataset.x_train`` and leaves ``x_test`` untouched), and
every synthetic row records the training row(s) it came from (:class:`OversampleResult`).
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping

import numpy as np

from ..checks import check_int, check_strength
from ..data import TimeSeriesDataset
from ._checks import _as_series, _rng
from .chain import _parse_augmentations, apply_augmentations
from .reference_walk import reference_walk

OVERSAMPLE_AUGMENTATIONS = (
    ("jitter", {"sigma": 0.03}),
    ("scaling", {"sigma": 0.1}),
    ("magnitude_warp", {"sigma": 0.2}),
)
"""Default chain of ``oversample(method="augment")`` (Iwana & Uchida 2021 default strengths)."""

OVERSAMPLE_METHODS = ("random", "interpolate", "augment", "reference_walk")


@dataclasses.dataclass(frozen=True, eq=False)
class OversampleResult:
    """A training set grown by :func:`oversample`, with the provenance of every row.

    Real rows come first, in input order; synthetic rows follow, grouped by class (ascending).

    Attributes:
        x: ``(n_real + n_synthetic, timesteps, channels)``, the dtype of the input.
        y: ``(n_real + n_synthetic,)`` labels, the dtype of the input.
        is_synthetic: bool ``(n_rows,)``; ``False`` for the first ``n_real`` rows.
        origin: int64 ``(n_rows,)``; a real row's own index in the input, a synthetic row's
            parent (the input row it was copied, augmented, walked or interpolated from).
        partner: int64 ``(n_rows,)``; the second parent of an ``"interpolate"`` row, ``-1``
            everywhere else.
        method: the method that made the synthetic rows.
    """

    x: np.ndarray
    y: np.ndarray
    is_synthetic: np.ndarray
    origin: np.ndarray
    partner: np.ndarray
    method: str

    @property
    def n_real(self) -> int:
        return int(np.count_nonzero(~self.is_synthetic))

    @property
    def n_synthetic(self) -> int:
        return int(np.count_nonzero(self.is_synthetic))


def _check_training_arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = _as_series(x)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n,); got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class labels; got dtype {y.dtype}")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} series but y has {len(y)} labels")
    if len(x) == 0:
        raise ValueError("x is empty: there is nothing to oversample")
    return x, y


def _resolve_targets(target, classes: np.ndarray, counts: np.ndarray) -> dict[int, int]:
    """Target count per class; classes not named by a dict target keep their count."""
    current = {int(c): int(n) for c, n in zip(classes, counts)}
    if isinstance(target, str):
        if target != "max":
            raise ValueError(f"target must be 'max', an int or a dict {{class: count}}; got {target!r}")
        return dict.fromkeys(current, max(current.values()))
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        _check_target_count("target", target)
        return dict.fromkeys(current, int(target))
    if isinstance(target, Mapping):
        unknown = [c for c in target if c not in current]
        if unknown:
            raise ValueError(f"target names class(es) {unknown} not present in y; classes are {sorted(current)}")
        resolved = dict(current)
        for cls, count in target.items():
            _check_target_count(f"target[{cls!r}]", count)
            resolved[int(cls)] = int(count)
        return resolved
    raise ValueError(f"target must be 'max', an int or a dict {{class: count}}; got {target!r}")


def _check_target_count(name: str, count) -> None:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise ValueError(f"{name} must be an integer count; got {count!r}")
    if count < 1:
        raise ValueError(f"{name} must be >= 1; got {count}")


def _random_parents(members: np.ndarray, needed: int, rng: np.random.Generator) -> np.ndarray:
    return members[rng.integers(0, len(members), needed)]


def _generate_random(x, members, needed, rng, **_):
    origin = _random_parents(members, needed, rng)
    return x[origin], origin, np.full(needed, -1, np.int64)


def _generate_augment(x, members, needed, rng, *, augmentations, **_):
    origin = _random_parents(members, needed, rng)
    return apply_augmentations(x[origin], augmentations, seed=rng), origin, np.full(needed, -1)


def _generate_reference_walk(x, members, needed, rng, *, time_sd, radius, smooth_window, **_):
    origin = _random_parents(members, needed, rng)
    synthetic = reference_walk(x[origin], seed=rng, time_sd=time_sd, radius=radius, smooth_window=smooth_window)
    return synthetic, origin, np.full(needed, -1)


def _nearest_same_class(flat: np.ndarray, k: int) -> np.ndarray:
    """Indices (into ``flat``) of each row's ``k`` nearest other rows, by Euclidean distance."""
    squared_norms = np.einsum("ij,ij->i", flat, flat)
    distances = squared_norms[:, None] + squared_norms[None, :] - 2.0 * flat @ flat.T
    np.fill_diagonal(distances, np.inf)  # a series is not its own neighbour
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def _generate_interpolate(x, members, needed, rng, *, k_neighbors, cls, **_):
    if len(members) < 2:
        raise ValueError(
            f"method='interpolate' needs at least 2 training series in class {cls} to "
            f"interpolate between, found {len(members)}; use method='random' or 'augment' "
            "(or drop the class)"
        )
    k = min(k_neighbors, len(members) - 1)
    flat = x[members].reshape(len(members), -1).astype(np.float64)
    neighbours = _nearest_same_class(flat, k)
    parent = rng.integers(0, len(members), needed)
    partner = neighbours[parent, rng.integers(0, k, needed)]
    weight = rng.random(needed)[:, None, None]
    start, end = flat[parent].reshape(-1, *x.shape[1:]), flat[partner].reshape(-1, *x.shape[1:])
    synthetic = (start + weight * (end - start)).astype(x.dtype)
    return synthetic, members[parent], members[partner]


_GENERATORS = {
    "random": _generate_random,
    "interpolate": _generate_interpolate,
    "augment": _generate_augment,
    "reference_walk": _generate_reference_walk,
}


def oversample(
    x,
    y,
    *,
    method: str,
    target="max",
    seed=None,
    k_neighbors: int = 5,
    augmentations=OVERSAMPLE_AUGMENTATIONS,
    time_sd: float = 3.3,
    radius: float = 0.01,
    smooth_window: int = 3,
) -> OversampleResult:
    """Grow the minority classes of a *training* set with synthetic series.

    Pass the training split only; evaluate on untouched real test series. Each class below its
    target count gets ``target - count`` synthetic rows; a class already at or above its target
    is left exactly as it is (oversampling never drops a real series).

    Methods (each synthetic row derives from training rows of its own class only):
        * ``"random"``: a copy of a random series of the class.
        * ``"interpolate"``: SMOTE for series: ``x_a + lam * (x_b - x_a)``, ``x_a`` a random
          series of the class, ``x_b`` one of its ``k_neighbors`` nearest same-class series
          (Euclidean distance on the flattened series; fewer if the class is smaller),
          ``lam ~ U(0, 1)``. A class that needs rows but has a single series raises
          ValueError (there is nothing to interpolate with; choose another method). Memory:
          one ``(m, m)`` distance matrix for a class of ``m`` series.
        * ``"augment"``: ``augmentations`` applied to a random series of the class (default
          jitter + scaling + magnitude warp, see :data:`OVERSAMPLE_AUGMENTATIONS`).
        * ``"reference_walk"``: the study's generator, :func:`reference_walk` of a random
          series of the class (``time_sd``, ``radius``, ``smooth_window``).

    Args:
        x: float array ``(n, timesteps, channels)``, no NaN/inf; not modified.
        y: integer labels ``(n,)``; not modified.
        method: one of :data:`OVERSAMPLE_METHODS`.
        target: ``"max"`` (every class up to the largest class's count), an int (every class
            up to that count), or a dict ``{class: count}`` (classes not named keep their
            count). Counts must be >= 1.
        seed: int, ``np.random.Generator`` or ``None``.
        k_neighbors: neighbours for ``"interpolate"`` (>= 1).
        augmentations: chain for ``"augment"`` (see :func:`apply_augmentations`).
        time_sd, radius, smooth_window: parameters of ``"reference_walk"``.

    Returns:
        :class:`OversampleResult` with new arrays (real rows first, then synthetic rows).

    Raises:
        ValueError: x not 3-D or not float, y not 1-D integer, length mismatch, NaN/inf in x,
            unknown method, bad target, or a one-series class for ``"interpolate"``.
    """
    x, y = _check_training_arrays(x, y)
    if method not in _GENERATORS:
        raise ValueError(f"unknown method {method!r}; allowed: {', '.join(OVERSAMPLE_METHODS)}")
    check_int("k_neighbors", k_neighbors, low=1)
    if method == "augment":
        _parse_augmentations(augmentations)
    if method == "reference_walk":
        check_strength("time_sd", time_sd)
        check_strength("radius", radius)
        check_int("smooth_window", smooth_window, low=1)
    classes, counts = np.unique(y, return_counts=True)
    targets = _resolve_targets(target, classes, counts)
    rng = _rng(seed)
    options = dict(
        k_neighbors=k_neighbors,
        augmentations=augmentations,
        time_sd=time_sd,
        radius=radius,
        smooth_window=smooth_window,
    )
    parts_x, parts_y = [x], [y]
    parts_origin, parts_partner = [np.arange(len(x))], [np.full(len(x), -1)]
    for cls, count in zip(classes.tolist(), counts.tolist()):
        needed = targets[cls] - count
        if needed <= 0:
            continue
        members = np.flatnonzero(y == cls)
        generate = _GENERATORS[method]
        synthetic, origin, partner = generate(x, members, needed, rng, cls=cls, **options)
        parts_x.append(synthetic.astype(x.dtype, copy=False))
        parts_y.append(np.full(needed, cls, dtype=y.dtype))
        parts_origin.append(origin)
        parts_partner.append(partner)
    n_rows = sum(len(part) for part in parts_y)
    return OversampleResult(
        x=np.concatenate(parts_x),
        y=np.concatenate(parts_y),
        is_synthetic=np.arange(n_rows) >= len(x),
        origin=np.concatenate(parts_origin).astype(np.int64),
        partner=np.concatenate(parts_partner).astype(np.int64),
        method=method,
    )


def oversample_dataset(
    dataset: TimeSeriesDataset, *, method: str, target="max", seed=None, **options
) -> tuple[TimeSeriesDataset, OversampleResult]:
    """Oversample a dataset's training split; its test split is passed through untouched.

    Args:
        dataset: a :class:`~tslearnkit.data.TimeSeriesDataset`.
        method, target, seed, options: as in :func:`oversample`.

    Returns:
        ``(new_dataset, result)``: ``new_dataset`` has ``x_train, y_train = result.x,
        result.y`` and the same test arrays; ``result`` says which rows are synthetic.
    """
    result = oversample(dataset.x_train, dataset.y_train, method=method, target=target, seed=seed, **options)
    return dataset.replace(x_train=result.x, y_train=result.y), result
