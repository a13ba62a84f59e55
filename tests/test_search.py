"""tk.search: exact search against a brute-force reference (ties included), the HNSW backend,
save/load in a fresh process, and every bad input with its error type and message."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.search import exact

RNG = np.random.default_rng(0)
T, C = 3, 2


def flatten_model(timesteps=T, channels=C):
    """Embeddings are the series' values themselves, so integer series give exact, tied distances."""
    inputs = keras.Input((timesteps, channels))
    return keras.Model(inputs, keras.layers.Flatten()(inputs))


def dense_model(dim=8, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((T, C))
    outputs = keras.layers.UnitNormalization()(keras.layers.Dense(dim)(keras.layers.Flatten()(inputs)))
    return keras.Model(inputs, outputs)


def brute_force(queries, gallery, k):
    """float64 squared distances; rank by (distance, gallery index) with a stable lexsort."""
    queries, gallery = np.asarray(queries, np.float64), np.asarray(gallery, np.float64)
    squared = ((queries[:, None, :] - gallery[None, :, :]) ** 2).sum(axis=-1)
    order = np.array([np.lexsort((np.arange(len(gallery)), row))[:k] for row in squared])
    return order, np.sqrt(np.take_along_axis(squared, order, axis=1))


def integer_series(n, low=-2, high=3):
    return RNG.integers(low, high, size=(n, T, C)).astype(np.float32)


# --------------------------------------------------------------------------- exact search
def test_exact_equals_brute_force_with_many_ties():
    gallery, queries = integer_series(300), integer_series(40)
    gallery[150:200] = gallery[0]  # exact duplicates: tied distances to every query
    labels = RNG.integers(0, 5, size=300)
    index = tk.search.SearchIndex(flatten_model(), gallery, labels)
    for k in (1, 7, 60, 300):
        found = index.query(queries, k)
        indices, distances = brute_force(queries.reshape(40, -1), gallery.reshape(300, -1), k)
        np.testing.assert_array_equal(found.indices, indices)
        np.testing.assert_array_equal(found.distances, distances.astype(np.float32))
        np.testing.assert_array_equal(found.labels, labels[indices])
        assert found.indices.dtype == np.int64 and found.distances.dtype == np.float32 and len(found) == 40


def test_exact_equals_brute_force_on_learned_embeddings():
    model = dense_model()
    gallery, queries = RNG.normal(size=(200, T, C)), RNG.normal(size=(25, T, C))
    index = tk.search.SearchIndex(model, gallery, np.arange(200) % 3)
    found = index.query(queries, 10)
    embed = tk.training.embed
    indices, distances = brute_force(embed(model, queries), embed(model, gallery), 10)
    np.testing.assert_array_equal(found.indices, indices)
    np.testing.assert_allclose(found.distances, distances, atol=1e-3)
    assert (np.diff(found.distances, axis=1) >= 0).all()


def test_gallery_blocks_and_query_chunks_merge_to_the_same_answer(monkeypatch):
    gallery, queries = integer_series(257), integer_series(23)
    reference = tk.search.SearchIndex(flatten_model(), gallery, np.zeros(257, int)).query(queries, 9)
    monkeypatch.setattr(exact, "_QUERY_CHUNK", 4)
    monkeypatch.setattr(exact, "_BLOCK_DISTANCES", 4 * 10)  # gallery blocks of 10 rows
    chunked = tk.search.SearchIndex(flatten_model(), gallery, np.zeros(257, int)).query(queries, 9)
    np.testing.assert_array_equal(chunked.indices, reference.indices)
    np.testing.assert_array_equal(chunked.distances, reference.distances)


def test_add_in_parts_equals_one_add_and_returns_positions():
    gallery, queries, labels = integer_series(90), integer_series(10), np.arange(90)
    whole = tk.search.SearchIndex(flatten_model(), gallery, labels)
    parts = tk.search.SearchIndex(flatten_model())
    assert len(parts) == 0 and parts.dim is None
    assert parts.add(gallery[:50], labels[:50]).tolist() == list(range(50))
    assert parts.add(gallery[50:], labels[50:]).tolist() == list(range(50, 90))
    np.testing.assert_array_equal(parts.query(queries, 5).indices, whole.query(queries, 5).indices)
    assert parts.size == 90 and parts.dim == T * C and parts.series_shape == (T, C)
    np.testing.assert_array_equal(parts.labels, labels)
    assert "size=90" in repr(parts)


def test_string_labels_and_query_embeddings():
    gallery = integer_series(12)
    index = tk.search.SearchIndex(flatten_model(), gallery, np.array(list("abcabcabcabc")))
    found = index.query_embeddings(gallery.reshape(12, -1)[:2], 1)
    assert found.indices[:, 0].tolist() == [0, 1] and found.labels[:, 0].tolist() == ["a", "b"]
    assert found.distances[:, 0].tolist() == [0.0, 0.0]


def test_ranking_is_the_one_retrieval_metrics_score():
    model = dense_model(dim=4, seed=1)
    gallery, queries = RNG.normal(size=(60, T, C)), RNG.normal(size=(20, T, C))
    gallery_labels, query_labels = RNG.integers(0, 3, 60), RNG.integers(0, 3, 20)
    found = tk.search.SearchIndex(model, gallery, gallery_labels).query(queries, 1)
    embed = tk.training.embed
    scores = tk.metrics.retrieval_metrics(
        embed(model, queries), query_labels, embed(model, gallery), gallery_labels, include=["precision_at_1"]
    )
    assert scores["precision_at_1"] == pytest.approx(np.mean(found.labels[:, 0] == query_labels))


# --------------------------------------------------------------------------- approximate search
def test_hnsw_finds_the_exact_neighbours_of_a_small_gallery():
    pytest.importorskip("faiss")
    model = dense_model(dim=8)
    gallery, queries = RNG.normal(size=(400, T, C)), RNG.normal(size=(30, T, C))
    labels = np.arange(400) % 4
    exact_found = tk.search.SearchIndex(model, gallery, labels).query(queries, 5)
    hnsw = tk.search.SearchIndex(model, gallery[:200], labels[:200], backend="hnsw", hnsw_options={"ef_search": 200})
    hnsw.add(gallery[200:], labels[200:])
    found = hnsw.query(queries, 5)
    np.testing.assert_array_equal(np.sort(found.indices, axis=1), np.sort(exact_found.indices, axis=1))
    np.testing.assert_allclose(found.distances, exact_found.distances, atol=1e-3)
    np.testing.assert_array_equal(found.labels, labels[found.indices])
    assert hnsw._search.options == {"m": 32, "ef_construction": 100, "ef_search": 200}


def test_hnsw_without_faiss_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "faiss", None)  # makes `import faiss` raise ImportError
    with pytest.raises(ImportError, match=r"backend='hnsw' needs faiss.*pip install 'tslearnkit\[search\]'"):
        tk.search.SearchIndex(flatten_model(), integer_series(5), np.zeros(5, int), backend="hnsw")


