"""tslearnkit.course.results: record round trip, validation, atomic writes, the mean ± std table."""

import json

import numpy as np
import pytest

from tslearnkit.course import results


def _save(folder, seed, p1, method="semi-hard", **extra):
    return results.save_result(
        folder,
        lesson="04_triplet_semihard",
        method=method,
        dataset="JapaneseVowels",
        seed=seed,
        metrics={
            "precision_at_1": p1,
            "mean_average_precision_at_r": p1 - 0.1,
            "mean_average_precision": p1 - 0.05,
            "NMI": 0.8,
        },
        epochs=3,
        wall_time_s=1.5,
        **extra,
    )


def test_round_trip(tmp_path):
    path = _save(tmp_path, 0, 0.9, note="hello")
    assert path.name.startswith("04_triplet_semihard__semi-hard__JapaneseVowels__seed0__") and path.suffix == ".json"
    (record,) = results.load_results(tmp_path)
    assert record["metrics"]["precision_at_1"] == 0.9
    assert record["note"] == "hello"
    assert {"python", "tensorflow", "keras", "tslearnkit"} <= set(record["versions"])


def test_table_mean_and_std_over_seeds(tmp_path):
    for seed, p1 in enumerate([0.90, 0.92, 0.94]):
        _save(tmp_path, seed, p1)
    _save(tmp_path, 0, 0.5, method="baseline")
    table = results.results_table(results.load_results(tmp_path))
    row = table.loc[("semi-hard", "JapaneseVowels")]
    assert row["n_seeds"] == 3
    assert row["precision_at_1_mean"] == pytest.approx(0.92)
    assert row["precision_at_1_std"] == pytest.approx(np.std([0.90, 0.92, 0.94], ddof=1))
    text = results.table_markdown(table)
    assert "| semi-hard | JapaneseVowels | 3 | 0.920 ± 0.020 |" in text
    assert "| baseline | JapaneseVowels | 1 | 0.500 |" in text


def test_malformed_file_is_named(tmp_path):
    _save(tmp_path, 0, 0.9)
    bad = tmp_path / "broken.json"
    bad.write_text('{"lesson": "x", ')
    with pytest.raises(ValueError, match="broken.json: not valid JSON"):
        results.load_results(tmp_path, on_error="raise")
    bad.write_text(json.dumps({"lesson": "x"}))
    with pytest.raises(ValueError, match="broken.json: missing field 'method'"):
        results.load_results(tmp_path, on_error="raise")
    # by default the corrupt file is reported by name and the valid record still loads
    with pytest.warns(results.CorruptRecordWarning, match="broken.json: missing field 'method'"):
        (record,) = results.load_results(tmp_path)
    assert record["metrics"]["precision_at_1"] == 0.9


def test_nan_metric_is_rejected_before_writing(tmp_path):
    with pytest.raises(ValueError, match="metric 'precision_at_1' is nan"):
        _save(tmp_path, 0, float("nan"))
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_existing_record(tmp_path, monkeypatch):
    path = _save(tmp_path, 0, 0.9)
    before = path.read_text()

    def exploding_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(results.json, "dump", exploding_dump)
    with pytest.raises(OSError, match="disk full"):
        _save(tmp_path, 0, 0.1)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no results folder"):
        results.load_results(tmp_path / "nope")


def test_records_without_table_metrics_are_left_out(tmp_path):
    _save(tmp_path, 0, 0.9)
    results.save_result(
        tmp_path,
        lesson="01_data_visualization",
        method="dataset summary",
        dataset="JapaneseVowels",
        seed=0,
        metrics={"n_train": 270},
        epochs=0,
        wall_time_s=0.0,
    )
    table = results.results_table(results.load_results(tmp_path))
    assert list(table.index.get_level_values("method")) == ["semi-hard"]


def test_methods_that_differ_in_punctuation_keep_their_own_records(tmp_path):
    a = _save(tmp_path, 0, 0.9, method="semi-hard")
    b = _save(tmp_path, 0, 0.8, method="semi hard")
    c = _save(tmp_path, 0, 0.7, method="semi/hard")
    assert len({a, b, c}) == 3
    assert sorted(r["method"] for r in results.load_results(tmp_path)) == ["semi hard", "semi-hard", "semi/hard"]


def test_a_file_holding_another_run_is_never_overwritten(tmp_path):
    path = _save(tmp_path, 0, 0.9)
    record = json.loads(path.read_text())
    record["method"] = "someone else"
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="holds another run .* refusing to overwrite"):
        _save(tmp_path, 0, 0.5)
    assert json.loads(path.read_text())["method"] == "someone else"


