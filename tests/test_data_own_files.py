"""tk.data.load_file (and load_dataset with a path): every file layout gives the dataset the same
series give through from_arrays/from_dataframe; bad files fail with the file, line and value."""

import io
import lzma
import tarfile
import textwrap
import zipfile

import numpy as np
import pandas as pd
import pytest

from tslearnkit import data

RNG = np.random.default_rng(5)
LABELS = ["left", "right", "up"] * 4
SERIES = [RNG.normal(size=(n, 2)).round(5) for n in (14, 20, 9, 17, 12, 20, 11, 16, 18, 10, 13, 15)]
UNI = RNG.normal(size=(12, 24)).round(5)


def same(a, b):
    assert a.class_names == b.class_names
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def write_ts(path, series, labels):
    """A multivariate .ts file (aeon's format), unequal lengths allowed."""
    body = "\n".join(
        ":".join(",".join(repr(float(v)) for v in channel) for channel in s.T) + f":{label}"
        for s, label in zip(series, labels)
    )
    header = f"""\
        @problemName toy
        @timeStamps false
        @missing false
        @univariate false
        @dimensions {series[0].shape[1]}
        @equalLength false
        @classLabel true {" ".join(sorted(set(labels)))}
        @data
        """
    path.write_text(textwrap.dedent(header) + body + "\n")


def write_ucr(path, x, labels, sep):
    path.write_text(
        "".join(f"{label}{sep}" + sep.join(repr(float(v)) for v in row) + "\n" for row, label in zip(x, labels))
    )


# --------------------------------------------------------------------------- formats
def test_ts_file_with_unequal_lengths_and_string_labels(tmp_path):
    write_ts(tmp_path / "toy.ts", SERIES, LABELS)
    ds = data.load_file(tmp_path / "toy.ts")
    same(ds, data.from_arrays(SERIES, LABELS))
    assert ds.name == "toy"


def test_ucr_train_test_pair_is_picked_up_from_either_name(tmp_path):
    write_ts(tmp_path / "Toy_TRAIN.ts", SERIES[:9], LABELS[:9])
    write_ts(tmp_path / "Toy_TEST.ts", SERIES[9:], LABELS[9:])
    expected = data.from_arrays(SERIES[:9], LABELS[:9], x_test=SERIES[9:], y_test=LABELS[9:])
    same(data.load_file(tmp_path / "Toy_TRAIN.ts"), expected)
    same(data.load_file(tmp_path / "Toy_TEST.ts"), expected)
    assert data.load_file(tmp_path / "Toy_TRAIN.ts").name == "Toy"


@pytest.mark.parametrize("ending, sep", [(".tsv", "\t"), (".csv", ",")])
def test_ucr_tables_label_first_no_header(tmp_path, ending, sep):
    write_ucr(tmp_path / f"Uni_TRAIN{ending}", UNI[:8], LABELS[:8], sep)
    write_ucr(tmp_path / f"Uni_TEST{ending}", UNI[8:], LABELS[8:], sep)
    ds = data.load_file(tmp_path / f"Uni_TRAIN{ending}")
    same(ds, data.from_arrays(UNI[:8], LABELS[:8], x_test=UNI[8:], y_test=LABELS[8:]))


def test_ucr_trailing_empty_cells_are_shorter_series(tmp_path):
    rows = [RNG.normal(size=n).round(5) for n in (24, 20, 22, 24, 19, 21)]
    lines = [f"{label}\t" + "\t".join(map(repr, r.tolist())) + "\t" * (24 - len(r)) for r, label in zip(rows, LABELS)]
    (tmp_path / "var.tsv").write_text("\n".join(lines) + "\n")
    same(data.load_file(tmp_path / "var.tsv", test_size=0.5), data.from_arrays(rows, LABELS[:6], test_size=0.5))