# --------------------------------------------------------------------------- save and load
LOAD_AND_QUERY = """
import sys
import numpy as np
import tslearnkit as tk
folder, out = sys.argv[1], sys.argv[2]
queries = np.load(folder + "/queries.npy")
found = {}
for backend in sys.argv[3:]:
    index = tk.search.SearchIndex.load(folder + "/" + backend)
    result = index.query(queries, 7)
    found.update({f"{backend}_{name}": getattr(result, name) for name in ("indices", "distances", "labels")})
np.savez(out, **found)
"""


def test_save_and_load_in_a_fresh_process_give_the_same_neighbours(tmp_path):
    backends = ["exact"] + (["hnsw"] if _has_faiss() else [])
    model = dense_model(dim=6, seed=2)
    gallery, queries = RNG.normal(size=(150, T, C)).astype(np.float32), RNG.normal(size=(20, T, C)).astype(np.float32)
    labels = np.arange(150) % 7
    expected = {}
    for backend in backends:
        index = tk.search.SearchIndex(model, gallery, labels, backend=backend)
        assert index.save(tmp_path / backend) == tmp_path / backend
        result = index.query(queries, 7)
        expected.update({f"{backend}_{name}": getattr(result, name) for name in ("indices", "distances", "labels")})
    np.save(tmp_path / "queries.npy", queries)
    meta = json.loads((tmp_path / "exact" / "index.json").read_text())
    assert meta["size"] == 150 and meta["dim"] == 6 and meta["series_shape"] == [T, C]

    script = tmp_path / "load_and_query.py"
    script.write_text(textwrap.dedent(LOAD_AND_QUERY))
    env = {"CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow"}
    import os

    command = [sys.executable, str(script), str(tmp_path), str(tmp_path / "found.npz"), *backends]
    subprocess.run(command, check=True, env={**os.environ, **env}, cwd=Path(__file__).parents[1], timeout=120)
    with np.load(tmp_path / "found.npz") as found:
        assert sorted(found.files) == sorted(expected)
        for name, value in expected.items():
            np.testing.assert_array_equal(found[name], value, err_msg=name)