def test_numpy_extras_are_stored_as_json_numbers_and_lists(tmp_path):
    _save(tmp_path, np.int64(1), np.float32(0.9), n_synthetic=np.int64(7), ratios=np.array([0.5, 0.25]))
    (record,) = results.load_results(tmp_path)
    assert record["seed"] == 1 and record["n_synthetic"] == 7 and record["ratios"] == [0.5, 0.25]
    assert type(record["n_synthetic"]) is int


def test_file_permissions_follow_the_umask(tmp_path):
    import os

    old = os.umask(0o027)
    try:
        path = _save(tmp_path, 0, 0.9)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


_WRITER = """
import sys
import numpy as np
from tslearnkit.course import results
folder = sys.argv[1]
print("ready", flush=True)
i = 0
while True:
    results.save_result(folder, lesson="l", method="big", dataset="d", seed=i % 3, metrics={"precision_at_1": 0.5},
                        epochs=1, wall_time_s=0.0, versions={}, payload=np.arange(200_000).tolist())
    i += 1
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_killing_a_save_never_leaves_a_readable_partial_record_or_removes_one(tmp_path, delay):
    import signal
    import subprocess
    import sys
    import time

    keep = _save(tmp_path, 0, 0.9)
    before = keep.read_text()
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    records = results.load_results(tmp_path, on_error="raise")  # nothing half-written is visible
    assert keep.read_text() == before
    assert all(r["method"] in ("semi-hard", "big") for r in records)
    assert all(len(r["payload"]) == 200_000 for r in records if r["method"] == "big")


def _record(method, dataset, seed, p1, map_r, lesson="02_x"):
    return {
        "lesson": lesson,
        "method": method,
        "dataset": dataset,
        "seed": seed,
        "metrics": {"precision_at_1": p1, "mean_average_precision_at_r": map_r},
        "epochs": 1,
        "wall_time_s": 1.0,
        "versions": {},
    }


def test_findings_say_where_learning_did_not_beat_the_raw_series():
    records = []
    for seed, jitter in enumerate((0.0, 0.01, -0.01)):
        records += [
            _record("1-NN DTW (raw)", "D", seed, 0.90, 0.70),
            _record("cross-entropy", "D", seed, 0.80 + jitter, 0.75 + jitter),
            _record("triplet", "D", seed, 0.81 + jitter, 0.60 + jitter),
            _record("LEAKY: oversample", "D", seed, 0.99, 0.99),
        ]
    (line,) = results.findings(results.results_table(records))
    assert "best MAP@R cross-entropy 0.750 ± 0.010" in line
    assert "below it by more than one std: triplet (-0.150)" in line
    assert (
        "best learned embedding against 1-NN DTW (raw): P@1 did not beat (triplet, -0.090), "
        "MAP@R beat (cross-entropy, +0.050)" in line
    )
    assert "leaky protocol (LEAKY: oversample) against it: P@1 +0.190, MAP@R +0.240" in line


def test_findings_call_a_gap_inside_one_std_a_tie():
    records = [
        _record(method, "D", seed, 0.5 + d + n, 0.5 + d + n)
        for seed, n in enumerate((0.0, 0.05, -0.05))
        for method, d in (("a", 0.01), ("b", 0.0))
    ]
    (line,) = results.findings(results.results_table(records))
    assert "best MAP@R a" in line and "within one std of it: b (-0.010)" in line


def test_findings_call_equal_means_equal_not_below():
    records = []
    for seed, p1 in enumerate((0.76, 0.74, 0.78)):
        records += [_record("1-NN DTW (raw)", "D", seed, 0.76, 0.40), _record("triplet", "D", seed, p1, 0.70)]
    (line,) = results.findings(results.results_table(records))
    assert "against 1-NN DTW (raw): P@1 equalled (triplet, +0.000)" in line
    records[1]["metrics"]["precision_at_1"] = 0.77  # seed 0; mean 0.7633: above, inside one std
    (line,) = results.findings(results.results_table(records))
    assert "P@1 tied (within one std) (triplet, +0.003)" in line


def test_every_record_says_which_keras_backend_computed_it(tmp_path):
    import keras

    from tslearnkit.course.results import save_result

    path = save_result(
        tmp_path,
        lesson="x",
        method="m",
        dataset="d",
        seed=0,
        metrics={"precision_at_1": 1.0},
        epochs=1,
        wall_time_s=0.1,
    )
    versions = json.loads(path.read_text())["versions"]
    assert versions["keras_backend"] == keras.backend.backend()
    assert versions["keras"] == keras.__version__


def test_a_record_says_which_thread_settings_made_it(tmp_path, monkeypatch):
    import os

    import tslearnkit as tk

    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    path = _save(tmp_path, 0, 0.9)
    threads = json.loads(path.read_text())["threads"]
    assert threads["cpus"] == os.cpu_count()
    assert threads["TF_NUM_INTRAOP_THREADS"] == "1" and threads["OMP_NUM_THREADS"] is None
    assert threads == tk.threads()
