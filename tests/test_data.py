"""tslearnkit.data: real offline data, the study's CSV format, validation messages."""

import tarfile
import textwrap

import numpy as np
import pytest

from tslearnkit import checks, data
from tslearnkit.data import catalogue

# --------------------------------------------------------------------------- helpers
HEADER = "ID_TimeSeries,Values,Label_multi,Label_binary\n"


def write_project_csv(path, n_series=6, length=1007, channels=4, seed=0, labels=None):
    """Write a CSV in exactly the study's layout; return the arrays it encodes."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_series, length, channels)).round(6).astype(np.float32)
    labels = labels or [f"class_{i % 3}" for i in range(n_series)]
    lines = [HEADER]
    for i in range(n_series):
        for c in range(channels):
            values = ";".join(repr(float(v)) for v in x[i, :, c])
            binary = "anomaly" if labels[i] != "class_0" else "normal"
            lines.append(f"ts_{i:04d},{values},{labels[i]},{binary}\n")
    path.write_text("".join(lines))
    return x, labels


def write_ts(path, name, rows, labels, equal_length=True):
    """Write a small multivariate .ts file (aeon/sktime format)."""
    dims = len(rows[0])
    body = "\n".join(
        ":".join(",".join(str(v) for v in channel) for channel in series) + f":{label}"
        for series, label in zip(rows, labels)
    )
    path.write_text(
        textwrap.dedent(
            f"""\
            @problemName {name}
            @timeStamps false
            @missing false
            @univariate {"true" if dims == 1 else "false"}
            @dimensions {dims}
            @equalLength {"true" if equal_length else "false"}
            @classLabel true {" ".join(sorted(set(labels)))}
            @data
            """
        )
        + body
        + "\n"
    )


# --------------------------------------------------------------------------- default dataset
@pytest.fixture(scope="module")
def default_dataset():
    return data.load_dataset()


def test_default_dataset_is_real_multivariate_offline(default_dataset):
    ds = default_dataset
    assert ds.name == "JapaneseVowels"
    assert ds.x_train.dtype == np.float32 and ds.x_test.dtype == np.float32
    # Resampled to the longest *training* series (26 steps; the test split holds up to 29).
    assert ds.x_train.shape == (270, 26, 12)
    assert ds.x_test.shape == (370, 26, 12)
    assert ds.y_train.dtype == np.int64
    assert ds.class_names == tuple(str(i) for i in range(1, 10))
    # 30 utterances per speaker in train; the test split is unbalanced (24..88).
    assert np.bincount(ds.y_train).tolist() == [30] * 9
    assert np.bincount(ds.y_test).tolist() == [31, 35, 88, 44, 29, 24, 40, 50, 29]


def test_standardisation_uses_training_statistics_only(default_dataset):
    folder = catalogue._aeon_data_dir() / "JapaneseVowels"
    ragged_train, _ = catalogue._read_ts(folder / "JapaneseVowels_TRAIN.ts")
    std_train, _, stats = data.standardize(ragged_train)
    observed = np.concatenate(std_train)
    np.testing.assert_allclose(observed.mean(0), 0, atol=1e-5)  # observed steps, not padding
    np.testing.assert_allclose(observed.std(0), 1, atol=1e-4)
    # The shipped dataset is exactly these standardised series, stretched to the longest training
    # series (the default), or edge-padded to the longest of either split with variable_length="pad".
    np.testing.assert_allclose(default_dataset.x_train, data.resample_series(std_train, 26), atol=1e-6)
    padded = data.load_dataset(variable_length="pad")
    np.testing.assert_allclose(padded.x_train, data.pad_series(std_train, 29), atol=1e-6)
    # Changing the test split must not change how the training split is transformed.
    raw = data.load_dataset(standardize=False)
    x_tr, _, s1 = data.standardize(raw.x_train, raw.x_test)
    x_tr2, x_te2, s2 = data.standardize(raw.x_train, raw.x_test * 100 + 5)
    np.testing.assert_array_equal(x_tr, x_tr2)
    np.testing.assert_array_equal(s1.mean, s2.mean)
    assert np.abs(x_te2).std() > 10  # test is transformed with train stats, never refitted


def test_resampling_keeps_endpoints_and_interpolates_linearly():
    series = [np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[5.0, 6.0]]), np.arange(5.0).reshape(5, 1).repeat(2, 1)]
    out = data.resample_series(series, 5)
    assert out.shape == (3, 5, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0], [0, 0.5, 1, 1.5, 2])
    np.testing.assert_allclose(out[0, :, 1], [10, 15, 20, 25, 30])
    np.testing.assert_array_equal(out[1], [[5, 6]] * 5)  # one step: a constant
    np.testing.assert_allclose(out[2], series[2])  # already the right length: unchanged
    with pytest.raises(ValueError, match="empty"):
        data.resample_series([np.zeros((3, 2)), np.zeros((0, 2))])
    with pytest.raises(ValueError, match="variable_length must be one of"):
        data.load_dataset(variable_length="crop")


def test_padding_repeats_last_value():
    series = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0]])]
    padded = data.pad_series(series)
    assert padded.shape == (2, 2, 2)
    np.testing.assert_array_equal(padded[1], [[5, 6], [5, 6]])
    with pytest.raises(ValueError, match="more than the padding length 1"):
        data.pad_series(series, length=1)


def test_list_datasets_names_offline_and_how_to_download(tmp_path):
    listing = data.list_datasets(data_dir=tmp_path)
    assert "JapaneseVowels" in listing["offline"]
    assert "BasicMotions" in listing["offline"]
    assert listing["cached"] == []
    assert "download=True" in listing["download"][0]


def test_regression_sets_are_not_offered_and_fail_clearly():
    offline = data.list_datasets()["offline"]
    assert "JapaneseVowels" in offline and "GunPoint" in offline
    assert "Covid3Month" not in offline and "CardanoSentiment" not in offline  # aeon's regression sets
    with pytest.raises(ValueError, match="no class labels"):
        data.load_dataset("Covid3Month")


def test_summary_mentions_counts(default_dataset):
    text = default_dataset.summary()
    assert "9 classes, 12 channels, 26 timesteps" in text


def test_summary_keeps_its_count_columns_aligned_with_long_class_names():
    x = np.zeros((3, 4, 1), dtype=np.float32)
    names = ("walk", "climbing the stairs slowly", "b")
    ds = data.TimeSeriesDataset("toy", x, np.array([0, 1, 2]), x, np.array([0, 1, 2]), names)
    rows = ds.summary().splitlines()[2:]
    assert len({len(row) for row in rows}) == 1, rows  # header and every class row end in one column
    assert rows[2].startswith("  climbing the stairs slowly ") and rows[2].split()[-2:] == ["1", "1"]
    assert "3 classes, 1 channel, 4 timesteps" in ds.summary()  # not "1 channels"


# --------------------------------------------------------------------------- UCR/UEA cache
def test_cached_archive_dataset_loads_without_network(tmp_path):
    folder = tmp_path / "ToyMulti"
    folder.mkdir()
    rows = [[[1, 2, 3, 4], [0, 0, 1, 1]], [[2, 3, 4, 5], [1, 1, 0, 0]], [[9, 8, 7], [5, 5, 5]]]
    write_ts(folder / "ToyMulti_TRAIN.ts", "ToyMulti", rows, ["a", "b", "a"], equal_length=False)
    write_ts(folder / "ToyMulti_TEST.ts", "ToyMulti", rows[:2], ["b", "a"], equal_length=True)
    ds = data.load_dataset("ToyMulti", data_dir=tmp_path, standardize=False)
    assert ds.x_train.shape == (3, 4, 2)
    assert ds.class_names == ("a", "b")
    np.testing.assert_array_equal(ds.y_train, [0, 1, 0])
    np.testing.assert_array_equal(ds.y_test, [1, 0])
    np.testing.assert_allclose(ds.x_train[2, :, 0], [9, 25 / 3, 23 / 3, 7], rtol=1e-6)  # stretched to 4 steps
    padded = data.load_dataset("ToyMulti", data_dir=tmp_path, standardize=False, variable_length="pad")
    np.testing.assert_array_equal(padded.x_train[2, :, 0], [9, 8, 7, 7])  # edge padding
    assert "ToyMulti" in data.list_datasets(data_dir=tmp_path)["cached"]


def test_unknown_dataset_names_offline_choices(tmp_path):
    with pytest.raises(ValueError, match=r"unknown dataset 'NoSuchSet'.*JapaneseVowels.*download=True"):
        data.load_dataset("NoSuchSet", data_dir=tmp_path)


def test_case_mismatch_suggests_name(tmp_path):
    with pytest.raises(ValueError, match="Did you mean 'JapaneseVowels'"):
        data.load_dataset("japanesevowels", data_dir=tmp_path)


def test_download_without_network_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(data.catalogue, "_network_available", lambda *a, **k: False)
    with pytest.raises(ConnectionError, match="not reachable.*offline: .*JapaneseVowels"):
        data.load_dataset("NATOPS", data_dir=tmp_path, download=True)


def test_corrupt_ts_file_is_named(tmp_path):
    folder = tmp_path / "Broken"
    folder.mkdir()
    (folder / "Broken_TRAIN.ts").write_text("@problemName Broken\n@data\n1,2,x:oops\n")
    (folder / "Broken_TEST.ts").write_text("garbage")
    with pytest.raises(ValueError, match="cannot parse Broken_TRAIN.ts"):
        data.load_dataset("Broken", data_dir=tmp_path)


def test_ts_with_missing_values_is_rejected(tmp_path):
    folder = tmp_path / "Gappy"
    folder.mkdir()
    write_ts(folder / "Gappy_TRAIN.ts", "Gappy", [[[1, "NaN", 3]], [[1, 2, 3]]], ["a", "b"])
    write_ts(folder / "Gappy_TEST.ts", "Gappy", [[[1, 2, 3]]], ["a"])
    with pytest.raises(ValueError, match="NaN or missing"):
        data.load_dataset("Gappy", data_dir=tmp_path)


# --------------------------------------------------------------------------- study CSV
def test_project_csv_round_trip(tmp_path):
    path = tmp_path / "project_dataset.csv"
    x, labels = write_project_csv(path)
    x_read, y, names = data.load_project_csv(path)
    assert x_read.shape == (6, 1007, 4) and x_read.dtype == np.float32
    np.testing.assert_array_equal(x_read, x)
    assert names == ("class_0", "class_1", "class_2")
    np.testing.assert_array_equal(y, [0, 1, 2, 0, 1, 2])
    _, y_bin, names_bin = data.load_project_csv(path, label="Label_binary")
    assert names_bin == ("anomaly", "normal")
    np.testing.assert_array_equal(y_bin, [1, 0, 0, 1, 0, 0])


def test_project_tar_xz_round_trip_and_load_dataset(tmp_path):
    csv = tmp_path / "project_dataset.csv"
    x, _ = write_project_csv(csv, n_series=12)
    archive = tmp_path / "project_dataset.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(csv, arcname="dataset/project_dataset.csv")
    csv.unlink()
    x_read, _, _ = data.load_project_csv(archive)
    np.testing.assert_array_equal(x_read, x)
    ds = data.load_dataset("project", data_dir=tmp_path, test_size=0.25, seed=1)
    assert ds.x_train.shape[1:] == (1007, 4)
    assert len(ds.x_train) + len(ds.x_test) == 12
    assert sorted(np.bincount(ds.y_test).tolist()) == [1, 1, 1]


def test_project_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no project_dataset.csv or project_dataset.tar.xz"):
        data.load_dataset("project", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="no such project file"):
        data.load_project_csv(tmp_path / "nope.csv")


def test_project_wrong_label_column(tmp_path):
    path = tmp_path / "p.csv"
    write_project_csv(path, n_series=2, length=5)
    with pytest.raises(ValueError, match=r"label must be one of \['Label_multi', 'Label_binary'\]; got 'Label'"):
        data.load_project_csv(path, label="Label")


def test_project_missing_label_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("ID_TimeSeries,Values,Label_binary\n" + "a,1;2,x\n" * 4)
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['Label_multi'\]"):
        data.load_project_csv(path)


def test_project_wrong_value_count(tmp_path):
    path = tmp_path / "p.csv"
    rows = ["a,1;2;3,c,n\n"] * 3 + ["a,1;2,c,n\n"]
    path.write_text(HEADER + "".join(rows))
    with pytest.raises(ValueError, match="line 5: Values has 2 numbers, expected 3"):
        data.load_project_csv(path)


def test_project_non_number(tmp_path):
    path = tmp_path / "p.csv"
    rows = ["a,1;2;3,c,n\n", "a,1;two;3,c,n\n"] + ["a,1;2;3,c,n\n"] * 2
    path.write_text(HEADER + "".join(rows))
    with pytest.raises(ValueError, match="line 3: Values has a non-number 'two'"):
        data.load_project_csv(path)


def test_project_nan_value(tmp_path):
    path = tmp_path / "p.csv"
    rows = ["a,1;nan;3,c,n\n"] + ["a,1;2;3,c,n\n"] * 3
    path.write_text(HEADER + "".join(rows))
    with pytest.raises(ValueError, match="line 2: Values contains NaN or inf"):
        data.load_project_csv(path)


def test_project_wrong_rows_per_series(tmp_path):
    path = tmp_path / "p.csv"
    rows = ["a,1;2,c,n\n"] * 4 + ["b,1;2,c,n\n"] * 3
    path.write_text(HEADER + "".join(rows))
    with pytest.raises(ValueError, match="series 'b' \\(line 6\\) spans 3 rows; expected 4"):
        data.load_project_csv(path)


def test_project_corrupt_archive(tmp_path):
    path = tmp_path / "project_dataset.tar.xz"
    path.write_bytes(b"\xfd7zXZ\x00 definitely not xz")
    with pytest.raises(ValueError, match="not a readable .tar.xz archive"):
        data.load_project_csv(path)


# --------------------------------------------------------------------------- validation
def test_nan_in_series_is_located():
    x = np.zeros((3, 5, 2), np.float32)
    x[1, 4, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or inf \\(first at series 1, step 4, channel 0\\)"):
        data.check_series(x)


def test_two_dimensional_input_gets_a_hint():
    with pytest.raises(ValueError, match=r"must be 3-D.*got shape \(4, 5\).*x\[\.\.\., None\]"):
        data.check_series(np.zeros((4, 5)))


def test_labels_must_be_integers():
    with pytest.raises(ValueError, match="must hold integer class indices; got dtype <U1"):
        data.check_labels(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="must hold integer class indices; got dtype float64"):
        data.check_labels(np.array([0.5, 1.0]))
    np.testing.assert_array_equal(data.check_labels(np.array([[1.0], [2.0]])), [1, 2])


def test_raw_labels_must_be_integers_or_strings():
    with pytest.raises(ValueError, match="train labels must be integers or strings; got dtype float64"):
        checks.encode_labels(np.array([0.5, 1.5]))


def test_length_mismatch():
    with pytest.raises(ValueError, match="y has 2 labels but there are 3 series"):
        data.check_labels([0, 1], 3)
    with pytest.raises(ValueError, match="y_train has 2 labels but there are 3 series"):
        data.TimeSeriesDataset("t", np.zeros((3, 4, 1)), [0, 1], np.zeros((1, 4, 1)), [0], ("a", "b"))


def test_dataset_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match="labels outside 0..1"):
        data.TimeSeriesDataset("t", np.zeros((2, 4, 1)), [0, 2], np.zeros((1, 4, 1)), [0], ("a", "b"))


def test_stratified_split_is_seeded_and_stratified():
    y = np.repeat([0, 1, 2], [10, 20, 5])
    x = np.arange(len(y) * 2, dtype=np.float32).reshape(-1, 2, 1)
    a = data.stratified_split(x, y, 0.2, seed=3)
    b = data.stratified_split(x, y, 0.2, seed=3)
    c = data.stratified_split(x, y, 0.2, seed=4)
    np.testing.assert_array_equal(a[3], b[3])
    np.testing.assert_array_equal(a[2], b[2])
    assert not np.array_equal(a[2], c[2])
    assert np.bincount(a[3]).tolist() == [2, 4, 1]
    # Disjoint and complete.
    seen = np.concatenate([a[0][:, 0, 0], a[2][:, 0, 0]])
    assert sorted(seen.tolist()) == sorted(x[:, 0, 0].tolist())
    with pytest.raises(ValueError, match=r"test_size must be in \(0, 1\)"):
        data.stratified_split(x, y, 1.5)