def test_arff_file(tmp_path):
    attributes = "".join(f"@attribute t{i} numeric\n" for i in range(UNI.shape[1]))
    body = "".join(",".join(map(repr, row.tolist())) + f",{label}\n" for row, label in zip(UNI, LABELS))
    (tmp_path / "uni.arff").write_text(f"@relation uni\n{attributes}@attribute target {{left,right,up}}\n@data\n{body}")
    same(data.load_file(tmp_path / "uni.arff"), data.from_arrays(UNI, LABELS))


def test_long_csv_with_string_labels_and_unequal_lengths(tmp_path):
    rows = [
        {"recording": f"r{i}", "step": t, "x": a, "y": b, "gesture": label}
        for i, (s, label) in enumerate(zip(SERIES, LABELS))
        for t, (a, b) in enumerate(s)
    ]
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # rows in any order: time orders them
    frame.to_csv(tmp_path / "long.csv", index=False)
    ds = data.load_file(tmp_path / "long.csv", series="recording", time="step", label="gesture")
    expected = data.from_dataframe(frame, series="recording", time="step", label="gesture")
    same(ds, expected)
    frame.iloc[:7].assign(x="oops").to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match=r"column 'x', bad.csv line 2: 'oops' is not a number"):
        data.load_file(tmp_path / "bad.csv", series="recording", time="step", label="gesture")


def test_a_long_test_file_with_its_columns_in_another_order_keeps_each_channel(tmp_path):
    rows = [
        {"recording": f"r{i}", "step": t, "x": a, "y": b, "gesture": label}
        for i, (s, label) in enumerate(zip(SERIES, LABELS))
        for t, (a, b) in enumerate(s)
    ]
    frame = pd.DataFrame(rows)
    first = frame.recording.isin([f"r{i}" for i in range(8)])
    train, test = frame[first], frame[~first]
    train.to_csv(tmp_path / "G_TRAIN.csv", index=False)
    test[["recording", "step", "y", "x", "gesture"]].to_csv(tmp_path / "G_TEST.csv", index=False)
    ds = data.load_file(tmp_path / "G_TRAIN.csv", series="recording", time="step", label="gesture")
    same(ds, data.from_dataframe(train, series="recording", time="step", label="gesture", test=test))
    test.assign(z=1.0).to_csv(tmp_path / "G_TEST.csv", index=False)
    with pytest.raises(ValueError, match=r"value columns \['x', 'y', 'z'\] are not the training data's \['x', 'y'\]"):
        data.load_file(tmp_path / "G_TRAIN.csv", series="recording", time="step", label="gesture")


def test_the_label_none_is_a_class_and_the_words_for_missing_stay_missing(tmp_path):
    """'None' is a class ("no gesture") and a series id in a file; pandas read it as missing. Empty cells and
    the words R, NumPy and databases write for a missing value (NA, nan, null, ...) stay missing."""
    words = ["None", "walk", "run"] * 4
    rows = [
        {"id": "None" if i == 0 else f"r{i}", "step": t, "x": a, "y": b, "label": words[i]}
        for i, s in enumerate(SERIES)
        for t, (a, b) in enumerate(s)
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "words.csv", index=False)
    ds = data.load_file(tmp_path / "words.csv", series="id", time="step", label="label")
    assert ds.class_names == ("None", "run", "walk") and len(ds.x_train) + len(ds.x_test) == len(SERIES)
    write_ucr(tmp_path / "U_TRAIN.csv", UNI, words, ",")
    assert data.load_file(tmp_path / "U_TRAIN.csv").class_names == ("None", "run", "walk")
    for gap in ("", "NA", "nan", "null", "<NA>"):
        frame = pd.DataFrame(rows)
        frame["label"] = frame["label"].where(frame["id"] != "r3", gap)
        frame.to_csv(tmp_path / "gap.csv", index=False)
        with pytest.raises(ValueError, match="the label is missing"):
            data.load_file(tmp_path / "gap.csv", series="id", time="step", label="label")
        write_ucr(tmp_path / "G_TRAIN.csv", UNI, words[:3] + [gap] + words[4:], ",")
        with pytest.raises(ValueError, match="the label is missing"):
            data.load_file(tmp_path / "G_TRAIN.csv")


