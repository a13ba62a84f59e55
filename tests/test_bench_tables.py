"""bench/README.md's tables are what the bench scripts print from their committed records, and the
words beside them say what those records say."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from tslearnkit.course.results import load_results

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _script(name: str):
    if str(BENCH) not in sys.path:  # a bench script imports its neighbours, as it does when run
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _block(marker: str) -> str:
    text = (BENCH / "README.md").read_text()
    found = re.search(rf"<!-- {marker}:start -->\n(.*?)\n<!-- {marker}:end -->", text, re.S)
    assert found, f"bench/README.md has no {marker} block"
    return found.group(1)


@pytest.mark.parametrize(
    ("script", "marker"),
    [
        ("cv_criterion", "cv-criterion"),
        ("long_cost", "long-cost"),
        ("minirocket_head", "minirocket-head"),
        ("open_set_budget", "open-set-budget"),
        ("per_series", "per-series"),
        ("split_gap", "split-gap"),
        ("tiny_capacity", "tiny-capacity"),
        ("tiny_seeds", "tiny-seeds"),
        ("tiny_seeds", "tiny-seeds-per-series"),
        ("tiny_warp", "tiny-warp"),
        ("warp_choice", "warp-choice"),
    ],
)
def test_the_readme_table_is_the_scripts_table_of_its_records(script, marker):
    module = _script(script)
    if script == "warp_choice":  # its folds and tiny_warp's time-warp folds
        rows = module._all_rows(BENCH / "warp_choice.json")
    elif script == "open_set_budget":  # one JSON line per fit
        rows = module.load()
    elif marker == "tiny-seeds-per-series":  # the same study again on Covid3Month_disc, with the per-series rule
        rows = json.loads((BENCH / "tiny_seeds_per_series.json").read_text())
    else:
        rows = json.loads((BENCH / f"{script}.json").read_text())
    assert _block(marker) == module.table(rows), f"run `.venv/bin/python bench/{script}.py --table`"


def test_the_readme_table_of_the_per_series_rule_on_the_test_split_is_the_records():
    assert _block("per-series-test") == _script("per_series").test_split_table()


def test_no_cheaper_long_series_setting_keeps_the_recipes_scores():
    rows = json.loads((BENCH / "long_cost.json").read_text())
    recipe = next(r["setting"] for r in rows if r["setting"].startswith("recipe"))
    means = {}
    for r in rows:
        means.setdefault((r["dataset"], r["setting"]), []).append(
            (r["precision_at_1"], r["mean_average_precision_at_r"], r["fit_s"], r["loss_last"])
        )
    means = {key: np.mean(values, axis=0) for key, values in means.items()}
    datasets = {d for d, _ in means}
    assert datasets >= {"ACSF1", "OSULeaf"}
    for dataset in datasets:
        p1, mapr, seconds, _ = means[dataset, recipe]
        for (d, setting), (other_p1, other_mapr, other_seconds, _) in means.items():
            if d == dataset and setting != recipe:
                assert other_p1 < p1 and other_mapr < mapr, (dataset, setting)  # below on both
                assert other_seconds < seconds, (dataset, setting)  # every alternative is cheaper
        assert means[dataset, "conv encoder"][2] < seconds / 3  # "several times faster"
    assert means["OSULeaf", "conv encoder"][3] < 1e-3  # its loss fell to zero on OSULeaf


def _records_before() -> list[dict]:
    """The benchmark's records as the studies of bench/README.md were made against (``bench/benchmark_before.py``)."""
    _script("benchmark_before")  # puts bench/ on the path
    from benchmark_before import benchmark_records

    return benchmark_records()


def _benchmark_means(folder: Path | None = None) -> dict:
    """``{(dataset, method): (P@1, MAP@R)}``, means over seeds of the records in ``folder``; without one, of
    the benchmark's records as the studies of bench/README.md were made against (``bench/benchmark_before.py``)."""
    values = {}
    for record in _records_before() if folder is None else load_results(folder, on_error="raise"):
        metrics = record["metrics"]
        if "precision_at_1" in metrics:
            values.setdefault((record["dataset"], record["method"]), []).append(
                (metrics["precision_at_1"], metrics["mean_average_precision_at_r"])
            )
    return {key: np.mean(v, axis=0) for key, v in values.items()}


