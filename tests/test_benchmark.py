"""The closed-set benchmark on a CSV dataset of the study's layout (``dataset="project"``), quick mode."""

import json

import numpy as np
import pytest
from test_data import write_project_csv

from tslearnkit.course.benchmark import FINAL_FIT, METHOD_NAMES, run_method
from tslearnkit.course.cli import main
from tslearnkit.selection import CANDIDATES


def test_quick_benchmark_runs_on_project_csv_data(tmp_path, capsys):
    labels = [f"class_{i % 3}" for i in range(36)]
    write_project_csv(tmp_path / "project_dataset.csv", n_series=36, length=64, channels=4, labels=labels)
    methods = ["euclidean", "dtw", "semihard", "semihard_warp", "cv_choice"]
    argv = ["benchmark", "--quick", "--datasets", "project", "--data-dir", str(tmp_path), "--seeds", "0"]
    assert main([*argv, "--methods", *methods, "--out", str(tmp_path / "out")]) == 0
    paths = (tmp_path / "out" / "results").glob("*.json")
    records = {r["method"]: r for r in map(json.loads, (p.read_text() for p in paths))}
    assert set(records) == {METHOD_NAMES[m] for m in methods}
    for record in records.values():
        assert record["dataset"] == "project" and record["seed"] == 0
        assert 0.0 <= record["metrics"]["precision_at_1"] <= 1.0 and record["metrics"]["train_seconds"] > 0
    choice = records[METHOD_NAMES["cv_choice"]]
    assert choice["chosen"] in CANDIDATES and set(choice["cv_map_at_r"]) == set(CANDIDATES)
    same = records[METHOD_NAMES[FINAL_FIT[choice["chosen"]]]]  # the chosen method's own fit, same scores
    for metric in ("precision_at_1", "mean_average_precision_at_r"):
        assert choice["metrics"][metric] == same["metrics"][metric]
    assert records[METHOD_NAMES["semihard_warp"]]["steps"] > 0
    assert "| triplet semi-hard + time warp |" in (tmp_path / "out" / "benchmark_table.md").read_text()


def test_run_method_names_the_methods_it_knows():
    with pytest.raises(ValueError, match=r"method must be one of \[.*'semihard_warp'.*\]; got 'warp'"):
        run_method("warp", None, None)


@pytest.mark.parametrize("method", ["dtw", "minirocket", "cv_choice", "semi-hard"])
def test_fit_method_fits_only_the_learned_methods_and_says_which(method):
    from tslearnkit.course.benchmark import fit_method

    with pytest.raises(ValueError, match=rf"method must be one of the learned methods .*semihard_warp.*{method!r}"):
        fit_method(method, data=None, recipe=None)


def test_two_datasets_of_one_name_are_refused_before_anything_runs(tmp_path):
    from test_data_own_files import write_ucr

    rng = np.random.default_rng(0)
    labels = [f"c{i % 2}" for i in range(12)]
    for folder, length in (("a", 20), ("b", 40)):
        (tmp_path / folder).mkdir()
        write_ucr(tmp_path / folder / "Exp.tsv", rng.normal(size=(12, length)), labels, "\t")
    argv = ["benchmark", "--quick", "--seeds", "0", "--methods", "euclidean", "--out", str(tmp_path / "out")]
    with pytest.raises(ValueError, match=r"both load as 'Exp'.*rename one"):
        main([*argv, "--datasets", str(tmp_path / "a" / "Exp.tsv"), str(tmp_path / "b" / "Exp.tsv")])
    assert not (tmp_path / "out" / "results").exists()  # refused before any fit: nothing written, nothing lost
