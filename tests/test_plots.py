"""tslearnkit.plots: figures stay readable from 2 to 60 classes; the k-means drawn is the one scored."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from tslearnkit import metrics, plots  # noqa: E402


def test_latent_regions_are_the_clustering_that_is_scored():
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(c, 0.8, size=(30, 2)) for c in (0, 2, 4, 6)]).astype(np.float32)
    labels = np.repeat(np.arange(4), 30)
    for seed in (0, 1, 2):
        fig, drawn = plots.plot_latent_clusters(z, labels, [str(i) for i in range(4)], seed=seed)
        scores, scored = metrics.cluster_scores(z, labels, seed=seed, return_assignments=True)
        np.testing.assert_array_equal(drawn, scored)
        matplotlib.pyplot.close(fig)


def test_legends_and_bars_stay_readable_with_many_classes():
    names = [f"class {i}" for i in range(50)]
    counts = {"train": np.full(50, 3), "test": np.full(50, 2)}
    fig = plots.plot_class_distribution(counts, names)
    assert fig.get_size_inches()[0] <= 16
    emb = np.random.default_rng(0).normal(size=(100, 8))
    labels = np.arange(100) % 50
    fig = plots.plot_train_test_embeddings(emb, labels, emb, labels, names)
    assert fig.axes[1].get_legend() is None  # 50 entries: a note instead of a legend
    assert any("legend omitted" in t.get_text() for t in fig.axes[1].texts)
    few = plots.plot_train_test_embeddings(emb[:20], labels[:20] % 2, emb[:20], labels[:20] % 2, ["a", "b"])
    assert [t.get_text() for t in few.axes[1].get_legend().get_texts()] == ["a", "b"]


def test_tsne_works_on_a_handful_of_points():
    points, used = plots.project_2d(np.random.default_rng(0).normal(size=(6, 5)), method="tsne")
    assert points.shape == (6, 2) and used == "t-SNE"