def test_what_the_readme_says_time_warping_did_on_the_test_split():
    means = _benchmark_means()
    plain, warp = "triplet semi-hard", "triplet semi-hard + time warp"
    datasets = sorted({d for d, m in means if m == warp})
    assert len(datasets) == 10
    gain = {d: means[d, warp] - means[d, plain] for d in datasets}
    perfect = {d for d in datasets if means[d, plain][1] == 1.0}
    assert perfect == {"BasicMotions", "GunPoint"} and all(means[d, warp][1] > 0.999 for d in perfect)
    assert sorted(d for d in datasets if gain[d][1] > 0 and d not in perfect) == sorted(
        set(datasets) - perfect - {"ACSF1"}
    )  # "MAP@R rose on seven datasets"
    assert gain["ACSF1"][1] < -0.1  # "fell far on ACSF1"
    assert sorted(d for d in datasets if gain[d][0] < 0) == ["ACSF1", "Covid3Month_disc"]
    best_raw = {d: max(means[d, "1-NN DTW (raw)"][0], means[d, "1-NN Euclidean (raw)"][0]) for d in datasets}
    assert abs(means["PickupGestureWiimoteZ", warp][0] - means["PickupGestureWiimoteZ", "1-NN DTW (raw)"][0]) < 1e-9
    assert means["UnitTest", plain][0] < means["UnitTest", warp][0] < best_raw["UnitTest"]


def test_what_the_readme_says_cv_with_a_time_warp_candidate_chose_in_the_trial():
    module = _script("warp_choice")
    records = module._records()
    before = module._records(module.BEFORE_DIR)
    picked = module.choices(module._all_rows(BENCH / "warp_choice.json"), records, before)
    assert len(picked) == 30  # ten datasets, three seeds
    assert all(p["chosen"] != "learned + time warp" for p in picked if p["dataset"] == "ACSF1")  # "never on ACSF1"
    then = _benchmark_means(module.BEFORE_DIR)
    for dataset in {p["dataset"] for p in picked}:
        mapr = np.mean([p["mean_average_precision_at_r"] for p in picked if p["dataset"] == dataset])
        assert mapr >= then[dataset, module.BEFORE][1] - 1e-12, dataset  # "as high or higher on every dataset"
    for record in before.values():  # recipe docstring: raw CV MAP@R far below the embedding's but on Covid
        cv = record["cv_map_at_r"]
        gap = cv["learned"] - max(cv["euclidean"], cv["dtw"])
        assert gap > 0.1 if record["dataset"] != "Covid3Month_disc" else abs(gap) < 0.02, record["dataset"]


def test_what_the_readme_says_the_adopted_cv_choice_did():
    module = _script("warp_choice")
    records = module._records()
    before = module._records(module.BEFORE_DIR)
    picked = module.choices(module._all_rows(BENCH / "warp_choice.json"), records, before)
    now = {(p["dataset"], p["seed"]): records[module.NOW, p["dataset"], p["seed"]] for p in picked}
    same = [p for p in picked if now[p["dataset"], p["seed"]]["chosen"] == p["chosen"]]
    assert (len(same), len(picked)) == (25, 30)  # "chose as the trial did on 25 of the 30 runs"
    trial, then = picked[[p["dataset"] for p in picked].index("ArrowHead")], now["ArrowHead", 0]
    assert trial["seed"] == 0
    moved = trial["cv"]["learned"] - then["cv_map_at_r"]["learned"]
    assert moved > abs(trial["cv"]["learned"] - trial["cv"]["learned + time warp"])  # "fell by more than the gap"
    pickup = [p for p in picked if p["dataset"] == "PickupGestureWiimoteZ"]
    assert all(
        p["chosen"] == now["PickupGestureWiimoteZ", p["seed"]]["chosen"] == "learned + time warp" for p in pickup
    )
    means, then_means = _benchmark_means(), _benchmark_means(module.BEFORE_DIR)
    datasets = sorted({p["dataset"] for p in picked})
    gain = {d: means[d, module.NOW] - then_means[d, module.BEFORE] for d in datasets}
    assert np.mean([now["PickupGestureWiimoteZ", s]["metrics"]["precision_at_1"] for s in range(3)]) < np.mean(
        [p["precision_at_1"] for p in pickup]
    )  # "scored a lower P@1" than the trial
    lower = np.mean([p["precision_at_1"] for p in pickup]) - means["PickupGestureWiimoteZ", module.NOW][0]
    assert round(lower * 50, 9) == 2  # "lower by two of the 50 test queries"
    up_map = ["ArrowHead", "Covid3Month_disc", "PickupGestureWiimoteZ", "UnitTest"]
    assert [d for d in datasets if gain[d][1] > 0.01] == up_map
    assert all(abs(gain[d][1]) <= 0.01 for d in datasets if d not in up_map)
    assert [d for d in datasets if gain[d][0] > 0.01] == ["ArrowHead", "PickupGestureWiimoteZ", "UnitTest"]
    assert [d for d in datasets if gain[d][0] < -0.01] == ["Covid3Month_disc"]
    assert sum(abs(gain[d][0]) <= 0.01 for d in datasets) == 6
    raw = {d: max(means[d, "1-NN DTW (raw)"][0], means[d, "1-NN Euclidean (raw)"][0]) for d in datasets}
    for dataset in ("ArrowHead", "ItalyPowerDemand"):  # "now above the better raw baseline"
        assert then_means[dataset, module.BEFORE][0] < raw[dataset] < means[dataset, module.NOW][0]
    below = [d for d in datasets if means[d, module.NOW][0] < raw[d] - 1e-9]
    assert below == ["Covid3Month_disc", "PickupGestureWiimoteZ", "UnitTest"]


