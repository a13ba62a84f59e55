"""The open-set benchmark's figure: unseen-class MAP@R against the number of training classes
(part of :mod:`tslearnkit.plots`)."""

from __future__ import annotations

import numpy as np


def plot_open_set_curves(records, *, metric: str = "mean_average_precision_at_r", title: str = ""):
    """One panel per dataset, one line per learned method (mean over class draws and seeds, error
    bars ± one standard deviation, methods side by side), raw-series 1-NN DTW as a dashed line across.

    Args:
        records: records of :func:`tslearnkit.course.open_set_benchmark.run_open_set_benchmark`.
        metric: a retrieval metric key of the records.

    Returns:
        A matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    from .open_set_benchmark import METHOD_NAMES, curves, metric_label

    table = curves(records, metric)
    if not table:
        raise ValueError("records holds no open-set benchmark record")
    datasets = sorted(table)
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.6 * len(datasets) + 1.6, 3.4), squeeze=False)
    learned = [name for key, name in METHOD_NAMES.items() if key not in ("euclidean", "dtw")]
    colours = dict(zip(learned, plt.get_cmap("tab10").colors))
    dtw = METHOD_NAMES["dtw"]
    for ax, dataset in zip(axes[0], datasets):
        methods = table[dataset]
        top = 0.0
        for i, name in enumerate(name for name in learned if name in methods):
            counts = np.array(sorted(methods[name]), dtype=float)
            mean = np.array([np.mean(methods[name][k]) for k in counts])
            std = np.array([np.std(methods[name][k]) for k in counts])
            shift = (i - 2.5) * 0.04 * (counts.max() - counts.min() or 1)  # side by side: error bars stay readable
            width = 2.4 if name == METHOD_NAMES["ce"] else 1.4
            ax.errorbar(
                counts + shift,
                mean,
                yerr=std,
                marker="o",
                ms=3.5,
                lw=width,
                elinewidth=0.8,
                capsize=2,
                color=colours[name],
                label=name,
            )
            top = max(top, float((mean + std).max()))
        if dtw in methods:
            level = float(np.mean(methods[dtw][0]))
            ax.axhline(level, color="black", ls="--", lw=1.2, label="1-NN DTW (raw series)")
        counts = sorted({k for per_k in methods.values() for k in per_k if k > 0})
        ax.set_xticks(counts)
        ax.set_ylim(top=min(1.01, max(top, ax.get_ylim()[1]) + 0.01))
        ax.set_xlabel("training classes")
        ax.set_title(dataset, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(f"unseen-class {metric_label(metric)}")
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes[0][1:]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(h)
                labels.append(label)
    fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)
    fig.suptitle(title or "Retrieval among classes never seen in training (mean ± std over class draws)", fontsize=11)
    fig.tight_layout()
    return fig
