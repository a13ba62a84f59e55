"""Saved datasets: register / dataset.save put your data where load_dataset, list_datasets, the lessons'
``dataset`` parameter and ``tslearnkit import`` find it; raw values and the split survive; nothing
is overwritten silently and a failed save leaves nothing behind. Every test writes under tmp_path."""

import numpy as np
import pandas as pd
import pytest

from tslearnkit import data
from tslearnkit.course import cli

RNG = np.random.default_rng(2)
SERIES = [RNG.normal(4.0, 3.0, size=(n, 3)) for n in (30, 44, 37, 52, 41, 33, 48, 39, 35, 50)]
LABELS = ["a", "b"] * 5


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """The kit's data folder is a fresh temporary one (a lesson kernel finds it the same way)."""
    monkeypatch.setenv("TSLEARNKIT_DATA", str(tmp_path / "home"))
    return tmp_path / "home"


def same(a, b):
    assert a.class_names == b.class_names
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_saved_dataset_loads_by_name_with_its_raw_values_and_split(data_home):
    ds = data.from_arrays(SERIES, LABELS, name="gestures")
    path = ds.save()
    assert path == data_home / "saved" / "gestures.npz" and path.is_file()
    assert data.list_datasets()["saved"] == ["gestures"]
    same(data.load_dataset("gestures"), ds)  # what a lesson's dataset = "gestures" gets
    raw = data.from_arrays(SERIES, LABELS, standardize=False)
    same(data.load_dataset("gestures", standardize=False), raw)  # lesson 1 shows raw values
    padded = data.from_arrays(SERIES, LABELS, variable_length="pad")
    same(data.load_dataset("gestures", variable_length="pad"), padded)
    assert "test split: drawn" in data.load_dataset("gestures").notes


def test_register_with_data_dir_and_a_plain_dataset(tmp_path):
    plain = data.TimeSeriesDataset(
        "plain",
        RNG.normal(size=(6, 12, 2)),
        np.array([0, 1] * 3),
        RNG.normal(size=(2, 12, 2)),
        np.array([0, 1]),
        ("x", "y"),
    )
    data.register(plain, "plain-set", data_dir=tmp_path / "elsewhere")
    assert data.saved_names(tmp_path / "elsewhere") == ["plain-set"] and data.saved_names() == []
    back = data.load_dataset("plain-set", data_dir=tmp_path / "elsewhere", standardize=False)
    same(back, plain)


def test_changed_arrays_are_saved_not_the_old_source():
    ds = data.from_arrays(SERIES, LABELS, standardize=False)
    smaller = data.make_imbalanced(ds, {0: 2})
    data.register(smaller, "smaller")
    same(data.load_dataset("smaller", standardize=False), smaller)


def test_names_never_overwrite_silently(data_home):
    ds = data.from_arrays(SERIES, LABELS)
    for builtin in ("GunPoint", "gunpoint", "project", data.DEFAULT_DATASET):
        with pytest.raises(ValueError, match=f"{builtin!r} is already the name of a built-in"):
            data.register(ds, builtin)
    (data_home / "NATOPS").mkdir(parents=True)  # a downloaded archive
    with pytest.raises(ValueError, match="'natops' is already the name of a built-in or downloaded dataset"):
        data.register(ds, "natops")
    for bad in ("my data", "../up", "a.csv", "", "_x"):
        with pytest.raises(ValueError, match="a saved dataset's name must be 1-64 letters"):
            data.register(ds, bad)
    data.register(ds, "mine")
    with pytest.raises(ValueError, match=r"a saved dataset 'mine' exists .*overwrite=True"):
        data.register(ds, "mine")
    other = data.from_arrays(SERIES, LABELS, seed=1)
    data.register(other, "mine", overwrite=True)
    same(data.load_dataset("mine"), other)
    with pytest.raises(TypeError, match="dataset must be a TimeSeriesDataset"):
        data.register({"x": 1}, "mine2")


def test_a_failed_save_leaves_nothing(data_home, monkeypatch):
    ds = data.from_arrays(SERIES, LABELS)
    data.register(ds, "kept")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        data.register(data.from_arrays(SERIES, LABELS, seed=3), "kept", overwrite=True)
    assert sorted(p.name for p in (data_home / "saved").iterdir()) == ["kept.npz"]  # no temporary file
    monkeypatch.undo()
    same(data.load_dataset("kept", data_dir=data_home), ds)  # the old file is whole


def test_unregister_and_unknown_names(data_home):
    data.register(data.from_arrays(SERIES, LABELS), "gone")
    data.unregister("gone")
    assert data.saved_names() == []
    with pytest.raises(ValueError, match=r"no saved dataset 'gone'"):
        data.unregister("gone")
    data.register(data.from_arrays(SERIES, LABELS), "Mine")
    with pytest.raises(ValueError, match=r"unknown dataset 'mine'.*Did you mean 'Mine'\?.*saved datasets: Mine"):
        data.load_dataset("mine")
    (data_home / "saved" / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"saved dataset 'broken' .* cannot be read"):
        data.load_dataset("broken")


def long_csv(path, n_series=12):
    rows = []
    for i in range(n_series):
        label = ["left", "right", "up"][i % 3]
        for t in range(15 + 3 * i):  # unequal lengths
            rows.append({"id": f"g{i}", "t": t, "ax": RNG.normal(), "ay": RNG.normal(), "move": label})
    pd.DataFrame(rows).to_csv(path, index=False)
    return pd.DataFrame(rows)


def test_cli_import_then_load_by_name(tmp_path, capsys):
    frame = long_csv(tmp_path / "moves.csv")
    code = cli.main(["import", str(tmp_path / "moves.csv"), "--name", "moves", "--series", "id", "--time", "t",
                     "--label", "move"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "saved as 'moves'" in out and "tslearnkit run --quick --dataset moves" in out
    same(data.load_dataset("moves"), data.from_dataframe(frame, series="id", time="t", label="move"))
    with pytest.raises(SystemExit, match=r"tslearnkit import: a saved dataset 'moves' exists"):
        cli.main(["import", str(tmp_path / "moves.csv"), "--name", "moves", "--series", "id", "--label", "move"])
    with pytest.raises(SystemExit, match=r"tslearnkit import: .*unknown file type '.xlsx'"):
        (tmp_path / "m.xlsx").write_text("x")
        cli.main(["import", str(tmp_path / "m.xlsx"), "--name", "m2"])
    assert data.saved_names() == ["moves"]  # failed imports left nothing