def test_the_one_thread_rerun_scores_what_the_cv_choice_scored():
    """docs/benchmark.md and bench/README: one thread, not the rule, makes the CV choice's ACSF1 fit differ."""
    module = _script("warp_choice")
    (rerun,) = load_results(BENCH / "one_thread", on_error="raise")
    assert (rerun["method"], rerun["dataset"], rerun["seed"]) == ("triplet semi-hard", "ACSF1", 0)
    records = module._records()
    choice, row = records[module.NOW, "ACSF1", 0], records["triplet semi-hard", "ACSF1", 0]
    assert choice["chosen"] == "learned"
    for metric in module.METRICS:
        assert rerun["metrics"][metric] == choice["metrics"][metric] != row["metrics"][metric]


def test_the_half_open_set_cap_passed_its_rule_and_the_words_say_what_it_measured():
    import tslearnkit as tk

    module = _script("open_set_budget")
    lines = module.load()
    rows = module.compare(lines)
    assert {r["dataset"] for r in rows} == set(module.DATASETS) == {"ACSF1", "PickupGestureWiimoteZ"}
    assert {r["loss"] for r in rows} == set(module.METHODS) and len(rows) == 12  # every method lesson 7 fits
    assert all(len(r["paired_by_draw"]) == module.DRAWS for r in rows)
    assert all(r["passes"] for r in rows)  # the rule set before the run, on every dataset and method
    from tslearnkit.course import open_set_benchmark as osb

    data = {name: tk.data.load_dataset(name, standardize=False) for name in module.DATASETS}
    for fit in lines:  # three training classes, two validation classes, the draw's unseen ones: disjoint
        training, validation, unseen = (
            set(fit[k]) for k in ("training_classes", "validation_classes", "unseen_classes")
        )
        assert len(training) == 3 and len(validation) == 2
        assert not (training & validation or training & unseen or validation & unseen)
        d = data[fit["dataset"]]  # the budget is the step rule's for this fit's batch and its cap
        recipe = osb.open_set_recipe(d.y_train[np.isin(d.y_train, list(training))], d.timesteps, d.channels)
        assert fit["step_budget"] == tk.recipe.affordable_steps(
            module.BUDGETS[fit["budget"]], recipe.pk_batch, recipe.timesteps
        )
    assert module.BUDGETS["half cap"] == tk.recipe.OPEN_SET_SERIES_STEPS
    assert module.BUDGETS["whole cap"] == tk.recipe.MAX_SERIES_STEPS
    paired, saved = [r["paired"] for r in rows], [r["time_saved"] for r in rows]
    span = f"between {min(paired):+.3f} and {max(paired):+.3f}"
    percent = f"{round(100 * min(saved))} % to {round(100 * max(saved))} %"
    doc = " ".join(tk.recipe.__doc__.split())
    assert span in doc and f"took {percent} less time" in doc
    recipe_page = (BENCH.parent / "docs" / "recipe.md").read_text()
    assert f"in {round(100 * min(saved))}–{round(100 * max(saved))} % less fit time" in recipe_page
    readme = " ".join((BENCH / "README.md").read_text().split())
    assert f"ranged {span}" in readme and f"took {percent} less time" in readme
    by_draw = [d for r in rows for d in r["paired_by_draw"]]
    assert f"from {min(by_draw):+.3f} to {max(by_draw):+.3f}" in readme  # single draws: both signs
    assert min(by_draw) < 0 < max(by_draw)
    first = [x["map_r"] for x in lines if x["dataset"] == "ACSF1" and x["draw"] == 0]
    assert "every fit on ACSF1's first class draw scores a MAP@R above 0.9" in readme
    assert min(first) > 0.9 and len(first) == 2 * len(module.METHODS)


