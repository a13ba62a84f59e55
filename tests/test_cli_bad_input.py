"""Bad input on the command line: refused early, with a message naming the argument, the value and
what is allowed; never a traceback from deep inside, an empty result with exit code 0, or records
written before the refusal. Nothing here trains: the runs are replaced by stubs that fail the test
if the command gets as far as running anything."""

import pytest

from tslearnkit.course import benchmark, open_set_benchmark, results
from tslearnkit.course.cli import main, make_parser


@pytest.fixture
def no_runs(monkeypatch):
    """Replace both benchmarks and the lesson runner: reaching any of them means the input got through."""
    ran = []

    def stub(name):
        def run(*args, **kwargs):
            ran.append(name)
            raise AssertionError(f"{name} ran: the bad input should have been refused before it")

        return run

    monkeypatch.setattr(benchmark, "run_benchmark", stub("run_benchmark"))
    monkeypatch.setattr(open_set_benchmark, "run_open_set_benchmark", stub("run_open_set_benchmark"))
    monkeypatch.setattr("tslearnkit.course.cli.run_lessons", stub("run_lessons"))
    return ran


def write_record(folder, *, lesson="benchmark", seed=0, metrics=None):
    return results.save_result(
        folder,
        lesson=lesson,
        method="1-NN Euclidean (raw)",
        dataset="UnitTest",
        seed=seed,
        metrics=metrics or {"precision_at_1": 0.9, "mean_average_precision_at_r": 0.5},
        epochs=0,
        wall_time_s=0.1,
        versions={},
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["benchmark", "--datasets", "UnitTest", "--methods", "dtw", "ce", "--quick"],
        ["benchmark", "--protocol", "open-set", "--datasets", "JapaneseVowels", "--methods", "dtw", "--quick"],
        ["run", "--quick", "--lessons", "01"],
    ],
    ids=["benchmark", "open-set", "run"],
)
@pytest.mark.parametrize("seed", ["-1", "x", "1.5", "4294967296"])
def test_a_bad_seed_is_refused_before_anything_runs(tmp_path, capsys, no_runs, argv, seed):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as refused:
        main([*argv, "--seeds", "0", seed, "--out", str(out)])
    assert refused.value.code == 2  # argparse's refusal: the usage line and the error on stderr
    err = capsys.readouterr().err
    assert f"argument --seeds: invalid seed {seed!r}: a seed is an integer from 0 to 2**32 - 1" in err
    assert not no_runs and not out.exists()


def test_good_seeds_parse_as_before():
    parser = make_parser()
    assert parser.parse_args(["benchmark", "--seeds", "0", "2", "13"]).seeds == [0, 2, 13]
    assert parser.parse_args(["run", "--seeds", "3"]).seeds == [3]
    assert parser.parse_args(["run"]).seeds == [0] and parser.parse_args(["benchmark"]).seeds is None


@pytest.mark.parametrize("flag", ["--results", "--benchmark", "--open-set"])
def test_table_refuses_a_folder_that_does_not_exist(tmp_path, flag):
    missing = tmp_path / "nosuchdir"
    with pytest.raises(SystemExit, match=rf"{flag} '{missing}' is not a folder of result records"):
        main(["table", flag, str(missing)])


def test_table_benchmark_refuses_an_empty_folder_and_points_at_the_results_subfolder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="no benchmark result records in .*empty$"):
        main(["table", "--benchmark", str(tmp_path / "empty")])
    out = tmp_path / "bench"
    write_record(out / "results")
    for flag, kind in (("--benchmark", "benchmark result"), ("--results", "result")):
        hint = rf"no {kind} records in {out}; its records are in {out / 'results'}: pass that"
        with pytest.raises(SystemExit, match=hint):
            main(["table", flag, str(out)])
    capsys.readouterr()
    assert main(["table", "--benchmark", str(out / "results")]) == 0  # the records' own folder works as before
    assert "| 1-NN Euclidean (raw) | UnitTest | 1 | 0.900 | 0.500 |" in capsys.readouterr().out


def test_table_benchmark_refuses_a_folder_without_benchmark_records(tmp_path):
    write_record(tmp_path, lesson="02_baseline_crossentropy")
    with pytest.raises(SystemExit, match=f"no benchmark result records in {tmp_path}$"):
        main(["table", "--benchmark", str(tmp_path)])


@pytest.mark.parametrize("metrics", [["typo"], ["precision_at_1", "typo"]])
def test_table_refuses_unknown_metrics_and_names_the_known_ones(tmp_path, capsys, metrics):
    write_record(tmp_path, lesson="02_baseline_crossentropy")
    with pytest.raises(SystemExit) as refused:
        main(["table", "--results", str(tmp_path), "--metrics", *metrics])
    message = str(refused.value.code)
    assert "unknown --metrics ['typo']" in message
    assert "['mean_average_precision_at_r', 'precision_at_1']" in message
    assert capsys.readouterr().out == ""  # no table printed before the refusal


def test_table_with_known_metrics_works_as_before(tmp_path, capsys):
    write_record(tmp_path, lesson="02_baseline_crossentropy")
    assert main(["table", "--results", str(tmp_path), "--metrics", "precision_at_1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "| Method | Dataset | Seeds | P@1 |",
        "|---|---|---|---|",
        "| 1-NN Euclidean (raw) | UnitTest | 1 | 0.900 |",
    ]


@pytest.mark.parametrize("command", ["run", "workshop"])
@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_a_notebooks_folder_without_the_lessons_is_refused(tmp_path, no_runs, command, kind):
    folder = tmp_path / kind
    if kind == "empty":
        folder.mkdir()
    out = tmp_path / "out"
    with pytest.raises(SystemExit, match=rf"--notebooks '{folder}': no 01_data_visualization.ipynb there"):
        main([command, "--notebooks", str(folder), "--out", str(out), "--lessons", "01"])
    assert not no_runs and not out.exists()


@pytest.mark.parametrize("protocol", ["closed-set", "open-set"])
def test_an_unknown_dataset_is_refused_before_any_dataset_runs(tmp_path, no_runs, protocol):
    out = tmp_path / "out"
    argv = ["benchmark", "--protocol", protocol, "--methods", "euclidean", "--quick", "--out", str(out)]
    with pytest.raises(SystemExit, match=r"tslearnkit benchmark: --datasets NoSuchData: unknown dataset 'NoSuchData'"):
        main([*argv, "--datasets", "JapaneseVowels", "NoSuchData"])
    with pytest.raises(SystemExit, match=r"--datasets .*nodir.x\.csv: no such file"):
        main([*argv, "--datasets", str(tmp_path / "nodir" / "x.csv")])
    assert not no_runs and not out.exists()


def test_import_refuses_a_negative_split_seed_naming_the_argument(tmp_path, capsys):
    (tmp_path / "u.tsv").write_text("a\t1\t2\t3\nb\t2\t3\t4\na\t1\t2\t2\nb\t3\t3\t4\n")
    argv = ["import", str(tmp_path / "u.tsv"), "--name", "u", "--data-dir", str(tmp_path / "data")]
    with pytest.raises(SystemExit) as refused:
        main([*argv, "--seed", "-1"])
    assert refused.value.code == 2
    assert "argument --seed: invalid seed '-1': a seed is an integer from 0 to 2**32 - 1" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
    assert make_parser().parse_args([*argv, "--seed", "7"]).seed == 7
