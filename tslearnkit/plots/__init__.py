"""Figures for the lessons: series, class balance, embeddings, training curves, results.

Every function returns a matplotlib ``Figure`` (nothing is shown or saved implicitly);
:func:`save_figure` writes it as a PNG into the lesson's ``figures_dir``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..checks import check_int
from ._checks import class_indices, finite_embeddings, series_to_draw

__all__ = [
    "save_figure",
    "plot_series",
    "plot_class_distribution",
    "plot_embeddings",
    "plot_train_test_embeddings",
    "plot_dataset_embeddings",
    "plot_history",
    "plot_latent_clusters",
    "plot_results",
    "plot_distance_distributions",
    "plot_nn_confusion",
    "project_2d",
]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _colors(n: int):
    plt = _plt()
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


MAX_LEGEND_ENTRIES = 40


def class_legend(ax, n_classes: int, *, title: str = "class", outside: bool = True, **kwargs):
    """A legend that stays readable from 2 to 60 classes: one column up to 12 entries, several
    small columns up to :data:`MAX_LEGEND_ENTRIES`, and beyond that a note in place of a legend."""
    if n_classes > MAX_LEGEND_ENTRIES:
        ax.text(
            1.02,
            1.0,
            f"colour = {title}\n({n_classes} classes,\nlegend omitted)",
            transform=ax.transAxes,
            va="top",
            fontsize=8,
        )
        return None
    ncol = 1 if n_classes <= 12 else int(np.ceil(n_classes / 20))
    where = {"bbox_to_anchor": (1.02, 1), "loc": "upper left"} if outside else {}
    return ax.legend(title=title, ncol=ncol, fontsize=8 if n_classes <= 12 else 6, **where, **kwargs)


def save_figure(fig, figures_dir, name: str, *, dpi: int = 110) -> Path:
    """Save ``fig`` as ``<figures_dir>/<name>.png`` and return the path."""
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def plot_series(
    x,
    y,
    class_names: Sequence[str],
    *,
    per_class: int = 3,
    seed: int = 0,
    max_classes: int = 9,
    channels: Sequence[int] | None = None,
):
    """A grid: one row per class, ``per_class`` random series per row, one line per drawn channel.

    Args:
        x: ``(n, timesteps, channels)``; y: ``(n,)`` indices into ``class_names``, or the class names.
        per_class, max_classes: at least 1.
        channels: 0-based indices of the channels to draw (a few stay readable; twelve lines per
            panel do not). ``None`` draws every channel.
    """
    plt = _plt()
    x = series_to_draw(x)
    y = class_indices(y, class_names, n=len(x), name="y")
    check_int("per_class", per_class, low=1)
    check_int("max_classes", max_classes, low=1)
    rng = np.random.default_rng(seed)
    classes = list(range(min(len(class_names), max_classes)))
    if channels is None:
        channels = range(x.shape[2])
    channels = [int(c) for c in channels]
    bad = [c for c in channels if not 0 <= c < x.shape[2]]
    if not channels or bad:
        raise ValueError(f"channels must be indices in [0, {x.shape[2] - 1}]; got {list(channels)}")
    x = x[:, :, channels]
    channel_ids = channels
    channels = len(channel_ids)
    fig, axes = plt.subplots(
        len(classes),
        per_class,
        figsize=(3.2 * per_class + 1.2, 1.6 * len(classes)),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    cmap = plt.get_cmap("viridis")
    colors = cmap(np.linspace(0, 1, channels))
    for row, cls in enumerate(classes):
        members = np.flatnonzero(y == cls)
        picks = rng.choice(members, size=min(per_class, len(members)), replace=False) if len(members) else []
        for col in range(per_class):
            ax = axes[row, col]
            if col < len(picks):
                for c in range(channels):
                    ax.plot(x[picks[col], :, c], color=colors[c], lw=0.9)
                ax.set_title(f"#{picks[col]}", fontsize=8, loc="right", pad=2)
            if col == 0:
                ax.set_ylabel(f"class {class_names[cls]}", fontsize=9)
            if row == len(classes) - 1:
                ax.set_xlabel("time step")
    drawn = "every channel a line" if channels == x.shape[2] and channel_ids == list(range(channels)) else ""
    fig.suptitle(
        f"{per_class} series per class{' ' if per_class >= 3 else chr(10)}(one row per class, #: index in the split)"
        + (f", {drawn}" if drawn else "")
    )
    if channels > 1 and channels <= 6:  # a legend names each drawn channel (1-based, as people count)
        handles = [plt.Line2D([], [], color=colors[i], lw=1.5) for i in range(channels)]
        fig.legend(
            handles, [f"channel {c + 1}" for c in channel_ids], loc="outside lower center", ncol=channels, fontsize=8
        )
    elif channels > 6:  # the colour scale says which line is which channel
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import BoundaryNorm

        norm = BoundaryNorm(np.arange(0.5, channels + 1.5), cmap.N)
        ticks = np.unique(np.linspace(1, channels, min(channels, 6)).round().astype(int))
        fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes, ticks=ticks, label="channel", shrink=0.8)
    return fig


def plot_class_distribution(
    counts: Mapping[str, np.ndarray], class_names: Sequence[str], *, title: str = "Class distribution"
):
    """Grouped bars: one group per class, one bar per split (``{"train": counts, ...}``)."""
    plt = _plt()
    n_splits = len(counts)
    width = 0.8 / max(n_splits, 1)
    many = len(class_names) > 15
    fig, ax = plt.subplots(
        figsize=(min(16, max(6, 0.7 * len(class_names) * n_splits if not many else 0.3 * len(class_names))), 3.5)
    )
    positions = np.arange(len(class_names))
    for i, (split, values) in enumerate(counts.items()):
        values = np.asarray(values)
        bars = ax.bar(positions + (i - (n_splits - 1) / 2) * width, values, width, label=f"{split} (n={values.sum()})")
        if not many:  # numbers on 50 groups of bars would be unreadable
            ax.bar_label(bars, fontsize=7)
    ax.set_xticks(positions, class_names, rotation=90 if many else 0, fontsize=7 if many else None)
    ax.set_xlabel("class")
    ax.set_ylabel("number of series")
    ax.set_title(title)
    ax.legend(title="split", loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the bars, never over a count
    fig.tight_layout()
    return fig


def project_2d(embeddings, *, method: str = "auto", seed: int = 0, reference=None):
    """Project ``(n, d)`` embeddings to 2-D.

    Args:
        method: ``"direct"`` (d must be 2), ``"pca"``, ``"tsne"``, or ``"auto"`` (direct if
            d == 2, else PCA).
        reference: for PCA only, fit the projection on these embeddings (e.g. the training
            set) and apply it to ``embeddings``; t-SNE has no out-of-sample transform.

    Returns:
        ``(n, 2)`` array and the name of the method used.

    Raises:
        ValueError: embeddings not ``(n, d)`` finite numbers (NaN: the fit diverged), ``d < 2``, fewer
            than 2 points to fit PCA or t-SNE on, or ``reference`` of another width.
    """
    embeddings = finite_embeddings(embeddings, "embeddings")
    if embeddings.shape[1] < 2:
        raise ValueError(f"embeddings must have at least 2 dimensions to draw in 2-D; got shape {embeddings.shape}")
    if reference is not None:
        reference = finite_embeddings(reference, "reference")
        if reference.shape[1] != embeddings.shape[1]:
            raise ValueError(
                f"reference has {reference.shape[1]} dimensions but embeddings {embeddings.shape[1]}; "
                "the projection fitted on one cannot apply to the other"
            )
    if method == "auto":
        method = "direct" if embeddings.shape[1] == 2 else "pca"
    fitted = reference if method == "pca" and reference is not None else embeddings
    if method in ("pca", "tsne") and len(fitted) < 2:
        fitted_name = "reference" if fitted is reference else "embeddings"
        raise ValueError(f"{fitted_name} has {len(fitted)} point; method={method!r} needs at least 2 to fit on")
    if method == "direct":
        if embeddings.shape[1] != 2:
            raise ValueError(f"method='direct' needs 2-D embeddings; got {embeddings.shape[1]}-D")
        return embeddings, "direct"
    if method == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(2, random_state=seed).fit(fitted)
        return pca.transform(embeddings), "PCA"
    if method == "tsne":
        from sklearn.manifold import TSNE
        from threadpoolctl import threadpool_limits

        from ..recipe import tsne_perplexity

        perplexity = min(tsne_perplexity(len(embeddings)), len(embeddings) - 1.0)
        # One OpenMP thread: on a busy 2-core machine t-SNE's spinning threads took 40-120 s for
        # 640 points instead of a few seconds; on a quiet one a single thread costs little.
        with threadpool_limits(1, user_api="openmp"):
            points = TSNE(2, random_state=seed, init="pca", perplexity=perplexity).fit_transform(embeddings)
        return points, "t-SNE"
    raise ValueError(f"method must be 'auto', 'direct', 'pca' or 'tsne'; got {method!r}")


def plot_embeddings(
    embeddings,
    labels,
    class_names: Sequence[str],
    *,
    method: str = "auto",
    ax=None,
    title: str = "",
    seed: int = 0,
    reference=None,
    marker="o",
):
    """Scatter of 2-D projected embeddings coloured by class.

    Args:
        embeddings: ``(n, d)``, ``d >= 2``; labels: ``(n,)`` indices into ``class_names``, or the
            class names themselves.
    """
    plt = _plt()
    labels = class_indices(labels, class_names, n=len(np.asarray(embeddings)), name="labels")
    points, used = project_2d(embeddings, method=method, seed=seed, reference=reference)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
    colors = _colors(len(class_names))
    for cls, name in enumerate(class_names):
        mask = labels == cls
        if mask.any():
            ax.scatter(
                points[mask, 0], points[mask, 1], s=12, color=colors[cls], label=str(name), alpha=0.8, marker=marker
            )
    ax.set_title(title or f"embeddings ({used})")
    ax.set_xlabel(f"{used} 1" if used != "direct" else "z1")
    ax.set_ylabel(f"{used} 2" if used != "direct" else "z2")
    return fig if fig is not None else ax.figure


def plot_train_test_embeddings(
    train_emb, y_train, test_emb, y_test, class_names, *, method: str = "pca", seed: int = 0, title: str = ""
):
    """Train and test embeddings side by side, in one projection: PCA fitted on train and applied
    to test; t-SNE fitted once on train and test together (it has no out-of-sample transform),
    so both panels share one map and their axes.

    Args:
        train_emb: ``(n, d)``; test_emb: ``(m, d)``, of the same width ``d``; y_train, y_test: their labels.
    """
    plt = _plt()
    train_emb, test_emb = finite_embeddings(train_emb, "train_emb"), finite_embeddings(test_emb, "test_emb")
    if train_emb.shape[1] != test_emb.shape[1]:
        raise ValueError(
            f"train_emb and test_emb must have the same width (one model's embeddings); "
            f"got {train_emb.shape[1]} and {test_emb.shape[1]} dimensions"
        )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharex=True, sharey=True)
    if method == "tsne":
        both, _ = project_2d(np.concatenate([train_emb, test_emb]), method="tsne", seed=seed)
        train_emb, test_emb, method = both[: len(train_emb)], both[len(train_emb) :], "direct"
        used = "t-SNE of train and test together"
    else:
        used = None
    reference = train_emb if method == "pca" else None
    for ax, emb, labels, split in ((axes[0], train_emb, y_train, "train"), (axes[1], test_emb, y_test, "test")):
        plot_embeddings(emb, labels, class_names, method=method, ax=ax, title=split, seed=seed, reference=reference)
        if used:
            ax.set_xlabel("t-SNE 1")
            ax.set_ylabel("t-SNE 2")
            ax.set_title(f"{split} ({used})", fontsize=9)
    class_legend(axes[1], len(class_names))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, *, keys: Sequence[str] | None = None, title: str = "Training"):
    """Training curves: the loss on the left, any other logged metric on the right.

    Args:
        history: ``{metric: [value per epoch]}``, or what holds it as ``.history``: a Keras ``History``
            (``model.fit``'s return) or a :class:`tslearnkit.training.FitResult`.
        keys: the metrics to draw (default: every one).
    """
    plt = _plt()
    if hasattr(history, "to_dict"):  # a pandas DataFrame of the history
        history = history.to_dict("list")
    history = history if isinstance(history, Mapping) else getattr(history, "history", history)
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be a dict {metric: [value per epoch]}, a Keras History or a tslearnkit FitResult; "
            f"got {type(history).__name__}"
        )
    keys = [keys] if isinstance(keys, str) else list(keys) if keys is not None else list(history)
    missing = [k for k in keys if k not in history]
    if missing:
        raise ValueError(f"keys {missing} are not in the history; it has {list(history)}")
    loss_keys = [k for k in keys if "loss" in k]
    other = [k for k in keys if "loss" not in k]
    fig, axes = plt.subplots(1, 2 if other else 1, figsize=(11 if other else 5.5, 3.5), squeeze=False)
    for k in loss_keys:
        axes[0, 0].plot(np.arange(1, len(history[k]) + 1), history[k], label=k)
    axes[0, 0].set_xlabel("epoch")
    axes[0, 0].set_ylabel("loss")
    axes[0, 0].legend()
    if other:
        for k in other:
            axes[0, 1].plot(np.arange(1, len(history[k]) + 1), history[k], label=k)
        axes[0, 1].set_xlabel("epoch")
        axes[0, 1].set_ylabel("score")
        axes[0, 1].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_latent_clusters(
    z,
    labels,
    class_names: Sequence[str],
    *,
    n_clusters: int | None = None,
    seed: int = 0,
    n_init: int = 1,
    title: str = "",
    ax=None,
):
    """A 2-D latent plane: k-means cluster regions as background, points coloured by class.

    The k-means is :func:`tslearnkit.metrics.fit_kmeans` with the same ``seed`` and ``n_init``
    as :func:`tslearnkit.metrics.cluster_scores`, so the regions drawn are the clustering scored.

    Returns:
        ``(figure, cluster_assignments)``.
    """
    from ..metrics import fit_kmeans

    plt = _plt()
    z = np.asarray(z, np.float32)
    if z.ndim != 2 or z.shape[1] != 2:
        raise ValueError(f"plot_latent_clusters needs a 2-D latent (n, 2); got shape {z.shape} (project first)")
    labels = class_indices(labels, class_names, n=len(z), name="labels")
    n_clusters = n_clusters or len(np.unique(labels))
    km = fit_kmeans(z, n_clusters, seed=seed, n_init=n_init)
    pad = 0.05 * (z.max(0) - z.min(0) + 1e-9)
    lo, hi = z.min(0) - pad, z.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
    regions = km.predict(np.c_[gx.ravel(), gy.ravel()].astype(np.float32)).reshape(gx.shape)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 5))
    # Regions in alternating greys with black borders and a number each: the colours stay the
    # classes', so a point is never tinted by a cluster it is not in.
    levels = np.arange(n_clusters + 1) - 0.5
    ax.contourf(gx, gy, regions % 2, levels=[-0.5, 0.5, 1.5], colors=["#f2f2f2", "#d9d9d9"])
    ax.contour(gx, gy, regions, levels=levels, colors="k", linewidths=0.6)
    colors = _colors(len(class_names))
    for cls, name in enumerate(class_names):
        mask = labels == cls
        if mask.any():
            ax.scatter(z[mask, 0], z[mask, 1], s=10, color=colors[cls], label=str(name), edgecolor="k", linewidth=0.2)
    ax.scatter(*km.cluster_centers_.T, marker="x", s=80, c="k", label="k-means centres")
    for j, (cx, cy) in enumerate(km.cluster_centers_):
        ax.annotate(f"k{j}", (cx, cy), xytext=(4, 4), textcoords="offset points", fontsize=8, fontweight="bold")
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax.set_title(title or f"2-D latent plane: {n_clusters} k-means regions (grey, k0…), points coloured by class")
    class_legend(ax, len(class_names) + 1)
    return (fig if fig is not None else ax.figure), km.labels_


def plot_results(table, metric: str = "precision_at_1", *, title: str = ""):
    """Horizontal bars of ``<metric>_mean`` ± std per method from :func:`results.results_table`."""
    plt = _plt()
    names = [f"{m}" for m, _ in table.index]
    means = table[f"{metric}_mean"].to_numpy()
    stds = table[f"{metric}_std"].to_numpy()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.2))
    order = np.argsort(means)
    ax.barh(np.array(names)[order], means[order], xerr=stds[order], color="tab:blue", alpha=0.8, capsize=3)
    lo = max(0.0, float(np.nanmin(means - stds)) - 0.05)
    ax.set_xlim(lo, 1.0)
    ax.set_xlabel(metric)
    ax.set_title(title or f"{metric} (mean ± std over seeds)")
    fig.tight_layout()
    return fig


def plot_dataset_embeddings(model, dataset, *, method: str = "pca", seed: int = 0, title: str = ""):
    """Embed both splits of ``dataset`` with ``model`` and draw them side by side.

    Args:
        model: maps ``(n, t, c)`` series to ``(n, d)`` embeddings.
        dataset: a :class:`tslearnkit.data.TimeSeriesDataset`.
        method: ``"pca"`` (fitted on train), ``"tsne"`` or ``"direct"`` (2-D embeddings).
    """
    from ..training import embed

    train_emb = embed(model, dataset.x_train)
    test_emb = embed(model, dataset.x_test)
    return plot_train_test_embeddings(
        train_emb, dataset.y_train, test_emb, dataset.y_test, dataset.class_names, method=method, seed=seed, title=title
    )


def plot_search_results(
    x_query, y_query, x_gallery, neighbours, class_names: Sequence[str], *, rows: int = 3, seed: int = 0
):
    """Query series (left column) beside their nearest gallery series, nearest first.

    Args:
        x_query: ``(n, timesteps, channels)`` queries; y_query: ``(n,)`` their labels.
        x_gallery: ``(m, timesteps, channels)``, the gallery the neighbours index into.
        neighbours: a :class:`tslearnkit.search.Neighbours` of the queries (``indices``,
            ``distances`` and ``labels``, each ``(n, k)``).
        class_names: names of the label values; labels are indices into it, or (as in a
            string-labelled :class:`tslearnkit.search.SearchIndex`) the names themselves.
        rows: how many queries to show (drawn at random with ``seed``).

    Each panel draws every channel as a line (colour = channel, as in :func:`plot_series`); a
    match's title gives its class and its embedding distance to the query, green when the class
    is the query's and red when it is not.
    """
    plt = _plt()
    y_query = class_indices(y_query, class_names, n=len(x_query), name="y_query")
    found = neighbours.labels
    found = class_indices(np.ravel(found), class_names, name="neighbours.labels").reshape(np.shape(found))
    rng = np.random.default_rng(seed)
    picks = np.sort(rng.choice(len(x_query), size=min(rows, len(x_query)), replace=False))
    k = neighbours.indices.shape[1]
    channels = x_query.shape[2]
    colors = plt.get_cmap("viridis")(np.linspace(0, 1, channels))
    fig, axes = plt.subplots(
        len(picks), k + 1, figsize=(2.1 * (k + 1), 1.9 * len(picks)), sharex=True, sharey=True, squeeze=False
    )
    for row, q in enumerate(picks):
        panels = [(x_query[q], f"query · class {class_names[y_query[q]]}", "black")]
        for j in range(k):
            label = found[q, j]
            colour = "tab:green" if label == y_query[q] else "tab:red"
            title = f"#{j + 1} · class {class_names[label]} · d={neighbours.distances[q, j]:.2f}"
            panels.append((x_gallery[neighbours.indices[q, j]], title, colour))
        for col, (series, title, colour) in enumerate(panels):
            ax = axes[row, col]
            for c in range(channels):
                ax.plot(series[:, c], color=colors[c], lw=0.8)
            ax.set_title(title, fontsize=8, color=colour, fontweight="bold" if col == 0 else "normal")
            ax.tick_params(labelsize=7)
            if row == len(picks) - 1:
                ax.set_xlabel("time step", fontsize=8)
    fig.suptitle(f"Search by example: each query and its {k} nearest gallery series (green: same class, red: another)")
    fig.tight_layout()
    return fig


from .compare import plot_distance_distributions, plot_nn_confusion  # noqa: E402  (one namespace: tk.plots)