def test_a_lesson_timing_record_says_which_thread_settings_ran_it(tmp_path, monkeypatch):
    import argparse

    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    lessons = _script("lessons")
    path = tmp_path / "times.json"
    args = argparse.Namespace(dataset="ACSF1", seed=0)
    lessons._record(path, [("01_x", 12.34, "ok"), ("02_y", 5.0, "failed")], args, 0.5, 11.0, "cmd")
    times = json.loads(path.read_text())
    assert times["01_x"] == {"full": 12.3} and "02_y" not in times
    assert times["_machine"]["threads"]["TF_NUM_INTRAOP_THREADS"] == "1"
    assert times["_machine"]["threads"]["cpus"] == times["_machine"]["cpus"]


def test_what_bench_readme_says_of_the_minirocket_head_is_what_its_records_say():
    module = _script("minirocket_head")
    tiny_warp = _script("tiny_warp")
    rows = json.loads((BENCH / "minirocket_head.json").read_text())
    rows = tiny_warp.recorded_rows(rows) + rows
    assert {r["fold"] for r in rows} == {0, 1, 2} and {r["seed"] for r in rows} == {0, 1, 2}

    def mean(dataset, setting, key):
        per_seed = {}
        for r in rows:
            if (r["dataset"], r["setting"]) == (dataset, setting):
                per_seed.setdefault(r["seed"], []).append(r[key])
        assert len(per_seed) == 3, (dataset, setting)
        return np.mean([np.mean(v) for v in per_seed.values()])

    head, features = module.SETTINGS[1], module.SETTINGS[0]
    p1, mapr = "precision_at_1", "mean_average_precision_at_r"
    datasets = ("UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc")
    for d in datasets:  # below the recipe's and raw DTW's CV P@1 on all three
        assert mean(d, head, p1) < min(mean(d, "recipe", p1), mean(d, "raw dtw", p1)), d
    for d in datasets[:2]:
        assert mean(d, head, mapr) < mean(d, "recipe", mapr), d
        assert mean(d, features, p1) < mean(d, "raw dtw", p1), d
    covid = datasets[2]
    readme = " ".join((BENCH / "README.md").read_text().split())
    for sentence in (
        "raw 1-NN DTW leads or ties the learned embeddings' test P@1, and on the last two aeon's MiniRocket "
        "classifier's accuracy is above every P@1 in the benchmark",
        "The learned head's CV P@1 is below the FCN recipe's and below raw DTW's on all three datasets",
        "its CV MAP@R is below the recipe's on UnitTest and PickupGestureWiimoteZ",
        "The features alone are below raw DTW's CV P@1 on UnitTest and PickupGestureWiimoteZ and above it on "
        "Covid3Month_disc",
    ):
        assert sentence in readme
    tested = _benchmark_means()
    accuracy = {}
    for record in _records_before():
        if record["method"] == "MiniRocket (aeon)":
            accuracy.setdefault(record["dataset"], []).append(record["metrics"]["accuracy"])
    for d in datasets:
        best_p1 = max(v[0] for (dd, _), v in tested.items() if dd == d)
        dtw = tested[d, "1-NN DTW (raw)"][0]
        learned = max(v[0] for (dd, m), v in tested.items() if dd == d and not m.endswith("(raw)"))
        assert learned <= dtw + 1e-12  # DTW leads or ties
        assert (np.mean(accuracy[d]) > best_p1) == (d != "UnitTest")  # above every P@1 on the last two
    others = {r["setting"] for r in rows if r["dataset"] == covid} - {head}
    assert all(mean(covid, head, mapr) > mean(covid, s, mapr) for s in others)
    assert mean(covid, features, p1) > mean(covid, "raw dtw", p1)


