"""tslearnkit.results: record round trip, validation, atomic writes, the mean ± std table."""

import json

import numpy as np
import pytest

from tslearnkit import results


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
    assert path.name == "04_triplet_semihard__semi-hard__JapaneseVowels__seed0.json"
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
        results.load_results(tmp_path)
    bad.write_text(json.dumps({"lesson": "x"}))
    with pytest.raises(ValueError, match="broken.json: missing field 'method'"):
        results.load_results(tmp_path)


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