def test_wide_csv_with_a_header(tmp_path):
    frame = pd.DataFrame(UNI, columns=[f"s{i}" for i in range(24)]).assign(cls=LABELS)
    frame.to_csv(tmp_path / "wide.csv", index=False)
    same(data.load_file(tmp_path / "wide.csv", label="cls", layout="wide"), data.from_arrays(UNI, LABELS))


def test_npz_arrays_channels_first(tmp_path):
    x = np.stack([s[:9] for s in SERIES]).transpose(0, 2, 1)  # (n, c, t)
    np.savez(tmp_path / "a.npz", x=x, y=np.array(LABELS))
    same(data.load_file(tmp_path / "a.npz"), data.from_arrays(x, LABELS))
    np.savez(tmp_path / "b.npz", x=x[:8], y=np.array(LABELS[:8]), x_test=x[8:], y_test=np.array(LABELS[8:]))
    same(data.load_file(tmp_path / "b.npz"), data.from_arrays(x[:8], LABELS[:8], x_test=x[8:], y_test=LABELS[8:]))
    np.savez(tmp_path / "c.npz", values=x)
    with pytest.raises(ValueError, match=r"c.npz holds arrays \['values'\]; a dataset .npz needs 'x' and 'y'"):
        data.load_file(tmp_path / "c.npz")
    np.savez(tmp_path / "d.npz", x=np.array([np.zeros(3), np.zeros(4)], dtype=object), y=np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"d.npz: .*allow_pickle.*from_arrays"):
        data.load_file(tmp_path / "d.npz")


def test_the_studys_csv_and_its_archive(tmp_path):
    x = RNG.normal(size=(8, 30, 4)).round(5)
    labels = ["normal", "fault"] * 4
    lines = ["ID_TimeSeries,Values,Label_multi,Label_binary"]
    for i, label in enumerate(labels):
        lines += [f"ts{i},{';'.join(map(repr, x[i, :, c].tolist()))},{label},{label}" for c in range(4)]
    csv = tmp_path / "project_dataset.csv"
    csv.write_text("\n".join(lines) + "\n")
    expected = data.from_arrays(x.astype(np.float32), labels, test_size=0.25)  # the study reader keeps float32
    same(data.load_file(csv, test_size=0.25), expected)
    with tarfile.open(tmp_path / "project_dataset.tar.xz", "w:xz") as archive:
        archive.add(csv, arcname="project_dataset.csv")
    same(data.load_file(tmp_path / "project_dataset.tar.xz", test_size=0.25), expected)


def test_zip_of_a_ucr_pair(tmp_path):
    write_ts(tmp_path / "Toy_TRAIN.ts", SERIES[:9], LABELS[:9])
    write_ts(tmp_path / "Toy_TEST.ts", SERIES[9:], LABELS[9:])
    with zipfile.ZipFile(tmp_path / "Toy.zip", "w") as archive:
        archive.write(tmp_path / "Toy_TRAIN.ts", "Toy/Toy_TRAIN.ts")
        archive.write(tmp_path / "Toy_TEST.ts", "Toy/Toy_TEST.ts")
    ds = data.load_file(tmp_path / "Toy.zip")
    same(ds, data.load_file(tmp_path / "Toy_TRAIN.ts"))
    assert ds.name == "Toy"


def test_load_dataset_takes_a_file_path(tmp_path):
    write_ts(tmp_path / "toy.ts", SERIES, LABELS)
    same(data.load_dataset(str(tmp_path / "toy.ts")), data.load_file(tmp_path / "toy.ts"))
    same(
        data.load_dataset(tmp_path / "toy.ts", standardize=False),
        data.load_file(tmp_path / "toy.ts", standardize=False),
    )
    with pytest.raises(FileNotFoundError, match="no such file"):
        data.load_dataset(str(tmp_path / "nothing.ts"))