def test_what_bench_readme_says_of_ten_seeds_on_the_tiny_sets_is_what_its_records_say():
    module = _script("tiny_seeds")
    rows = json.loads((BENCH / "tiny_seeds.json").read_text())
    summary = {s["dataset"]: s for s in module.summary(rows)}
    assert set(summary) == {"UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc"}
    assert all(s["reproduced"] == "3 of 3" and s["seeds"] == 10 for s in summary.values())
    unit = summary["UnitTest"]
    assert np.ptp(unit["p1"]) == 0 and unit["at_or_above"] == 0 and unit["significant"] == 0
    assert set(unit["only_dtw"]) == {1} and set(unit["only_learned"]) == {0}
    pickup = summary["PickupGestureWiimoteZ"]
    assert pickup["p1_first"].mean() >= pickup["dtw_p1"] - 1e-12 > pickup["p1"].mean()  # tied on 0-2, below on 10
    assert pickup["at_or_above"] == 2 and pickup["significant"] == 0
    differ = pickup["only_dtw"] + pickup["only_learned"]
    assert differ.min() >= 9 and differ.max() <= 16 and pickup["only_learned"].min() > 0  # about a dozen, both ways
    assert pickup["only_dtw"].min() > 0
    covid = summary["Covid3Month_disc"]
    assert covid["at_or_above"] == 0 and np.all(covid["only_dtw"] > covid["only_learned"])
    assert covid["significant"] == 3 and covid["tied"] > 0
    readme = " ".join((BENCH / "README.md").read_text().split())
    for sentence in (
        "every seed scores the same P@1, below DTW by the one query DTW gets and the embedding misses, and no "
        "query goes the other way",
        "no seed's McNemar p is below 0.05",
        "the benchmark's tie with DTW was the luck of seeds 0–2. Over ten seeds the mean P@1 is below DTW's, at or "
        "above it on two seeds only",
        "below DTW on every seed, with more queries in DTW's favour than in the embedding's on every seed, "
        "significant on three seeds of ten",
    ):
        assert sentence in readme


