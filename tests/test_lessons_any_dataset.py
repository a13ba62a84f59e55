"""Every lesson runs in quick mode on datasets of different shape, not only the default one:
3 classes univariate (ArrowHead), 4 classes multivariate (BasicMotions), 2 classes with 10
training series each (UnitTest), the study's CSV layout (``dataset="project"``) with an
imbalanced, 5-class synthetic file in which one class has only 2 training series, and your own
data (``OWN_CSV``): a long-format CSV (a row per time step, rows shuffled, string labels, series of
different lengths) brought in with ``tslearnkit import`` and run by its saved name.

ArrowHead (3 classes, univariate; lesson 7 falls back to the default dataset, as on UnitTest) is
the shape the others cover best, so it runs only with ``TSLEARNKIT_EVERY_DATASET=1``: its seven
quick lessons take about 3 minutes on 2 cores, kept out of CI's 30."""

import os
from pathlib import Path

import numpy as np
import pytest

from tslearnkit import data
from tslearnkit.course import cli, results

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

OWN_CSV = "my_recordings"  # the saved name of the imported long-format CSV
EVERY_DATASET = os.environ.get("TSLEARNKIT_EVERY_DATASET") == "1"
DATASETS = (*(("ArrowHead",) if EVERY_DATASET else ()), "BasicMotions", "UnitTest", "project", OWN_CSV)
OWN_CSV_COUNTS = {"walk": 14, "run": 12, "climb stairs": 10, "sit down": 8}  # series per class


def write_long_csv(path, seed=0):
    """A long-format CSV of your own: a row per time step (``recording``, ``t``, channels ``ax``,
    ``ay``, ``az``, ``activity``), rows shuffled (``t`` orders them), 40 to 80 steps per series; the
    classes differ in frequency and channel offsets (so there is something to learn)."""
    rng = np.random.default_rng(seed)
    lines = []
    labels = [activity for activity, count in OWN_CSV_COUNTS.items() for _ in range(count)]
    for n, activity in enumerate(labels):
        k = list(OWN_CSV_COUNTS).index(activity)
        t = np.arange(int(rng.integers(40, 81)))
        phase = rng.uniform(0, 6)
        values = [np.sin(2 * np.pi * (k + 1 + c) * t / 40 + phase) + 0.3 * k * c for c in range(3)]
        values = np.stack(values, axis=1) + rng.normal(0, 0.3, (t.size, 3))
        lines += [f"rec-{n:03d},{step},{','.join(f'{v:.4f}' for v in row)},{activity}" for step, row in zip(t, values)]
    lines = [lines[i] for i in rng.permutation(len(lines))]
    path.write_text("recording,t,ax,ay,az,activity\n" + "\n".join(lines) + "\n")


def import_own_csv(path, *, data_dir):
    """``tslearnkit import PATH --name my_recordings`` with the long layout's options."""
    layout = ["--series", "recording", "--time", "t", "--label", "activity"]
    assert cli.main(["import", str(path), "--name", OWN_CSV, *layout, "--data-dir", str(data_dir)]) == 0


def write_learnable_project_csv(folder, seed=0):
    """A CSV in the study's layout whose classes differ in frequency (so there is something to learn)."""
    rng = np.random.default_rng(seed)
    counts = {"a": 14, "b": 10, "c": 8, "d": 6, "e": 3}  # 25 % test split: "e" keeps 2 training series
    t = np.linspace(0, 1, 60)
    lines = ["ID_TimeSeries,Values,Label_multi,Label_binary\n"]
    n = 0
    for k, (label, count) in enumerate(counts.items()):
        for _ in range(count):
            for c in range(4):
                values = np.sin(2 * np.pi * (k + 1 + c) * t + rng.uniform(0, 6)) + rng.normal(0, 0.3, t.size)
                binary = "normal" if label == "a" else "anomaly"
                lines.append(f"s{n:04d},{';'.join(f'{v:.5f}' for v in values)},{label},{binary}\n")
            n += 1
    (folder / "project_dataset.csv").write_text("".join(lines))


@pytest.fixture(scope="module", params=DATASETS)
def quick_run_on(request, tmp_path_factory, monkeypatch_module):
    pytest.importorskip("papermill")
    out = tmp_path_factory.mktemp(f"quick-{request.param}")
    if request.param == "project":
        write_learnable_project_csv(out)
        monkeypatch_module.setenv("TSLEARNKIT_PROJECT_DIR", str(out))
    if request.param == OWN_CSV:  # saved into OUT/saved; the lessons' kernels find it through the environment
        write_long_csv(out / "recordings.csv")
        import_own_csv(out / "recordings.csv", data_dir=out)
        monkeypatch_module.setenv("TSLEARNKIT_DATA", str(out))
    failures = cli.run_lessons(
        list(cli.LESSONS),
        seeds=[0],
        quick=True,
        dataset=request.param,
        out=out,
        figures=out / "figs",
        notebooks=NOTEBOOKS,
        cell_timeout=600,
    )
    return request.param, out, failures


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_synthetic_project_file_has_a_class_with_two_training_series(tmp_path):
    write_learnable_project_csv(tmp_path)
    ds = data.load_dataset("project", data_dir=tmp_path)
    assert ds.n_classes == 5 and ds.channels == 4 and np.bincount(ds.y_train).min() == 2


def test_imported_long_csv_has_string_labels_unequal_lengths_and_four_classes(tmp_path, capsys):
    write_long_csv(tmp_path / "recordings.csv")
    import_own_csv(tmp_path / "recordings.csv", data_dir=tmp_path)
    assert f"saved as {OWN_CSV!r}" in capsys.readouterr().out
    ds = data.load_dataset(OWN_CSV, data_dir=tmp_path)
    assert ds.class_names == tuple(sorted(OWN_CSV_COUNTS)) and ds.channels == 3
    assert ds.n_classes >= data.MIN_OPEN_SET_CLASSES  # lesson 7 runs its open-set split on it
    kept = [n - round(0.3 * n) for _, n in sorted(OWN_CSV_COUNTS.items())]  # the drawn, stratified 30 % test split
    assert np.bincount(ds.y_train).tolist() == kept == [7, 8, 6, 10]
    assert "resampled to the longest training series" in ds.notes and "ordered by 't'" in ds.notes


def test_every_lesson_runs_and_records_on_other_datasets(quick_run_on):
    name, out, failures = quick_run_on
    assert failures == [], "\n".join(f"{name} {lesson}: {reason}" for lesson, _, reason in failures)
    records = results.load_results(out / "results")
    assert {r["lesson"] for r in records} == set(cli.LESSONS)
    # Lesson 7 needs 4 classes for an open-set split; on fewer it says so and uses the default dataset.
    few = data.load_dataset(name, data_dir=out).n_classes < data.MIN_OPEN_SET_CLASSES if name != "project" else False
    for r in records:
        expected = data.DEFAULT_DATASET if few and r["lesson"] == "07_search_unseen" else name
        assert r["dataset"].startswith(expected), (r["lesson"], r["dataset"])
    for lesson in cli.LESSONS:
        assert list((out / "figs").glob(f"{lesson}__*.png")), f"{lesson} on {name} saved no figure"