def test_load_rejects_a_folder_that_is_not_an_index(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"is not a saved SearchIndex: \['index.json', 'model.keras', 'gallery"):
        tk.search.SearchIndex.load(tmp_path)
    with pytest.raises(ValueError, match=r"the index is empty; add series before saving it"):
        tk.search.SearchIndex(flatten_model()).save(tmp_path / "empty")


def test_load_names_a_damaged_index_json(tmp_path):
    """A truncated or hand-edited index.json raised a bare JSONDecodeError or KeyError."""
    folder = tk.search.SearchIndex(flatten_model(), integer_series(4), np.arange(4)).save(tmp_path / "index")
    meta = folder / "index.json"
    text = meta.read_text()
    meta.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match=r"index.json is not valid JSON .*save the index again"):
        tk.search.SearchIndex.load(folder)
    meta.write_text(text.replace('"size"', '"sise"'))
    with pytest.raises(ValueError, match=r"index.json lacks \['size'\]; save the index again"):
        tk.search.SearchIndex.load(folder)


def _has_faiss():
    try:
        import faiss  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- bad inputs
GALLERY = integer_series(10)
INDEX = tk.search.SearchIndex(flatten_model(), GALLERY, np.arange(10))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: INDEX.query(integer_series(2)[:, :2], 1),
            r"series have \(timesteps, channels\) = \(2, 2\) but the "
            r"gallery holds series of \(3, 2\)",
        ),
        (lambda: INDEX.query(np.zeros((2, T, 1)), 1), r"series have \(timesteps, channels\) = \(3, 1\)"),
        (lambda: INDEX.query(np.full((2, T, C), np.nan), 1), r"series contains NaN or inf \(first at series 0"),
        (
            lambda: INDEX.query(np.zeros((T, C)), 1),
            r"series must be 3-D \(n, timesteps, channels\); got shape \(3, 2\)",
        ),
        (lambda: INDEX.query(GALLERY, 0), r"k must be an integer >= 1; got 0"),
        (lambda: INDEX.query(GALLERY, 2.0), r"k must be an integer >= 1; got 2.0"),
        (lambda: INDEX.query(GALLERY, True), r"k must be an integer >= 1; got True"),
        (lambda: INDEX.query(GALLERY, 11), r"k=11 exceeds the 10 items in the index; ask for at most 10"),
        (lambda: tk.search.SearchIndex(flatten_model()).query(GALLERY, 1), r"the index is empty; add series first"),
        (lambda: INDEX.add(GALLERY, np.arange(9)), r"labels has 9 labels but series has 10 series; lengths must match"),
        (lambda: INDEX.add(GALLERY, np.zeros((10, 2))), r"labels must be 1-D \(n,\) or \(n, 1\); got shape \(10, 2\)"),
        (
            lambda: INDEX.add(GALLERY, np.r_[np.arange(9.0), 0.5]),
            r"labels must be integers \(whole-number floats too\) or strings; labels\[9\] is 0.5",
        ),
        (lambda: INDEX.add(GALLERY, np.r_[np.arange(9.0), 1e300]), r"labels\[9\] is 1e\+300"),
        (
            lambda: INDEX.add(GALLERY, np.array(["a"] * 9 + [None], dtype=object)),
            r"got dtype object; labels\[9\] is None",
        ),
        (
            lambda: INDEX.add(GALLERY, np.array(["a"] * 10)),
            r"labels of dtype <U1 cannot join a gallery labelled with int64",
        ),
        (lambda: INDEX.add(np.zeros((0, T, C)), []), r"series holds no series"),
        (
            lambda: INDEX.query_embeddings(np.zeros((2, 5)), 1),
            r"embeddings have 5 dimensions but the gallery holds 6-d",
        ),
        (
            lambda: tk.search.SearchIndex(flatten_model(), np.zeros((2, 4, C)), [0, 1]),
            r"series have \(timesteps, "
            r"channels\) = \(4, 2\) but the model takes \(3, 2\)",
        ),
        (lambda: tk.search.SearchIndex(flatten_model(), GALLERY), r"give series and labels together"),
        (
            lambda: tk.search.SearchIndex(flatten_model(), backend="annoy"),
            r"backend must be one of \['exact', 'hnsw'\]; "
            r"got 'annoy'",
        ),
        (
            lambda: tk.search.SearchIndex(flatten_model(), hnsw_options={"m": 8}),
            r"hnsw_options apply to backend='hnsw' "
            r"only; got backend='exact'",
        ),
        (
            lambda: tk.search.SearchIndex(flatten_model(), backend="hnsw", hnsw_options={"M": 8}),
            r"hnsw_options has "
            r"unknown key\(s\) \['M'\]; allowed are \['ef_construction', 'ef_search', 'm'\]",
        ),
        (
            lambda: tk.search.SearchIndex(flatten_model(), backend="hnsw", hnsw_options={"ef_search": 0}),
            r"hnsw_options\['ef_search'\] must be an integer >= 1; got 0",
        ),
        (lambda: tk.search.SearchIndex(flatten_model(), batch_size=0), r"batch_size must be an integer >= 1; got 0"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_model_that_is_not_a_keras_model_or_not_an_embedding():
    with pytest.raises(TypeError, match=r"model must be a keras.Model mapping series .*; got function"):
        tk.search.SearchIndex(lambda x: x)
    inputs = keras.Input((T, C))
    sequence_model = keras.Model(inputs, keras.layers.Dense(4)(inputs))  # (n, T, 4): not one vector per series
    with pytest.raises(
        ValueError, match=r"model must map series .* its output for \(10, 3, 2\) has shape \(10, 3, 4\)"
    ):
        tk.search.SearchIndex(sequence_model, GALLERY, np.arange(10))


def test_public_names():
    assert set(tk.search.__all__) == {
        "BACKENDS",
        "HNSW_DEFAULTS",
        "ExactSearch",
        "HNSWSearch",
        "Neighbours",
        "SearchIndex",
    }
    assert {"open_set_split", "OpenSetSplit"} <= set(tk.data.__all__)


def test_labels_in_a_pandas_series_or_as_whole_floats_are_taken():
    """Strings in a pandas Series (an object array) and whole numbers stored as floats were refused, although
    the message said strings are allowed and the data loaders take both."""
    import pandas as pd

    words = pd.Series(["a", "b"] * 5)
    index = tk.search.SearchIndex(flatten_model(), GALLERY, words)
    assert index.query(GALLERY[:1], 1).labels[0, 0] == "a"
    floats = tk.search.SearchIndex(flatten_model(), GALLERY, np.arange(10) * 1.0)
    assert floats.query(GALLERY[3:4], 1).labels[0, 0] == 3


def test_saving_onto_a_file_is_named(tmp_path):
    """The index is a folder; a file's path gave pathlib's bare FileExistsError."""
    (tmp_path / "index.keras").write_text("")
    with pytest.raises(ValueError, match=r"path='.*index.keras' is a file; the index is saved as a folder"):
        INDEX.save(tmp_path / "index.keras")
