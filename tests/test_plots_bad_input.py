"""tslearnkit.plots on bad input: an early, clear error naming the argument (or, for string labels and
Keras/FitResult histories, a correct figure), never a library's traceback or a silently wrong figure."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tslearnkit import plots  # noqa: E402
from tslearnkit.training import FitResult  # noqa: E402

RNG = np.random.default_rng(0)
NAMES = ["walk", "run"]
EMB = RNG.normal(size=(8, 3))
Y = np.arange(8) % 2
X = RNG.normal(size=(8, 20, 2)).astype(np.float32)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    matplotlib.pyplot.close("all")


def points_drawn(fig) -> int:
    return sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections)


def lines_drawn(fig) -> int:
    return sum(len(ax.lines) for ax in fig.axes)


# 1. plot_history takes a Keras History or a FitResult, as well as the dict
def test_history_accepts_keras_history_and_fit_result():
    import keras

    logged = {"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.7, 0.4], "precision_at_1": [0.2, 0.5, 0.8]}
    history = keras.callbacks.History()
    history.history = logged
    fit = FitResult(model=None, embedding_model=None, history=logged, wall_time_s=0.0, epochs=3)
    for given in (history, fit, logged):
        fig = plots.plot_history(given)
        assert lines_drawn(fig) == 3
    with pytest.raises(TypeError, match="history must be a dict"):
        plots.plot_history([0.5, 0.2])


# 2. a missing key is named, with the keys there are
def test_history_names_a_missing_key():
    with pytest.raises(ValueError, match=r"keys \['val_loss'\] are not in the history; it has \['loss'\]"):
        plots.plot_history({"loss": [1.0, 0.5]}, keys=["val_loss"])


# 3. string labels draw every point; labels beyond class_names are an error
def test_embeddings_string_labels_draw_every_point():
    fig = plots.plot_embeddings(EMB, np.array(NAMES)[Y], NAMES)
    assert points_drawn(fig) == 8
    assert points_drawn(plots.plot_embeddings(EMB, list(np.array(NAMES)[Y]), NAMES)) == 8
    with pytest.raises(ValueError, match=r"labels holds \['swim'\], not among class_names"):
        plots.plot_embeddings(EMB, np.array(["walk", "run", "swim", "run"] * 2), NAMES)


def test_embeddings_labels_beyond_class_names_are_named():
    with pytest.raises(ValueError, match=r"labels holds \[2, 3\], outside 0\.\.1"):
        plots.plot_embeddings(EMB, np.arange(8) % 4, NAMES)
    with pytest.raises(ValueError, match="labels has 4 labels but there are 8"):
        plots.plot_embeddings(EMB, Y[:4], NAMES)


def test_series_string_labels_fill_the_rows():
    fig = plots.plot_series(X, np.array(NAMES)[Y], NAMES, per_class=2)
    assert lines_drawn(fig) == 2 * 2 * 2  # 2 classes x 2 series x 2 channels
    with pytest.raises(ValueError, match=r"y holds \[2\]"):
        plots.plot_series(X, np.arange(8) % 3, NAMES)


# 4. bad embeddings are named before scikit-learn sees them
@pytest.mark.parametrize(
    ("embeddings", "labels", "message"),
    [
        (np.full((8, 3), np.nan), Y, "embeddings has NaN or inf in 8 of 8 rows: .* diverged"),
        (np.zeros(8), Y, r"embeddings must be a non-empty 2-D array \(n, d\)"),
        (EMB[:, :1], Y, r"at least 2 dimensions .* shape \(8, 1\)"),
        (EMB[:1], Y[:1], "embeddings has 1 point; method='pca' needs at least 2"),
    ],
)
def test_bad_embeddings_are_named(embeddings, labels, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_embeddings(embeddings, labels, NAMES)


def test_train_test_width_mismatch_is_named():
    with pytest.raises(ValueError, match="train_emb and test_emb must have the same width.* 3 and 2"):
        plots.plot_train_test_embeddings(EMB, Y, EMB[:, :2], Y, NAMES)
    with pytest.raises(ValueError, match="test_emb has NaN"):
        plots.plot_train_test_embeddings(EMB, Y, np.full((8, 3), np.nan), Y, NAMES, method="tsne")


# 5. plot_distance_distributions checks lengths before reshaping, and wants a dict
def test_distance_distributions_checks_lengths_first():
    with pytest.raises(ValueError, match=r"embeddings\['raw'\] has 8 rows but labels has 4"):
        plots.plot_distance_distributions({"raw": EMB}, Y[:4])
    _, separation = plots.plot_distance_distributions({"raw": X}, Y)  # raw series, flattened, still work
    assert 0.0 <= separation["raw"] <= 1.0


def test_distance_distributions_wants_a_dict():
    with pytest.raises(TypeError, match=r"embeddings must be a dict \{method name: \(n, d\) array\}.*ndarray"):
        plots.plot_distance_distributions(EMB, Y)


# 6. plot_search_results on a string-labelled SearchIndex
def test_search_results_with_string_labels():
    import keras

    import tslearnkit as tk

    inputs = keras.Input((20, 2))
    model = keras.Model(inputs, keras.layers.Flatten()(inputs))
    labels = np.array(NAMES)[Y]
    index = tk.search.SearchIndex(model, X, labels)
    found = index.query(X[:3], k=2)
    fig = plots.plot_search_results(X[:3], labels[:3], X, found, NAMES, rows=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == f"query · class {labels[0]}"
    assert titles[1].startswith(f"#1 · class {labels[0]} · d=0.00")
    with pytest.raises(ValueError, match=r"y_query holds \['swim'\]"):
        plots.plot_search_results(X[:3], np.array(["swim"] * 3), X, found, NAMES)


# 7. plot_series: 2-D x and per_class=0
def test_series_bad_shape_and_counts_are_named():
    with pytest.raises(ValueError, match=r"x must be 3-D .* x\[\.\.\., None\]"):
        plots.plot_series(X[..., 0], Y, NAMES)
    with pytest.raises(ValueError, match="per_class must be an integer >= 1; got 0"):
        plots.plot_series(X, Y, NAMES, per_class=0)


# 8. plot_nn_confusion: string labels work, labels beyond class_names are named
def test_nn_confusion_string_labels_match_integer_labels():
    _, by_index = plots.plot_nn_confusion(EMB, Y, EMB[::-1], Y[::-1], NAMES)
    _, by_name = plots.plot_nn_confusion(EMB, np.array(NAMES)[Y], EMB[::-1], np.array(NAMES)[Y[::-1]], NAMES)
    np.testing.assert_array_equal(by_name, by_index)
    assert by_name.shape == (2, 2)


def test_nn_confusion_labels_beyond_class_names_are_named():
    with pytest.raises(ValueError, match=r"query_labels holds \[2, 3\], outside 0\.\.1"):
        plots.plot_nn_confusion(EMB, np.arange(8) % 4, EMB, Y, NAMES)
    with pytest.raises(ValueError, match="query_embeddings has 8 rows but query_labels has 4"):
        plots.plot_nn_confusion(EMB, Y[:4], EMB, Y, NAMES)


# also: plot_latent_clusters had the silent label bug of plot_embeddings
def test_latent_clusters_string_labels_draw_every_point():
    z = RNG.normal(size=(8, 2))
    fig, _ = plots.plot_latent_clusters(z, np.array(NAMES)[Y], NAMES, n_clusters=2)
    assert sum(len(c.get_offsets()) for c in fig.axes[0].collections if c.get_label() in NAMES) == 8
    with pytest.raises(ValueError, match=r"labels holds \[2, 3\], outside 0\.\.1"):
        plots.plot_latent_clusters(z, np.arange(8) % 4, NAMES)


def test_inputs_are_not_changed():
    emb, y = EMB.copy(), np.array(NAMES)[Y]
    plots.plot_embeddings(emb, y, NAMES)
    plots.plot_nn_confusion(emb, y, emb, y, NAMES)
    np.testing.assert_array_equal(emb, EMB)
    np.testing.assert_array_equal(y, np.array(NAMES)[Y])
