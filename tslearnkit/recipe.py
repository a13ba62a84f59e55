"""The training recipe: every choice that depends on the dataset, derived from the data.

A lesson (or a user) calls :func:`make_recipe` on the *training* split and gets a
:class:`Recipe` whose fields feed ``tk.training.fit_*``. Nothing here looks at the test split.

The rules (``n_c``: series of class ``c`` in the part of the training split we fit on):

* **P×K batches.** ``P = min(n_classes, 16)`` classes per batch and
  ``K = clip(64 // P, 2, max(2, min_c n_c))`` series per class: about 64 series per batch, never
  more series of a class than its smallest class holds. A class with fewer than ``K`` series is
  drawn *with replacement* (:mod:`tslearnkit.sampling`): some of its series appear twice in a
  batch; with a single series the positive pair is the series itself.
* **Plain batches** (cross-entropy, contrastive views): ``clip(n_train // 8, 8, 32)`` series
  for cross-entropy, ``clip(n_train // 4, 8, 64)`` for the two-view contrastive losses.
* **A budget in optimizer steps, not epochs.** ``steps = 600`` (quick mode: 12), lowered for
  long series so that one fit processes at most :data:`MAX_SERIES_STEPS` time steps in all
  (``steps · batch · timesteps``; open set: half as many, see below), but never below 150.
  Epochs follow from the budget:
  ``ceil(steps / steps_per_epoch)``, so a 36-series dataset gets many short epochs and a
  large one a few long ones.
* **Validation from the training split.** When every class has at least
  :data:`MIN_PER_CLASS_FOR_VALIDATION` training series, a stratified 20 % of the training
  split is held out; training keeps the weights with the best validation MAP@R among about ten
  evaluations in the second half of the budget (:class:`tslearnkit.callbacks.BestWeights`).
  Smaller datasets train on everything with the fixed budget. Measured on a 20 % share carved
  from the training split (never the test split; ``bench/recipe_rules.py``, semi-hard, seeds
  0–2, records in ``bench/recipe_rules.json``): holding a further 20 % out for best weights
  lowered the share's MAP@R from 0.988 ± 0.011 to 0.981 ± 0.019 on JapaneseVowels (30 series
  per class) and from 0.817 ± 0.159 to 0.690 ± 0.189 on ArrowHead (12), P@1 equal: on sets this
  small the series are worth more as training data than as a selection signal.
* **Length** (at load time, :func:`tslearnkit.data.load_dataset`): variable-length series are
  resampled to the longest *training* series, and series longer than
  :data:`tslearnkit.data.MAX_LENGTH` (512) steps are averaged down to at most that length
  (piecewise aggregate approximation). Measured on a 20 % validation share of the training split
  (semi-hard, seed 0, ``bench/length_caps.py``, records in ``bench/length_caps.json``): ACSF1
  (1,460 steps) scored P@1 0.65 / MAP@R 0.45 uncapped, 0.70 / 0.45 at 512 (2.8× faster), 0.55 /
  0.33 at 256 and 0.30 / 0.24 at 128; OSULeaf (427 steps) 0.88 / 0.76 at 512 (its own length),
  0.93 / 0.89 at 256, 0.93 / 0.91 at 128. No cap wins both; 512 is the one that never lost much
  against keeping every step. Pad or resample (``bench/recipe_rules.py --rules length``, seeds
  0–2, records in ``bench/length_rule.json``; only JapaneseVowels and PickupGestureWiimoteZ of the
  offline datasets vary in length): P@1 within one std on both (0.988 ± 0.011 resampled vs 0.975 ±
  0.021 padded; 0.600 both), MAP@R higher padded on PickupGestureWiimoteZ (0.614 ± 0.015 vs 0.572 ±
  0.044). No winner, so resampling stays: it takes its length from the training split alone.
  The budget below, not the length, now limits long series: at 512
  steps a fit gets about 150 optimizer steps and its loss fell by 25–40 %, not to
  near zero (ACSF1 0.98 → 0.59, OSULeaf 0.99 → 0.74). A cheaper step does not keep the scores
  (``bench/long_cost.py``, ACSF1 and OSULeaf, seeds 0–2, table in bench/README.md): half the
  P×K batch, half the batch for twice the steps, and the smaller conv encoder each scored below
  the recipe on both P@1 and MAP@R of the validation share, so the budget stays as it is.
* **Open set** (``make_recipe(..., open_set=True)``, the recipe of lesson 7 and of
  ``tslearnkit benchmark --protocol open-set``): no validation share and no best weights — a
  share of the training classes' series would choose the weights that serve *those* classes.
  And half the cap on time steps, :data:`OPEN_SET_SERIES_STEPS` (still never below 150 steps):
  a lesson that compares losses on classes never seen fits six models (lesson 7), each at the
  cap on long series. Everything else is the rules above (other remedies measured on validation
  classes: ``bench/open_set_remedies.py``). The half cap was measured on two *validation
  classes* held out of the seen classes, training on three others (``bench/open_set_budget.py``,
  ACSF1 and PickupGestureWiimoteZ, the offline sets where halving the cap changes such a fit's
  budget more than a few steps; the six methods lesson 7 fits, three class draws, records in
  ``bench/open_set_budget.json``): the half cap's validation MAP@R was within one standard
  deviation of the whole cap's for every method on both (the rule set before the run), and the
  fits took 27 % to 46 % less time; paired by draw, the mean change of MAP@R per method and
  dataset ranged between -0.024 and +0.074. Two validation classes a draw, whose difficulty
  varies from draw to draw: this shows no large cost, not that there is none.
* **Stop when idle** (:func:`tslearnkit.training.fit_embedding`, ``stop_when_idle=50``): a
  triplet fit stops once its loss has stayed below a thousandth of its first epoch's value for
  50 optimizer steps — every triplet already satisfies the margin and the batches carry no
  gradient. Against the whole budget on the same validation shares (seeds 0–2): no loss scored
  lower on P@1 or MAP@R on JapaneseVowels or ArrowHead (batch-all on JapaneseVowels: MAP@R 0.995
  ± 0.006 vs 0.989 ± 0.009), and semi-hard fits on JapaneseVowels took 41 s instead of 71 s
  (times measured beside other jobs; ArrowHead's fits rarely went idle).
* **Did it learn?** :attr:`tslearnkit.training.FitResult.learned` is False when the last epoch's
  loss is not below 90 % of the first's; the fit prints one sentence saying so.
* **Tiny data** (a few dozen training series): no separate rule yet. On trial:
  :func:`tslearnkit.selection.cross_validated_choice` picks raw Euclidean, raw DTW, the
  semi-hard embedding or semi-hard with time-warped batches by 3-fold CV MAP@R inside the
  training split (the benchmark's ``CV choice`` rows, docs/benchmark.md; each record's
  ``chosen`` says what it took). With the first three candidates only, it chose the learned
  embedding in every benchmark run but one (DTW, once, on Covid3Month_disc) — the raw series' CV
  MAP@R is far below any embedding's except on Covid3Month_disc, where they are close — so it
  did not rescue P@1 where raw DTW leads (UnitTest, PickupGestureWiimoteZ, Covid3Month_disc).
  Choosing by CV P@1 instead did not either (``bench/cv_criterion.py``, seeds 0–2: on those
  three datasets its picks scored no higher test P@1 than the MAP@R picks and lower MAP@R; the
  folds of a few dozen series tie on P@1), so the criterion stays MAP@R. Time warping each batch
  (the benchmark's ``triplet semi-hard + time warp`` row) raised test MAP@R on seven offline
  datasets and cut it far on ACSF1, so alone it is no rule: the training folds decide whether to
  warp, as the fourth candidate. The benchmark measured with it (bench/README.md,
  ``bench/warp_choice.py``): test MAP@R up by more than 0.01 on ArrowHead, Covid3Month_disc,
  PickupGestureWiimoteZ and UnitTest and within 0.01 elsewhere; test P@1 now above the better
  raw baseline on ArrowHead and ItalyPowerDemand, still below it on Covid3Month_disc (lower than
  before), PickupGestureWiimoteZ and UnitTest. A metric learned on MiniRocket's features scored a
  lower CV P@1 than the recipe in the training folds (``bench/minirocket_head.py``). Ten seeds,
  compared with DTW query by query (``bench/tiny_seeds.py``): the gap is one query on UnitTest on
  every seed, within chance on PickupGestureWiimoteZ (whose three-seed tie was luck) and in DTW's
  favour on every seed of Covid3Month_disc (significant on three of ten). A smaller FCN or three
  times the steps, each on top of time warping, showed no gain beyond the spread over seeds in
  the training folds (``bench/tiny_capacity.py``): neither is a rule. Why no rule chosen inside
  the training split closed the gap (``bench/split_gap.py``): in 3-fold CV inside the training
  split an embedding's P@1 was above 1-NN DTW's on all three sets, and on the test split it is
  not; the gaps left are no larger than the published split alone moves a 1-NN with nothing fitted.
  Then the per-series rule ("nearly flat channels" below), which of the offline datasets only
  Covid3Month_disc triggers, put that dataset's best learned test P@1 above 1-NN DTW's, within one
  standard deviation over seeds, and its MAP@R far above the raw series' (docs/benchmark.md); the
  tiny-data gap left is UnitTest's one query and PickupGestureWiimoteZ's tie.
* **On-the-fly augmentation** (jitter, scaling, magnitude warp on every training batch) when
  the median class has at most :data:`AUGMENT_BELOW` training series.
* **Nearly flat channels** (``per_series_channels``; ``make_recipe(..., x_train=...)`` reads the
  values): each channel is standardised over the whole training split at load time, so where a few
  series dwarf the rest, most series reach the encoder as nearly flat lines and it cannot see their
  shapes. When some channel's median training series has a standard deviation below
  :data:`FLAT_BELOW` (0.1) of the channel's (:func:`series_spread_ratio`), the encoder also sees each
  channel standardised within its own series (:class:`tslearnkit.models.PerSeriesStandardization`,
  a layer of the model, so a query is treated as a training series is), and the batch augmentations
  act at each series' own scale (:func:`tslearnkit.augment.at_series_scale`; a jitter at the
  dataset's scale drowned those series). Of the offline datasets only Covid3Month_disc qualifies
  (ratio 0.009); every other one is at 0.35 or above. 0.1, a series varying by a tenth of the
  scale the encoder sees, is a round number in that gap, set after seeing these ten training
  splits: a dataset of yours between 0.1 and 0.35 is ground no measurement here covers.
  Measured in 3-fold CV inside the training split (``bench/per_series.py``, semi-hard, seeds 0–2,
  records in ``bench/per_series.json``, table in bench/README.md): on Covid3Month_disc the
  per-series channels about doubled the CV MAP@R and left the CV P@1 within its spread over seeds
  (MAP@R 0.271 ± 0.006 → 0.539 ± 0.008, P@1 0.536 ± 0.039 → 0.535 ± 0.012); the layer alone, with
  the batch augmentations at the dataset's scale, did not raise the CV MAP@R (a little below the
  recipe's on every seed); on UnitTest, PickupGestureWiimoteZ and ArrowHead, where the rule does not
  fire, the channels moved neither mean CV score by more than its spread over seeds.
* **Plots and clustering.** k-means uses ``n_classes`` clusters; t-SNE's perplexity is
  ``clip((n - 1) / 3, 2, 30)`` for ``n`` points.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .checks import check_flag, check_series
from .data import check_labels

__all__ = [
    "Recipe",
    "make_recipe",
    "resolve",
    "resolve_epochs",
    "tsne_perplexity",
    "affordable_steps",
    "MARGIN",
    "MAX_SERIES_STEPS",
    "OPEN_SET_SERIES_STEPS",
    "MIN_PER_CLASS_FOR_VALIDATION",
    "AUGMENT_BELOW",
    "BATCH_AUGMENTATIONS",
    "FLAT_BELOW",
    "series_spread_ratio",
]

FULL_STEPS = 600
QUICK_STEPS = 12
MIN_STEPS = 150
MAX_SERIES_STEPS = 4_000_000
OPEN_SET_SERIES_STEPS = MAX_SERIES_STEPS // 2
MAX_CLASSES_PER_BATCH = 16
TARGET_BATCH = 64
MIN_PER_CLASS_FOR_VALIDATION = 50
VALIDATION_FRACTION = 0.2
AUGMENT_BELOW = 50
BATCH_AUGMENTATIONS = ("jitter", "scaling", "magnitude_warp")
FLAT_BELOW = 0.1  # a channel whose median series spreads less than this share of the channel's spread
MARGIN = 0.5  # the triplet margin of the course's fits: unit-length embeddings, distances in [0, 2]


def _clip(value, low, high):
    return int(max(low, min(high, value)))


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Training choices for one dataset (see the module docstring for the rules).

    Attributes:
        n_train: training series the recipe was made for.
        n_classes: classes in the training split.
        smallest_class, median_class: series in the smallest / median class (fitting part).
        timesteps, channels: series shape.
        classes_per_batch, samples_per_class: P and K of the metric-learning batches.
        batch_size: plain mini-batch size for cross-entropy.
        contrastive_batch_size: series per batch for two-view contrastive losses.
        steps: optimizer steps per fit.
        validation_fraction: share of the training split held out for model selection (0: none).
        augment: whether training batches are augmented on the fly.
        quick: made for a quick (CI) run.
        open_set: made for a model that will search classes it never saw (no validation share).
        per_series_channels: the encoder also sees each channel standardised within its series
            (:class:`tslearnkit.models.PerSeriesStandardization`): some channel's typical training
            series varies by less than :data:`FLAT_BELOW` of the channel's spread.
    """

    n_train: int
    n_classes: int
    smallest_class: int
    median_class: int
    timesteps: int
    channels: int
    classes_per_batch: int
    samples_per_class: int
    batch_size: int
    contrastive_batch_size: int
    steps: int
    validation_fraction: float
    augment: bool
    quick: bool
    open_set: bool = False
    per_series_channels: bool = False

    @property
    def pk_batch(self) -> int:
        """Series per P×K batch."""
        return self.classes_per_batch * self.samples_per_class

    def epochs_for(self, steps_per_epoch: int) -> int:
        """Epochs that spend the step budget at ``steps_per_epoch`` batches per epoch."""
        return max(1, math.ceil(self.steps / max(1, int(steps_per_epoch))))

    def describe(self) -> str:
        """One line a lesson prints so a student sees what was chosen and why."""
        val = (
            f"{self.validation_fraction:.0%} of train held out for model selection"
            if self.validation_fraction
            else "no validation share of the training classes (open set: it would keep the weights best for them)"
            if self.open_set
            else "no validation split (too few series per class)"
        )
        aug = "augmented batches" if self.augment else "no augmentation"
        shape = (
            ", each channel also standardised per series"
            " (a channel's typical series is nearly flat at the data's scale)"
            if self.per_series_channels
            else ""
        )
        return (
            f"recipe: P×K = {self.classes_per_batch}×{self.samples_per_class}, "
            f"{self.steps} optimizer steps, CE batch {self.batch_size}, contrastive batch "
            f"{self.contrastive_batch_size}, {val}, {aug}{shape}"
        )