# --------------------------------------------------------------------------- bad files
def test_unknown_file_type_lists_the_allowed_ones(tmp_path):
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(ValueError, match=r"unknown file type '.xlsx'; allowed: .ts .*\.npz.*\.zip"):
        data.load_file(tmp_path / "data.xlsx")


def test_another_encoding_is_named_and_can_be_given(tmp_path):
    frame = pd.DataFrame({"id": ["s1"] * 3 + ["s2"] * 3 + ["s3"] * 3 + ["s4"] * 3, "v": np.arange(12.0)})
    frame["label"] = ["café"] * 6 + ["thé"] * 6
    frame.to_csv(tmp_path / "latin.csv", index=False, encoding="latin-1")
    with pytest.raises(ValueError, match=r"latin.csv is not utf-8 text \(byte 0xe9.*encoding='latin-1'"):
        data.load_file(tmp_path / "latin.csv", series="id", label="label")
    ds = data.load_file(tmp_path / "latin.csv", series="id", label="label", encoding="latin-1", test_size=0.5)
    assert ds.class_names == ("café", "thé")


def corrupt_project_archive(path):
    """A real project_dataset.tar.xz whose compressed middle is damaged (a bare LZMAError before)."""
    rng = np.random.default_rng(0)
    rows = "".join(f"a{i},{';'.join(map(str, rng.normal(size=50)))},x,y\n" for i in range(400))
    payload = ("ID_TimeSeries,Values,Label_multi,Label_binary\n" + rows).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
        info = tarfile.TarInfo("project_dataset.csv")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    damaged = bytearray(buffer.getvalue())
    middle = len(damaged) // 2
    damaged[middle : middle + 50] = bytes(b ^ 0xFF for b in damaged[middle : middle + 50])
    path.write_bytes(bytes(damaged))


def test_corrupt_or_truncated_archives(tmp_path):
    corrupt_project_archive(tmp_path / "project_dataset.tar.xz")
    with pytest.raises(ValueError, match=r"project_dataset.tar.xz is a corrupt or truncated archive: Corrupt input"):
        data.load_file(tmp_path / "project_dataset.tar.xz")
    with pytest.raises(ValueError, match=r"project_dataset.tar.xz is a corrupt or truncated archive: .*copy it again"):
        data.load_dataset("project", data_dir=tmp_path)
    good = lzma.compress(b"not a tar at all" * 100)
    (tmp_path / "short.tar.xz").write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"short.tar.xz is not a readable .tar.xz archive"):
        data.load_file(tmp_path / "short.tar.xz")
    (tmp_path / "Toy.zip").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match=r"Toy.zip is a corrupt or truncated .zip archive"):
        data.load_file(tmp_path / "Toy.zip")


def test_header_without_layout_options_gets_a_hint(tmp_path):
    pd.DataFrame({"id": ["a", "b"], "v": [1.0, 2.0], "label": ["x", "y"]}).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ValueError, match=r"does not look like a UCR file .*pass label=<column> and series=<column>"):
        data.load_file(tmp_path / "t.csv")


def test_bad_options_and_missing_values(tmp_path):
    write_ts(tmp_path / "toy.ts", SERIES, LABELS)
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['colour'\]; layout options are"):
        data.load_file(tmp_path / "toy.ts", colour="red")
    with pytest.raises(FileNotFoundError, match="no such file"):
        data.load_file(tmp_path / "absent.ts")
    write_ucr(tmp_path / "gap.tsv", UNI[:6], LABELS[:6], "\t")
    text = (tmp_path / "gap.tsv").read_text().splitlines()
    cells = text[2].split("\t")
    cells[4] = ""
    text[2] = "\t".join(cells)
    (tmp_path / "gap.tsv").write_text("\n".join(text) + "\n")
    with pytest.raises(ValueError, match=r"gap.tsv line 3 holds NaN at step 3, channel 0"):
        data.load_file(tmp_path / "gap.tsv")
    filled = data.load_file(tmp_path / "gap.tsv", missing="interpolate", standardize=False, test_size=0.5)
    assert np.isfinite(filled.x_train).all()


