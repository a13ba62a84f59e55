"""Issue 23's fixes outside the own-data modules: the study's CSV (a damaged ``.tar.xz``, an id reused
for a second series), the container's repr, ``tslearnkit datasets`` listing saved datasets and
``tslearnkit run --dataset FILE`` passing an absolute path to the lessons."""

import numpy as np
import pytest
from test_data_own_files import corrupt_project_archive  # a damaged .tar.xz, built once

from tslearnkit import data
from tslearnkit.course import cli

HEADER = "ID_TimeSeries,Values,Label_multi,Label_binary\n"


def project_rows(ids, channels=4):
    """Study-CSV lines: ``channels`` rows per id in ``ids`` (an id listed twice is two series)."""
    return "".join(f"{i},1;2;3,{i[0]},n\n" for i in ids for _ in range(channels))


# --------------------------------------------------------------------------- the study's CSV
def test_damaged_tar_xz_is_a_value_error_naming_the_file_when_read_directly(tmp_path):
    corrupt_project_archive(tmp_path / "project_dataset.tar.xz")
    message = r"project_dataset.tar.xz is a corrupt or truncated archive: Corrupt input data; copy it again"
    with pytest.raises(ValueError, match=message):
        data.load_project_csv(tmp_path / "project_dataset.tar.xz")
    with pytest.raises(ValueError, match=message):  # the same through load_dataset("project")
        data.load_dataset("project", data_dir=tmp_path)


def test_an_id_reused_after_other_ids_names_the_id_and_both_lines(tmp_path):
    path = tmp_path / "project_dataset.csv"
    path.write_text(HEADER + project_rows(["a1", "b1", "a1"]))  # a1's block: lines 2-5, b1: 6-9, a1 again: 10-13
    with pytest.raises(ValueError, match=r"series id 'a1' is reused: a series starts at line 2 and another at line 10"):
        data.load_project_csv(path)
    with pytest.raises(ValueError, match=r"'a1' is reused: .* line 2 .* line 10, after rows of other ids"):
        data.load_file(path)  # the study's CSV through load_file reads the same way


def test_an_id_for_two_adjacent_series_is_a_wrong_row_count_with_a_hint(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + project_rows(["a1", "a1", "b1"]))
    with pytest.raises(ValueError, match=r"series 'a1' \(line 2\) spans 8 rows; .*one id for 2 series in a row\?"):
        data.load_project_csv(path)
    path.write_text(HEADER + project_rows(["a1"], channels=5) + project_rows(["b1"]))
    with pytest.raises(ValueError, match=r"spans 5 rows; expected 4 consecutive rows, one per channel$"):
        data.load_project_csv(path)


def test_distinct_ids_in_blocks_still_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + project_rows(["a1", "b1", "a2", "b2"]))
    x, y, names = data.load_project_csv(path)
    assert x.shape == (4, 3, 4) and names == ("a", "b") and y.tolist() == [0, 1, 0, 1]


# --------------------------------------------------------------------------- container
def test_repr_names_the_actual_class():
    x = np.random.default_rng(0).normal(size=(8, 20, 2))
    own = data.from_arrays(x, ["a", "b"] * 4, test_size=0.5)
    assert repr(own).startswith("ImportedDataset(name='mydata', train=(4, 20, 2), test=(4, 20, 2), n_classes=2")
    plain = data.TimeSeriesDataset("toy", own.x_train, own.y_train, own.x_test, own.y_test, own.class_names)
    assert repr(plain).startswith("TimeSeriesDataset(name='toy'")


# --------------------------------------------------------------------------- command line
def test_datasets_command_lists_saved_datasets(tmp_path, capsys):
    assert cli.main(["datasets", "--data-dir", str(tmp_path)]) == 0
    assert "\nsaved: -\n" in capsys.readouterr().out
    x = np.random.default_rng(0).normal(size=(8, 20, 2))
    data.from_arrays(x, ["a", "b"] * 4, test_size=0.5).save("mine", data_dir=tmp_path)
    assert cli.main(["datasets", "--data-dir", str(tmp_path)]) == 0
    assert "\nsaved: mine\n" in capsys.readouterr().out


def test_run_passes_a_file_dataset_as_an_absolute_path(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "run_lessons", lambda lessons, **kwargs: seen.append(kwargs["dataset"]) or [])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "recordings.csv").write_text("id,t,v,label\n")
    for dataset in ("recordings.csv", "JapaneseVowels", "absent.csv"):
        assert cli.main(["run", "--quick", "--lessons", "01", "--dataset", dataset, "--out", "out"]) == 0
    # the kernels run in notebooks/: a relative path would point there; names are passed as they are
    assert seen == [str(tmp_path.resolve() / "recordings.csv"), "JapaneseVowels", "absent.csv"]


def test_the_command_list_names_import():
    assert "tslearnkit import" in cli.make_parser().format_help()
