"""tslearnkit.recipe: the rules that adapt training to a dataset, checked rule by rule."""

import numpy as np
import pytest

from tslearnkit import recipe as rc


def labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


@pytest.mark.parametrize(
    "counts",
    [[30] * 9, [12, 12, 12], [2, 2], [2, 40, 7], [5] * 10, [3] * 60, [25, 1000], [1, 1, 1]],
    ids=lambda c: f"{len(c)}cls-min{min(c)}",
)
def test_batch_never_asks_more_than_the_data_holds(counts):
    r = rc.make_recipe(labels(counts), timesteps=100, channels=3)
    assert 2 <= r.classes_per_batch <= min(len(counts), rc.MAX_CLASSES_PER_BATCH)
    assert 2 <= r.samples_per_class
    # K is bounded by the smallest class of the part we fit on (2 at least: a positive pair).
    assert r.samples_per_class <= max(2, r.smallest_class)
    assert r.pk_batch <= rc.TARGET_BATCH + r.classes_per_batch
    assert 8 <= r.batch_size <= 32 and 8 <= r.contrastive_batch_size <= 64


def test_validation_only_when_every_class_is_large():
    assert rc.make_recipe(labels([60] * 9), 29, 12).validation_fraction == pytest.approx(0.2)
    assert rc.make_recipe(labels([30] * 9), 29, 12).validation_fraction == 0.0
    assert rc.make_recipe(labels([49, 500]), 29, 12).validation_fraction == 0.0
    r = rc.make_recipe(labels([50, 80]), 29, 12)
    assert r.validation_fraction and r.smallest_class == 40  # 50 - 10 held out


def test_step_budget_shrinks_for_long_series_but_not_below_the_floor():
    short = rc.make_recipe(labels([30] * 9), timesteps=29, channels=12)
    long = rc.make_recipe(labels([30] * 9), timesteps=300, channels=1)
    huge = rc.make_recipe(labels([30] * 9), timesteps=100_000, channels=1)
    assert short.steps == rc.FULL_STEPS
    assert rc.MIN_STEPS < long.steps < short.steps
    assert long.steps * long.pk_batch * 300 <= rc.MAX_SERIES_STEPS
    assert huge.steps == rc.MIN_STEPS
    assert rc.make_recipe(labels([30] * 9), 29, 12, quick=True).steps == rc.QUICK_STEPS


def test_an_open_set_fit_gets_half_the_cap_on_long_series_and_the_same_budget_on_short_ones():
    y = labels([10, 10, 10])  # lesson 7's three training classes on ACSF1
    closed, open_ = rc.make_recipe(y, 487, 1), rc.make_recipe(y, 487, 1, open_set=True)
    assert rc.OPEN_SET_SERIES_STEPS == rc.MAX_SERIES_STEPS // 2
    assert closed.pk_batch == open_.pk_batch == 30
    assert closed.steps == rc.MAX_SERIES_STEPS // (30 * 487) == 273
    assert open_.steps == rc.MIN_STEPS  # 2 M // (30 · 487) = 136, raised to the floor
    middle = rc.make_recipe(labels([5, 5, 5]), 361, 1, open_set=True)  # 15 · 361 time steps a batch
    assert middle.steps == rc.OPEN_SET_SERIES_STEPS // (15 * 361) == 369
    assert rc.make_recipe(labels([30] * 5), 29, 12, open_set=True).steps == rc.FULL_STEPS  # short: unchanged


def test_epochs_spend_the_budget():
    r = rc.make_recipe(labels([12, 12, 12]), 251, 1)
    assert r.epochs_for(2) == -(-r.steps // 2)
    assert r.epochs_for(10_000) == 1


def test_augmentation_for_small_training_sets_only():
    assert rc.make_recipe(labels([12, 12, 12]), 100).augment
    assert not rc.make_recipe(labels([200, 300]), 100).augment


def test_describe_says_what_was_chosen():
    text = rc.make_recipe(labels([5] * 10), 100).describe()
    assert "P×K = 10×5" in text and "no validation split (too few series per class)" in text and "augmented" in text
    open_set = rc.make_recipe(labels([60] * 10), 100, open_set=True)
    assert open_set.open_set and "too few" not in open_set.describe()  # 60 per class is enough; open set is why
    assert "no validation share of the training classes (open set" in open_set.describe()


@pytest.mark.parametrize("n, expected", [(10, 3.0), (4, 2.0), (1000, 30.0)])
def test_tsne_perplexity_stays_below_the_point_count(n, expected):
    assert rc.tsne_perplexity(n) == pytest.approx(expected)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="at least two classes"):
        rc.make_recipe(np.zeros(10, int), 10)
    with pytest.raises(ValueError, match="timesteps and channels"):
        rc.make_recipe(labels([3, 3]), 0)
    with pytest.raises(ValueError, match="y_train"):
        rc.make_recipe(np.array(["a", "b"]), 10)


def test_the_length_rules_numbers_in_the_docstring_are_the_records():
    import json
    from pathlib import Path

    rows = json.loads((Path(__file__).resolve().parent.parent / "bench" / "length_rule.json").read_text())
    doc = " ".join(rc.__doc__.split())
    for dataset in {r["dataset"] for r in rows}:
        for setting in {r["setting"] for r in rows}:
            group = [r for r in rows if r["dataset"] == dataset and r["setting"] == setting]
            assert len(group) == 3, (dataset, setting)
            for key in ("precision_at_1", "mean_average_precision_at_r"):
                v = np.array([r[key] for r in group])
                if v.std() > 0:  # a constant column is quoted without its spread
                    assert f"{v.mean():.3f} ± {v.std(ddof=1):.3f}" in doc, (dataset, setting, key)
                else:
                    assert f"{v.mean():.3f}" in doc, (dataset, setting, key)