def test_without_aeon_a_ts_or_arff_file_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "aeon", None)  # as if aeon were not installed
    monkeypatch.setitem(sys.modules, "aeon.datasets", None)
    for suffix in (".ts", ".arff"):
        path = tmp_path / f"recordings{suffix}"
        path.write_text("@problemName x\n")
        with pytest.raises(
            ImportError, match=r"reading \.(ts|arff) files needs aeon.*pip install 'tslearnkit\[aeon\]'"
        ):
            data.load_file(path)
    with pytest.raises(ImportError, match=r"need aeon.*tslearnkit\[aeon\]"):
        data.load_dataset("GunPoint", data_dir=tmp_path)


@pytest.mark.parametrize("labelled", [True, False])
def test_a_header_of_column_numbers_is_skipped_not_read_as_a_series(tmp_path, labelled):
    import pandas as pd

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 20)), np.repeat([0, 1], 6)
    frame = pd.DataFrame(x)  # to_csv writes the header 0,1,...,19 (or label,0,1,... with a label column)
    frame.insert(0, "label" if labelled else 20, y)
    if not labelled:
        frame.columns = range(21)  # 0,1,...,20: the label column is column 0
    frame.to_csv(tmp_path / "hdr.csv", index=False)
    ds = data.load_file(tmp_path / "hdr.csv", standardize=False, test_size=0.5)
    assert len(ds.x_train) + len(ds.x_test) == 12 and ds.class_names == ("0", "1")
    assert "line 1 skipped: a header (column numbers)" in ds.notes
    back = np.concatenate([ds.x_train[..., 0], ds.x_test[..., 0]])
    nearest = np.abs(back[:, None, :] - x[None, :, :]).max(-1).min(0)
    assert np.all(nearest < 1e-5)  # every series came back, and nothing else (no header series)


@pytest.mark.parametrize(("label", "as_integers"), [("a", True), ("a", False), ("0", False)])
def test_a_first_series_rising_by_one_a_step_is_kept(tmp_path, label, as_integers):
    x = np.tile(np.arange(1.0, 21.0), (6, 1)) * [[1], [2], [3], [1], [2], [3]]  # 1, 2, ..., 20 first: a ramp
    labels = [label] * 3 + ["b"] * 3
    write_ucr(tmp_path / "ramps.tsv", x, labels, "\t")  # written as 1.0, 2.0, ...
    if as_integers:  # a class that begins other lines too: a series, whatever its digits
        text = (tmp_path / "ramps.tsv").read_text().splitlines()
        text[0] = "\t".join([label, *map(str, range(1, 21))])
        (tmp_path / "ramps.tsv").write_text("\n".join(text) + "\n")
    ds = data.load_file(tmp_path / "ramps.tsv", standardize=False, test_size=0.5)
    assert len(ds.x_train) + len(ds.x_test) == 6 and "skipped" not in ds.notes


def test_a_skipped_header_leaves_the_labels_as_without_it(tmp_path):
    x, y = np.random.default_rng(1).normal(size=(8, 10)), np.repeat([1.0, 2.0], 4)
    with_header = pd.DataFrame(x)
    with_header.insert(0, "label", y)
    with_header.to_csv(tmp_path / "with.csv", index=False)
    with_header.to_csv(tmp_path / "without.csv", index=False, header=False)
    same(data.load_file(tmp_path / "with.csv", test_size=0.5), data.load_file(tmp_path / "without.csv", test_size=0.5))


def test_series_of_one_time_step_are_refused_when_loaded(tmp_path):
    (tmp_path / "len1.tsv").write_text("".join(f"{'ab'[i % 2]}\t{i * 0.5}\n" for i in range(10)))
    with pytest.raises(
        ValueError,
        match=r"x_train has shape \(\d+, 1, 1\): series of 1 time step; a time series needs at least 2 steps",
    ):
        data.load_dataset(str(tmp_path / "len1.tsv"))