def test_what_bench_readme_says_of_a_smaller_encoder_and_more_steps_is_what_its_records_say():
    import tslearnkit as tk

    module = _script("tiny_capacity")
    rows = module.with_earlier(json.loads((BENCH / "tiny_capacity.json").read_text()))
    assert all(r["setting"] in module.SETTINGS or r["setting"] in module.EARLIER for r in rows)

    def per_seed(dataset, setting, key):
        seeds = {}
        for r in rows:
            if (r["dataset"], r["setting"]) == (dataset, setting):
                seeds.setdefault(r["seed"], []).append(r[key])
        assert sorted(seeds) == [0, 1, 2], (dataset, setting)
        return np.array([np.mean(seeds[s]) for s in sorted(seeds)])

    keys = ("precision_at_1", "mean_average_precision_at_r")
    warp, small, steps = "+ time warp", "+ time warp, small FCN", "+ time warp, 3x steps"
    datasets = ("UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc")
    diff = {(d, s, k): per_seed(d, s, k) - per_seed(d, warp, k) for d in datasets for s in (small, steps) for k in keys}
    for d in datasets:  # one query more in one fold of a seed: 1 / (held-out queries) / folds
        n_train = len(tk.data.load_dataset(d).y_train)
        folds = {r["folds"] for r in rows if r["dataset"] == d and r["setting"] == small}.pop()
        one_query = 1 / -(-n_train // folds) / folds
        assert (diff[d, small, keys[0]] < one_query).all(), d
    for key in keys:
        pickup = diff["PickupGestureWiimoteZ", small, key]
        assert pickup.mean() < 0 and abs(pickup.mean()) > pickup.std(ddof=1)  # lower beyond the spread
        raised = diff["PickupGestureWiimoteZ", steps, key]
        assert raised.mean() > 0
    assert (diff["PickupGestureWiimoteZ", steps, keys[0]] < 0).any()  # not on every seed
    assert diff["UnitTest", steps, keys[0]].mean() < 0 and diff["Covid3Month_disc", steps, keys[0]].mean() < 0
    for (d, s, k), v in diff.items():
        if (d, s) != ("PickupGestureWiimoteZ", small):
            assert abs(v.mean()) <= v.std(ddof=1), (d, s, k)  # no larger than its spread over seeds
    readme = (BENCH / "README.md").read_text()
    for sentence in (
        "Paired by seed, the small FCN's CV P@1 is above\n`+ time warp`'s on no seed of the three datasets by even one "
        "held-out query's worth",
        "Three times the steps raised the mean CV\nscores on PickupGestureWiimoteZ, though not on every seed",
        "Apart from the small FCN on PickupGestureWiimoteZ, every mean change is no\nlarger than its spread over seeds",
    ):
        assert sentence in readme, sentence
    root = BENCH.parent
    assert "showed no gain beyond the spread over seeds in the training folds" in (root / "docs/recipe.md").read_text()
    recipe = (root / "tslearnkit" / "recipe.py").read_text()
    assert "showed no gain beyond the spread over seeds in\n  the training folds" in recipe


def test_what_bench_readme_says_of_the_training_and_test_splits_is_what_the_records_say():
    module = _script("split_gap")
    rows = {r["dataset"]: r for r in json.loads((BENCH / "split_gap.json").read_text())}
    assert len(rows) == 10
    moves = {d: {m: r[f"{m}_test"] - r[f"{m}_loo"] for m in module.DISTANCES} for d, r in rows.items()}
    assert sum(max(abs(v) for v in m.values()) > 0.05 for m in moves.values()) == 7
    assert moves["ACSF1"]["dtw"] > 0.05 and moves["UnitTest"]["euclidean"] < -0.05  # both directions
    records = _records_before()
    raw = ("1-NN Euclidean (raw)", "1-NN DTW (raw)", "MiniRocket (aeon)")

    def mean_p1(dataset, method):
        scores = [r["metrics"]["precision_at_1"] for r in records if (r["dataset"], r["method"]) == (dataset, method)]
        return np.mean(scores)

    gaps = {}
    for dataset in ("UnitTest", "PickupGestureWiimoteZ", "Covid3Month_disc"):
        methods = {r["method"] for r in records if r["dataset"] == dataset and r["method"] not in raw}
        gaps[dataset] = rows[dataset]["dtw_test"] - max(mean_p1(dataset, m) for m in methods)
        cv = module.cross_validated(dataset)
        assert cv["semihard_test"] == pytest.approx(mean_p1(dataset, "triplet semi-hard"))
        assert max(cv["semihard_cv"], cv["warp_cv"]) > cv["dtw_cv"]  # the folds put an embedding above DTW
        best_test = max(cv["semihard_test"], cv["warp_test"])
        assert best_test <= rows[dataset]["dtw_test"] + 1e-12
        assert (best_test == pytest.approx(rows[dataset]["dtw_test"])) == (dataset == "PickupGestureWiimoteZ")
    assert (
        module.cross_validated("PickupGestureWiimoteZ")["semihard_cv"]
        < module.cross_validated("PickupGestureWiimoteZ")["dtw_cv"]
    )
    assert abs(moves["UnitTest"]["euclidean"]) > gaps["UnitTest"] > abs(moves["UnitTest"]["dtw"])
    assert moves["Covid3Month_disc"]["dtw"] > gaps["Covid3Month_disc"] > 0
    assert gaps["PickupGestureWiimoteZ"] == pytest.approx(0, abs=1e-12)
    readme = " ".join((BENCH / "README.md").read_text().split())
    for sentence in (
        "by more than 0.05 on seven of the ten datasets, in both directions (up for DTW on ACSF1, down for "
        "Euclidean on UnitTest), with nothing fitted",
        "In 3-fold CV inside the training split the better of the two embeddings scores a higher P@1 than 1-NN DTW "
        "on all three tiny sets; on the test split it is below DTW on UnitTest and Covid3Month_disc and ties it on "
        "PickupGestureWiimoteZ. (Semi-hard alone is below DTW in CV on PickupGestureWiimoteZ;",
        "on UnitTest the Euclidean 1-NN moves by more than the gap while DTW hardly moves; on Covid3Month_disc DTW "
        "itself moves by more than the gap; on PickupGestureWiimoteZ the benchmark's best learned P@1 ties DTW",
    ):
        assert sentence in readme
    for path in (BENCH.parent / "docs" / "recipe.md", BENCH.parent / "tslearnkit" / "recipe.py"):
        text = " ".join(path.read_text().split())
        assert (
            "in 3-fold CV inside the training split an embedding's P@1 was above 1-NN DTW's on all three sets" in text
        )


def test_what_the_recipe_says_the_per_series_rule_did_on_the_benchmark():
    """recipe.py and docs/recipe.md: with the rule, Covid3Month_disc's best learned P@1 is above DTW's within one
    std, its MAP@R far above the raw series'; UnitTest's gap is one query, PickupGestureWiimoteZ ties."""
    values = {}
    for record in load_results(BENCH.parent / "results" / "benchmark", on_error="raise"):
        metrics = record["metrics"]
        if "precision_at_1" in metrics:
            values.setdefault((record["dataset"], record["method"]), []).append(
                (metrics["precision_at_1"], metrics["mean_average_precision_at_r"])
            )
    raw = ("1-NN DTW (raw)", "1-NN Euclidean (raw)")

    def best_learned(dataset, metric):
        learned = {m: np.array(v)[:, metric] for (d, m), v in values.items() if d == dataset and m not in raw}
        return max(learned.values(), key=np.mean)

    def raw_mean(dataset, method, metric):
        return np.mean(np.array(values[dataset, method])[:, metric])

    covid = best_learned("Covid3Month_disc", 0)
    dtw = raw_mean("Covid3Month_disc", "1-NN DTW (raw)", 0)
    assert dtw < covid.mean() <= dtw + covid.std(ddof=1)
    raw_map = max(raw_mean("Covid3Month_disc", m, 1) for m in raw)
    assert best_learned("Covid3Month_disc", 1).mean() > raw_map + 0.2  # "far above"
    gap = raw_mean("UnitTest", "1-NN DTW (raw)", 0) - best_learned("UnitTest", 0).mean()
    assert round(gap * 22, 9) == 1  # one of its 22 test queries
    pickup = raw_mean("PickupGestureWiimoteZ", "1-NN DTW (raw)", 0) - best_learned("PickupGestureWiimoteZ", 0).mean()
    assert abs(pickup) < 1e-9
    for path, sentence in (
        ("tslearnkit/recipe.py", "put that dataset's best learned test P@1 above 1-NN DTW's, within one standard"),
        ("docs/recipe.md", "put that dataset's best learned test P@1 above 1-NN DTW's, within one standard"),
        ("docs/recipe.md", "the tiny-data gap left is UnitTest's one query and PickupGestureWiimoteZ's tie"),
    ):
        assert sentence in " ".join((BENCH.parent / path).read_text().split()), path


def test_what_bench_readme_says_the_per_series_rule_did_on_the_test_split():
    _script("per_series")  # puts bench/ on the path
    from benchmark_before import BEFORE_PER_SERIES

    def means(folder):
        out = {}
        for r in load_results(folder, on_error="raise"):
            if r["dataset"] == "Covid3Month_disc" and "precision_at_1" in r["metrics"]:
                m = r["metrics"]
                out.setdefault(r["method"], []).append((m["precision_at_1"], m["mean_average_precision_at_r"]))
        return {k: np.mean(v, axis=0) for k, v in out.items()}

    then, now = means(BEFORE_PER_SERIES), means(BENCH.parent / "results" / "benchmark")
    raw = {"1-NN DTW (raw)", "1-NN Euclidean (raw)"}
    assert all(np.array_equal(then[m], now[m]) for m in raw)
    gains = np.array([now[m] - then[m] for m in then if m not in raw])
    assert (gains > 0).all()
    readme = " ".join((BENCH / "README.md").read_text().split())
    p1, mapr = gains[:, 0], gains[:, 1]
    assert f"(P@1 by {p1.min():.3f} to {p1.max():.3f}, MAP@R by {mapr.min():.3f} to {mapr.max():.3f}," in readme
    best = max((m for m in now if m not in raw), key=lambda m: now[m][0])
    assert best == "cross-entropy" and "The best learned P@1, cross-entropy's, is now above 1-NN DTW's" in readme
    best_map = max(v[1] for m, v in now.items() if m not in raw)
    assert best_map > 2 * max(now[m][1] for m in raw)  # "more than twice the raw series'"
    tiny = _script("tiny_seeds")
    summary = {s["method"]: s for s in tiny.summary(json.loads((BENCH / "tiny_seeds_per_series.json").read_text()))}
    ce, warp = summary["cross-entropy"], summary["triplet semi-hard + time warp"]
    assert ce["at_or_above"] == ce["seeds"] == 10 and warp["at_or_above"] == 3 and warp["seeds"] == 10
    assert ce["significant"] == warp["significant"] == 0
    assert ce["reproduced"] == warp["reproduced"] == "3 of 3"
    before = {s["dataset"]: s for s in tiny.summary(json.loads((BENCH / "tiny_seeds.json").read_text()))}
    assert before["Covid3Month_disc"]["at_or_above"] == 0 and before["Covid3Month_disc"]["significant"] == 3
    for sentence in (
        "cross-entropy's P@1 is at or above 1-NN DTW's on every seed and semi-hard + time warp's on three of ten",
        "no seed of either differs from DTW significantly, in either direction",
        "Before the rule, semi-hard + time warp was below DTW on every seed, significantly on three",
    ):
        assert sentence in readme, sentence


def _per_series_seed_means(rows, dataset, setting, key) -> np.ndarray:
    """bench/per_series.json: each seed's mean over its folds of ``key``, seeds in order."""
    seeds = sorted({r["seed"] for r in rows if r["dataset"] == dataset})
    mine = [r for r in rows if (r["dataset"], r["setting"]) == (dataset, setting)]
    return np.array([np.mean([r[key] for r in mine if r["seed"] == s]) for s in seeds])


def test_what_bench_readme_and_the_recipe_say_the_per_series_channels_did_in_cv():
    rows = json.loads((BENCH / "per_series.json").read_text())
    plain, channels, layer = "recipe", "+ per-series channels", "+ the layer only (jitter at the dataset's scale)"

    def per_seed(dataset, setting, key):
        return _per_series_seed_means(rows, dataset, setting, key)

    p1, mapr = "precision_at_1", "mean_average_precision_at_r"
    covid = "Covid3Month_disc"
    ratio = per_seed(covid, channels, mapr).mean() / per_seed(covid, plain, mapr).mean()
    assert 1.9 < ratio < 2.1  # "about doubled the CV MAP@R"
    diff = per_seed(covid, channels, p1) - per_seed(covid, plain, p1)
    assert abs(diff.mean()) <= diff.std(ddof=1)  # "left the CV P@1 within its spread over seeds"
    diff = per_seed(covid, layer, mapr) - per_seed(covid, plain, mapr)
    assert (diff < 0).all() and abs(diff.mean()) < 0.02  # the layer alone: "a little below ... on every seed"
    others = sorted({r["dataset"] for r in rows} - {covid})
    assert others == ["ArrowHead", "PickupGestureWiimoteZ", "UnitTest"]
    for dataset in others:
        assert {r["spread_ratio"] for r in rows if r["dataset"] == dataset}.pop() >= 0.1  # the rule does not fire
        for key in (p1, mapr):
            diff = per_seed(dataset, channels, key) - per_seed(dataset, plain, key)
            assert abs(diff.mean()) <= diff.std(ddof=1), (dataset, key)  # "no more than its spread over seeds"
    readme = " ".join((BENCH / "README.md").read_text().split())
    doc = " ".join(__import__("tslearnkit").recipe.__doc__.split())
    for text in (readme, doc):
        for sentence in (
            "the per-series channels about doubled the CV MAP@R and left the CV P@1 within its spread over seeds",
            "the layer alone, with the batch augmentations at the dataset's scale, did not raise the CV MAP@R",
            "the channels moved neither mean CV score by more than its spread over seeds",
        ):
            assert sentence in text, sentence


def test_the_per_series_numbers_in_the_recipe_docstring_are_the_records():
    import tslearnkit as tk

    rows = json.loads((BENCH / "per_series.json").read_text())
    doc = " ".join(tk.recipe.__doc__.split())
    quoted = []
    for key in ("mean_average_precision_at_r", "precision_at_1"):
        cells = []
        for setting in ("recipe", "+ per-series channels"):
            v = _per_series_seed_means(rows, "Covid3Month_disc", setting, key)
            cells.append(f"{v.mean():.3f} ± {v.std(ddof=1):.3f}")
        quoted.append(" → ".join(cells))
    assert f"(MAP@R {quoted[0]}, P@1 {quoted[1]})" in doc
