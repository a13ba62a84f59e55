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


def series_with_a_few_giants(n=40, t=50, giants=3, seed=0):
    """Shapes of unit spread at very different levels and scales: a few series dwarf the rest, then the
    channel is standardised over all values, as a dataset is at load time."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t, 1))
    x[:giants] *= 1000.0
    return ((x - x.mean()) / x.std()).astype(np.float32)


def test_spread_ratio_is_one_for_series_standardised_one_by_one_and_tiny_when_a_few_dwarf_the_rest():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 40, 2))
    x = (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)
    np.testing.assert_allclose(rc.series_spread_ratio(x), 1.0, rtol=1e-6)
    assert rc.series_spread_ratio(series_with_a_few_giants())[0] < 0.01
    constant = np.full((5, 10, 1), 3.0)
    np.testing.assert_array_equal(rc.series_spread_ratio(constant), [1.0])  # nothing to see: no rule


def test_per_series_channels_only_where_a_channel_is_nearly_flat_and_only_with_the_series():
    y = labels([20, 20])
    flat = series_with_a_few_giants()
    assert rc.make_recipe(y, 50, x_train=flat).per_series_channels
    assert "standardised per series" in rc.make_recipe(y, 50, x_train=flat).describe()
    assert not rc.make_recipe(y, 50).per_series_channels  # without the series the rule cannot read them
    rng = np.random.default_rng(2)
    assert not rc.make_recipe(y, 50, x_train=rng.normal(size=(40, 50, 1))).per_series_channels
    two = np.concatenate([rng.normal(size=(40, 50, 1)), flat], axis=2)  # one flat channel is enough
    assert rc.make_recipe(y, 50, 2, x_train=two).per_series_channels
    with pytest.raises(ValueError, match=r"x_train must hold the series of y_train.*\(40, 50, 1\); got \(40, 49, 1\)"):
        rc.make_recipe(y, 50, x_train=flat[:, :49])
    with pytest.raises(ValueError, match="x_train"):
        rc.make_recipe(y, 50, x_train=np.full((40, 50, 1), np.nan))


def test_of_the_offline_datasets_only_covid3month_disc_is_nearly_flat():
    """The rule changes the fits of one offline dataset; every other dataset's benchmark records keep their rules."""
    import tslearnkit as tk

    fired, ratios = {}, {}
    for name in tk.data.list_datasets()["offline"]:
        data = tk.data.load_dataset(name)
        recipe = rc.make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train)
        fired[name], ratios[name] = recipe.per_series_channels, rc.series_spread_ratio(data.x_train).min()
    assert [name for name, on in fired.items() if on] == ["Covid3Month_disc"], fired
    doc = " ".join(rc.__doc__.split())  # the numbers the docstring quotes
    others = min(v for name, v in ratios.items() if name != "Covid3Month_disc")
    assert f"(ratio {ratios['Covid3Month_disc']:.3f})" in doc and others >= 0.35 and f"{others:.2f}" == "0.35"
    assert "every other one is at 0.35 or above" in doc


def test_no_fit_of_the_open_set_benchmark_records_is_nearly_flat():
    """The open-set records (results/open_set) were measured before the rule; none of their fits would change."""
    import json
    from pathlib import Path

    import tslearnkit as tk
    from tslearnkit.course import open_set_benchmark as osb

    tasks = set()
    for path in (Path(__file__).resolve().parent.parent / "results" / "open_set").glob("*.json"):
        r = json.loads(path.read_text())
        if r["training_class_count"]:
            tasks.add((r["source_dataset"], r["class_draw"], tuple(r["unseen_classes"]), tuple(r["training_classes"])))
    assert len({t[0] for t in tasks}) == 4, tasks
    data = {name: tk.data.load_dataset(name, standardize=False) for name in {t[0] for t in tasks}}
    ratios = {
        task: rc.series_spread_ratio(
            osb.make_task(data[task[0]], list(task[2]), list(task[3]), draw=task[1]).x_fit
        ).min()
        for task in tasks
    }
    assert min(ratios.values()) > rc.FLAT_BELOW, min(ratios.items(), key=lambda kv: kv[1])