def test_load_dataset_takes_load_files_options_for_a_path_as_its_errors_advise(tmp_path):
    x = np.random.default_rng(0).normal(size=(8, 12))
    x[2, 5] = np.nan
    write_ucr(tmp_path / "gappy.tsv", x, ["a", "b"] * 4, "\t")
    with pytest.raises(ValueError, match="pass missing='interpolate'"):
        data.load_dataset(str(tmp_path / "gappy.tsv"))
    same(
        data.load_dataset(str(tmp_path / "gappy.tsv"), missing="interpolate", test_size=0.5),
        data.load_file(tmp_path / "gappy.tsv", missing="interpolate", test_size=0.5),
    )
    long = pd.DataFrame(
        [{"id": f"s{i}", "t": t, "v": float(i + t), "act": "ab"[i % 2]} for i in range(8) for t in range(6)]
    )
    long.to_csv(tmp_path / "long.csv", index=False)
    options = dict(series="id", time="t", label="act", test_size=0.5)
    same(data.load_dataset(str(tmp_path / "long.csv"), **options), data.load_file(tmp_path / "long.csv", **options))


def test_a_misspelt_argument_of_load_dataset_is_named_with_what_is_allowed():
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['standardise'\].*'missing'"):
        data.load_dataset("GunPoint", standardise=False)


def test_file_options_and_label_are_refused_where_they_do_not_apply():
    with pytest.raises(ValueError, match=r"\['missing'\]: options of tk.data.load_file, which apply to a file path"):
        data.load_dataset("GunPoint", missing="interpolate")
    with pytest.raises(ValueError, match=r"label='activity' applies to 'project' and to file paths"):
        data.load_dataset("GunPoint", label="activity")


def test_the_row_numbers_to_csv_writes_by_default_are_not_a_channel(tmp_path):
    long = pd.DataFrame(
        [{"id": f"s{i}", "t": t, "v": float(i * t), "act": "ab"[i % 2]} for i in range(8) for t in range(6)]
    )
    shuffled = long.sample(frac=1.0, random_state=0).sort_values("id", kind="stable")  # rows of a series shuffled
    shuffled.to_csv(tmp_path / "indexed.csv")  # index=True: an unnamed first column of unique row numbers
    long.to_csv(tmp_path / "plain.csv", index=False)
    options = dict(series="id", time="t", label="act", test_size=0.5)
    indexed = data.load_file(tmp_path / "indexed.csv", **options)
    same(indexed, data.load_file(tmp_path / "plain.csv", **options))
    assert indexed.channels == 1 and "unnamed first column (row numbers: a saved index) was not read" in indexed.notes


def test_a_question_mark_label_in_ts_and_arff_files_is_missing_not_a_class(tmp_path):
    """aeon reads a '?' label as the text 'NaN'; that became a class named 'NaN', silently."""
    write_ts(tmp_path / "q.ts", SERIES, LABELS[:-2] + ["?", "?"])
    with pytest.raises(ValueError, match=r"q.ts: series 10: the label is missing"):
        data.load_file(tmp_path / "q.ts")
    rows = "\n".join(",".join(repr(float(v)) for v in row) + f",{label}" for row, label in zip(UNI, LABELS))
    attributes = "".join(f"@attribute t{i} numeric\n" for i in range(UNI.shape[1]))
    arff = f"@relation toy\n{attributes}@attribute class {{left,right,up}}\n@data\n{rows}\n"
    (tmp_path / "q.arff").write_text(arff.replace(",up\n", ",?\n", 1))
    with pytest.raises(ValueError, match=r"q.arff: series 2: the label is missing"):
        data.load_file(tmp_path / "q.arff")
    (tmp_path / "ok.arff").write_text(arff)
    assert data.load_file(tmp_path / "ok.arff").class_names == ("left", "right", "up")
    commented = arff.replace("@relation toy\n", "@relation toy\n% missing values are written NaN\n")
    (tmp_path / "c.arff").write_text(commented.replace(",up\n", ",?\n", 1))
    with pytest.raises(ValueError, match=r"c.arff: series 2: the label is missing"):  # a comment declares nothing
        data.load_file(tmp_path / "c.arff")
    write_ts(tmp_path / "nan.ts", SERIES, ["nan", "b"] * 6)  # a class declared as nan stays one
    assert data.load_file(tmp_path / "nan.ts").class_names == ("NaN", "b")