def make_recipe(
    y_train, timesteps: int, channels: int = 1, *, x_train=None, quick: bool = False, open_set: bool = False
) -> Recipe:
    """Derive the training recipe from the training labels and the series shape.

    Args:
        y_train: ``(n,)`` integer labels of the training split (never the test split).
        timesteps, channels: the series shape ``(timesteps, channels)``.
        x_train: the training series ``(n, timesteps, channels)`` themselves, for the one rule that reads
            values (``per_series_channels``, :func:`series_spread_ratio`); without them it is off.
        quick: a tiny step budget for CI smoke runs.
        open_set: the model will search classes it never saw: no validation share (it would
            hold out *series* of the training classes and choose the weights for them; open-set
            choices are made on validation *classes*, see :mod:`tslearnkit.course.open_set_benchmark`),
            and a fit on long series may process half as many time steps
            (:data:`OPEN_SET_SERIES_STEPS`; still never below 150 optimizer steps).

    Returns:
        A :class:`Recipe`.
    """
    y_train = check_labels(y_train, name="y_train")
    counts = np.bincount(y_train)
    counts = counts[counts > 0]
    if len(counts) < 2:
        raise ValueError(f"y_train must hold at least two classes; got {len(counts)}")
    for value, argument in ((timesteps, "timesteps"), (channels, "channels")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{argument} must be an integer; got {value!r}")
    check_flag("quick", quick)
    check_flag("open_set", open_set)
    timesteps, channels = int(timesteps), int(channels)
    if timesteps < 1 or channels < 1:
        raise ValueError(f"timesteps and channels must be >= 1; got {timesteps}, {channels}")
    per_series = False
    if x_train is not None:
        x_train = check_series(x_train, name="x_train")
        if x_train.shape[1:] != (timesteps, channels) or len(x_train) != len(y_train):
            raise ValueError(
                f"x_train must hold the series of y_train, shaped (n, timesteps, channels) = "
                f"({len(y_train)}, {timesteps}, {channels}); got {x_train.shape}"
            )
        per_series = bool(series_spread_ratio(x_train).min() < FLAT_BELOW)
    n_train, n_classes = int(counts.sum()), len(counts)
    enough = counts.min() >= MIN_PER_CLASS_FOR_VALIDATION
    validation = VALIDATION_FRACTION if enough and not open_set else 0.0
    fit_counts = counts - np.round(counts * validation).astype(int)
    smallest, median = int(fit_counts.min()), int(np.median(fit_counts))
    p = min(n_classes, MAX_CLASSES_PER_BATCH)
    k = _clip(TARGET_BATCH // p, 2, max(2, smallest))
    n_fit = int(fit_counts.sum())
    batch = _clip(n_fit // 8, 8, 32)
    contrastive_batch = _clip(n_fit // 4, 8, 64)
    if quick:
        steps = QUICK_STEPS
    else:
        steps = affordable_steps(OPEN_SET_SERIES_STEPS if open_set else MAX_SERIES_STEPS, p * k, timesteps)
    return Recipe(
        n_train=n_train,
        n_classes=n_classes,
        smallest_class=smallest,
        median_class=median,
        timesteps=timesteps,
        channels=channels,
        classes_per_batch=p,
        samples_per_class=k,
        batch_size=batch,
        contrastive_batch_size=contrastive_batch,
        steps=steps,
        validation_fraction=validation,
        augment=median <= AUGMENT_BELOW,
        quick=bool(quick),
        open_set=bool(open_set),
        per_series_channels=per_series,
    )


def series_spread_ratio(x_train) -> np.ndarray:
    """Per channel, how much a typical series varies at the scale the encoder sees: the median over series
    of a series' standard deviation (over its time steps), divided by the channel's standard deviation
    over all values. ``(n, timesteps, channels) -> (channels,)``; 1 for series standardised one by one
    (most UCR sets), near 0 when a few series dwarf the rest; a constant channel gives 1 (nothing to see).
    """
    x = check_series(x_train, name="x_train").astype(np.float64)
    typical = np.median(x.std(axis=1), axis=0)
    spread = x.reshape(-1, x.shape[2]).std(axis=0)
    return np.where(spread > 0, typical / np.where(spread > 0, spread, 1.0), 1.0)


def affordable_steps(series_steps: int, batch: int, timesteps: int) -> int:
    """The step rule: optimizer steps a fit of ``batch``-series batches of ``timesteps`` steps gets when it may
    process ``series_steps`` time steps in all, ``clip(series_steps // (batch · timesteps), 150, 600)``."""
    return _clip(int(series_steps) // (int(batch) * int(timesteps)), MIN_STEPS, FULL_STEPS)


def resolve(value, recipe: Recipe | None, field: str, default):
    """One setting of a ``tk.training.fit_*`` helper: ``value`` when given (explicit arguments override
    the recipe), else the recipe's ``field``, else the helper's ``default``."""
    if value is not None:
        return value
    return getattr(recipe, field) if recipe is not None else default


def resolve_epochs(epochs, recipe: Recipe | None, steps_per_epoch: int, default: int) -> int:
    """The epochs of a ``tk.training.fit_*`` helper: ``epochs`` when given, else those that spend the
    recipe's step budget (:meth:`Recipe.epochs_for`), else the helper's ``default``."""
    if epochs is not None:
        return int(epochs)
    return recipe.epochs_for(steps_per_epoch) if recipe is not None else default


def tsne_perplexity(n_points: int) -> float:
    """t-SNE perplexity for ``n_points`` points: ``clip((n - 1) / 3, 2, 30)`` (it must stay
    below ``n``)."""
    return float(max(2.0, min(30.0, (int(n_points) - 1) / 3)))
