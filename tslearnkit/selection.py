"""Learned embedding or raw series? Decided by cross-validation inside the training split.

On a training set of a few dozen series a learned embedding can lose to 1-NN on the raw series
(for example on UnitTest, where raw DTW leads on P@1). Whether it does is not known in advance,
and the test split may not decide it. :func:`cross_validated_choice` decides it the way a
careful practitioner would: stratified ``k``-fold cross-validation *within the training split* —
each fold's held-out series search the other folds' series — for the raw series (Euclidean and
DTW) and for a learned embedding trained on the other folds with the recipe those folds give,
once as the recipe trains it and once with every batch also time-warped (``"learned + time
warp"``: on tiny sets warping raised the CV scores, on ACSF1 it lowered the test scores a lot,
so the folds decide; ``bench/tiny_warp.py`` and ``bench/warp_choice.py``).
The candidate with the best mean MAP@R over the folds is chosen; a tie goes to the simpler
candidate (Euclidean, then DTW, then the learned embedding, then the warped one). Nothing of
the test split is read.
Every fold is scored on both P@1 and MAP@R; ``criterion="P@1"`` chooses by the first instead
(measured on the tiny sets in ``bench/cv_criterion.py``: no better, so MAP@R stays the default),
and :meth:`CrossValidatedChoice.chosen_by` tells what the other criterion would have chosen.

Usage::

    choice = tk.selection.cross_validated_choice(data.x_train, data.y_train, loss="semihard")
    print(choice.describe())        # the fold scores and what was chosen
    choice.chosen                   # "euclidean", "dtw", "learned" or "learned + time warp"
"""

from __future__ import annotations

import dataclasses

import numpy as np

CANDIDATES = ("euclidean", "dtw", "learned", "learned + time warp")  # simplest first: ties go to the earlier
WARP = "time_warp"  # the augmentation of the "learned + time warp" candidate (tk.augment)
CRITERIA = {"MAP@R": "mean_average_precision_at_r", "P@1": "precision_at_1"}
FOLDS = 3

__all__ = ["CANDIDATES", "CRITERIA", "WARP", "CrossValidatedChoice", "cross_validated_choice"]


@dataclasses.dataclass(frozen=True)
class CrossValidatedChoice:
    """What :func:`cross_validated_choice` measured and chose.

    Attributes:
        chosen: one of the candidates measured (:data:`CANDIDATES`), by ``criterion``.
        scores: ``{criterion name: {candidate: [score of each fold]}}`` for every name in
            :data:`CRITERIA`.
        folds: the number of folds used (at most the smallest class's size).
        loss: the learned candidate's loss.
        criterion: the name in :data:`CRITERIA` the choice was made by.
    """

    chosen: str
    scores: dict
    folds: int
    loss: str
    criterion: str = "MAP@R"

    @property
    def fold_scores(self) -> dict:
        """``{candidate: [score of each fold]}`` on the criterion the choice was made by."""
        return self.scores[self.criterion]

    def mean(self, candidate: str, criterion: str | None = None) -> float:
        """A candidate's mean fold score on ``criterion`` (default: the one chosen by)."""
        return float(np.mean(self.scores[criterion or self.criterion][candidate]))

    def chosen_by(self, criterion: str) -> str:
        """What the same folds choose by ``criterion``; ties go to the simpler candidate."""
        means = {c: self.mean(c, criterion) for c in CANDIDATES if c in self.fold_scores}
        return next(c for c in means if means[c] >= max(means.values()) - 1e-12)

    def describe(self) -> str:
        """One line: each candidate's mean ± std fold score on the criterion, and the choice."""
        parts = [
            f"{c} {self.mean(c):.3f} ± {np.std(self.fold_scores[c]):.3f}" for c in CANDIDATES if c in self.fold_scores
        ]
        head = f"{self.folds}-fold CV within the training split ({self.criterion}): "
        return head + ", ".join(parts) + f" → {self.chosen}"