def test_a_table_written_with_another_separator_names_sep(tmp_path):
    """A semicolon CSV read with ',' is one column: the error said 'series='id' is not a column'."""
    (tmp_path / "semi.csv").write_text("id;t;v;y\na;0;1.0;x\na;1;2.0;x\nb;0;3.0;z\nb;1;1.0;z\n")
    with pytest.raises(ValueError, match=r"semi.csv reads as a single column with sep=',', .*pass sep=';'"):
        data.load_file(tmp_path / "semi.csv", series="id", label="y")
    write_ucr(tmp_path / "S_TRAIN.csv", UNI, LABELS, " ")
    with pytest.raises(ValueError, match=r"S_TRAIN.csv reads as a single column .*pass sep=' '"):
        data.load_file(tmp_path / "S_TRAIN.csv")
    assert data.load_file(tmp_path / "S_TRAIN.csv", sep=" ").class_names == ("left", "right", "up")


def test_a_header_without_rows_names_the_file(tmp_path):
    (tmp_path / "empty.csv").write_text("id,t,v,y\n")
    with pytest.raises(ValueError, match=r"empty.csv holds a header line and no rows below it"):
        data.load_file(tmp_path / "empty.csv", series="id", label="y")


def test_a_zip_made_on_macos_reads_the_data_not_its_resource_forks(tmp_path):
    """Finder's archives hold __MACOSX/._NAME copies; one listed first (or of a preferred type) was read."""
    write_ts(tmp_path / "Toy_TRAIN.ts", SERIES[:9], LABELS[:9])
    write_ts(tmp_path / "Toy_TEST.ts", SERIES[9:], LABELS[9:])
    with zipfile.ZipFile(tmp_path / "Toy.zip", "w") as archive:
        archive.writestr("__MACOSX/Toy/._Toy_TRAIN.ts", b"\x00\x05\x16\x07 resource fork")
        archive.writestr("Toy/._Toy_TEST.ts", b"\x00\x05\x16\x07 resource fork")
        archive.write(tmp_path / "Toy_TRAIN.ts", "Toy/Toy_TRAIN.ts")
        archive.write(tmp_path / "Toy_TEST.ts", "Toy/Toy_TEST.ts")
    same(data.load_file(tmp_path / "Toy.zip"), data.load_file(tmp_path / "Toy_TRAIN.ts"))
    with zipfile.ZipFile(tmp_path / "Two.zip", "w") as archive:
        archive.write(tmp_path / "Toy_TRAIN.ts", "Toy_TRAIN.ts")
        archive.write(tmp_path / "Toy_TRAIN.ts", "Other_TRAIN.ts")
    with pytest.raises(ValueError, match=r"Two.zip holds 2 datasets .*extract the one to use"):
        data.load_file(tmp_path / "Two.zip")


def test_arff_comments_after_data_and_quoted_classes(tmp_path):
    """A % comment after @data failed inside aeon ('could not broadcast'); a quoted class kept its quotes."""
    attributes = "".join(f"@attribute t{i} numeric\n" for i in range(UNI.shape[1]))
    quoted = ["'walk fast'" if label == "up" else label for label in LABELS]
    body = "".join(",".join(map(repr, row.tolist())) + f",{label}\n" for row, label in zip(UNI, quoted))
    header = f"@relation uni\n{attributes}@attribute target {{left,right,'walk fast'}}\n@data\n% recorded in 2024\n"
    (tmp_path / "q.arff").write_text(header + body)
    expected = data.from_arrays(UNI, [label.strip("'") for label in quoted])
    same(data.load_file(tmp_path / "q.arff"), expected)
    assert "%" in (tmp_path / "q.arff").read_text()  # the file is not changed