def cross_validated_choice(
    x_train,
    y_train,
    *,
    loss: str = "semihard",
    folds: int = FOLDS,
    encoder: str = "fcn",
    quick: bool = False,
    seed: int = 0,
    criterion: str = "MAP@R",
    candidates=CANDIDATES,
) -> CrossValidatedChoice:
    """Choose between the raw series and a learned embedding by ``folds``-fold CV on the training split.

    Args:
        x_train, y_train: the training split only, ``(n, t, c)`` float32 and ``(n,)`` int.
        loss: the learned candidate's loss (a name of :func:`tslearnkit.training.fit_embedding`,
            or ``"ce"`` for the cross-entropy embedding).
        folds: at most this many stratified folds; fewer when the smallest class is smaller
            (at least 2 series per class are needed).
        encoder: the learned candidate's encoder.
        quick: the quick recipe (CI).
        seed: seeds the folds and the fits.
        criterion: ``"MAP@R"`` (default) or ``"P@1"``: the mean fold score the choice is made by.
        candidates: which of :data:`CANDIDATES` to measure (default all; fewer is quicker).

    Returns:
        A :class:`CrossValidatedChoice` holding both criteria's fold scores.

    Raises:
        ValueError: a class with fewer than 2 training series, ``folds`` < 2, an unknown
            ``criterion``, candidate, loss or encoder, a bad ``seed``, or ``"learned + time warp"``
            with ``loss="ce"``; all before anything is fitted.
    """
    from sklearn.model_selection import StratifiedKFold

    from . import augment, baselines, models, training
    from .checks import check_flag, check_int
    from .data import check_labels, check_series
    from .recipe import MARGIN, make_recipe

    x_train = check_series(x_train, name="x_train")
    y_train = check_labels(y_train, len(x_train), name="y_train")
    check_int("folds", folds, low=2)
    if criterion not in CRITERIA:
        raise ValueError(f"criterion={criterion!r} is not one of {sorted(CRITERIA)}")
    try:
        wanted = None if isinstance(candidates, str) else list(candidates)
    except TypeError:
        wanted = None
    if not wanted or any(c not in CANDIDATES for c in wanted):
        shown = candidates if wanted is None else tuple(wanted)
        raise ValueError(f"candidates={shown!r}: give a non-empty sequence of {list(CANDIDATES)}")
    to_measure = [c for c in CANDIDATES if c in wanted]
    check_int("seed", seed, low=0)
    if seed >= 2**32:  # the folds' random_state
        raise ValueError(f"seed must be below 2**32; got {seed!r}")
    check_flag("quick", quick)
    if any(c.startswith("learned") for c in to_measure):  # named now, not after the first fold's baselines
        metric = sorted(set(training.LOSSES) - {"ntxent"})  # what fit_embedding takes: NT-Xent has no labels
        if loss != "ce" and loss not in metric:
            raise ValueError(f"loss={loss!r} is not 'ce' or one of {metric}")
        if isinstance(encoder, str) and encoder not in models.ENCODERS:
            raise ValueError(f"unknown encoder {encoder!r}; choose one of {sorted(models.ENCODERS)}")
    if loss == "ce" and "learned + time warp" in to_measure:
        raise ValueError('candidates: "learned + time warp" needs a metric loss; loss="ce" trains a classifier')
    smallest = int(np.bincount(y_train)[np.unique(y_train)].min())
    if smallest < 2:
        raise ValueError(
            f"cross-validation needs at least 2 training series in every class; the smallest class has {smallest}"
        )
    n_folds = min(int(folds), smallest)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    scores: dict = {name: {c: [] for c in to_measure} for name in CRITERIA}
    for fit_rows, held_rows in splitter.split(x_train, y_train):
        x_fit, y_fit, x_held, y_held = x_train[fit_rows], y_train[fit_rows], x_train[held_rows], y_train[held_rows]
        for distance in [c for c in ("euclidean", "dtw") if c in to_measure]:
            plan = baselines.plan_dtw(len(x_held), len(x_fit), x_train.shape[1], quick=quick)
            result = baselines.nearest_neighbour_scores(
                x_fit, y_fit, x_held, y_held, distance=distance, plan=plan if distance == "dtw" else None, seed=seed
            )
            for name, key in CRITERIA.items():
                scores[name][distance].append(float(result[key]))
        recipe = make_recipe(y_fit, x_train.shape[1], x_train.shape[2], x_train=x_fit, quick=quick)
        for candidate in [c for c in to_measure if c.startswith("learned")]:
            if loss == "ce":
                labels = np.searchsorted(np.unique(y_fit), y_fit)
                fit = training.fit_classifier(x_fit, labels, recipe=recipe, encoder=encoder, seed=seed, verbose=0)
            else:
                warp = augment.make_tf_augmenter([WARP], seed=seed + 1) if candidate.endswith("warp") else None
                fit = training.fit_embedding(
                    x_fit,
                    y_fit,
                    loss=loss,
                    loss_config={} if loss == "supcon" else {"margin": MARGIN},
                    recipe=recipe,
                    encoder=encoder,
                    batch_transform=warp,
                    seed=seed,
                    verbose=0,
                )
            result = training.evaluate_embedding(
                fit.embedding_model, x_fit, y_fit, x_held, y_held, k_values=(1,), seed=seed
            )
            for name, key in CRITERIA.items():
                scores[name][candidate].append(float(result[key]))
    measured = CrossValidatedChoice(chosen="", scores=scores, folds=n_folds, loss=loss, criterion=criterion)
    return dataclasses.replace(measured, chosen=measured.chosen_by(criterion))
