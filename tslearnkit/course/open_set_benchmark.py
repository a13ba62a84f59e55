"""The open-set benchmark: retrieval among classes never seen in training, against the number of
training classes.

``tslearnkit benchmark --protocol open-set --datasets JapaneseVowels OSULeaf --draws 3``
writes one record per (dataset, class draw, training-class count, method, seed) into
``OUT/results`` and a table per dataset into ``OUT/open_set_table.md``.

The protocol (Musgrave, Belongie & Lim, *A Metric Learning Reality Check*, 2020: split the
classes, same width, same budget, no selection on the test classes), for one class draw ``d``:

1. The dataset's classes are permuted with a generator seeded by ``d``. The first
   ``n_unseen`` (default 2) are the **unseen** classes; every series of theirs (both splits) is a
   query or a gallery item (:func:`tslearnkit.data.open_set_split`, seeded by ``d``). They are
   the same for every training-class count of the draw, so the curve compares like with like
   and the raw-series level is one line.
2. For each training-class count ``k`` the **training classes** are the next ``k`` classes of the
   permutation (the sets are nested: ``k + 1`` adds one class to ``k``). Only their
   training-split series are read: the channel statistics, the recipe
   (:func:`tslearnkit.recipe.make_recipe`) and every fit see nothing else.
3. Each method learns a 128-d embedding (the FCN encoder's width) under the same recipe and
   step budget; the unseen queries then search the unseen gallery.

No step of a fit selects anything: the recipe's best-weights validation share is switched off
(it would hold out *series* of the training classes, not classes), and the only stop rule, the
triplet losses' idle stop, reads the training loss. A test (``tests/test_open_set_benchmark.py``)
trains on a task whose unseen series are replaced by noise and whose unseen labels are shuffled
and gets the same weights.

Methods: 1-NN Euclidean and DTW on the raw series; cross-entropy (linear head, its encoder
output as the embedding); cosine softmax (normalised softmax, a proxy loss:
:class:`tslearnkit.models.CosineLogits`); triplet batch-all, semi-hard, hard (margin 0.5);
SupCon. MiniRocket is a classifier with no embedding to search, so it is not in this protocol.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

LESSON = "benchmark-open-set"
PROTOCOL = "open-set"
N_UNSEEN = 2
METHODS = ("euclidean", "dtw", "ce", "cosine", "batch_all", "semihard", "hard", "supcon")
RAW_METHODS = ("euclidean", "dtw")
METHOD_NAMES = {
    "euclidean": "1-NN Euclidean (raw)",
    "dtw": "1-NN DTW (raw)",
    "ce": "cross-entropy",
    "cosine": "cosine softmax",
    "batch_all": "triplet batch-all",
    "semihard": "triplet semi-hard",
    "hard": "triplet hard",
    "supcon": "SupCon",
}
METRIC = "mean_average_precision_at_r"

__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "N_UNSEEN",
    "OpenSetTask",
    "default_class_counts",
    "draw_classes",
    "make_task",
    "fit_open_set",
    "run_open_set_benchmark",
    "open_set_table",
    "open_set_findings",
]


def default_class_counts(n_classes: int, n_unseen: int = N_UNSEEN, max_counts: int = 4) -> list[int]:
    """Up to ``max_counts`` training-class counts spread evenly from 2 to ``n_classes - n_unseen``."""
    top = int(n_classes) - int(n_unseen)
    if top < 2:
        raise ValueError(
            f"an open-set benchmark needs at least {n_unseen + 2} classes ({n_unseen} unseen, 2 to train on); "
            f"got {n_classes}"
        )
    return sorted({int(round(v)) for v in np.linspace(2, top, min(max_counts, top - 1))})


def draw_classes(classes, n_unseen: int, draw: int) -> tuple[np.ndarray, np.ndarray]:
    """``(unseen, training_order)`` for class draw ``draw``: a seeded permutation of ``classes``
    cut after ``n_unseen``; training with ``k`` classes uses ``training_order[:k]``."""
    order = np.random.default_rng(np.random.SeedSequence([int(draw), 2020])).permutation(np.asarray(classes))
    return np.sort(order[:n_unseen]), order[n_unseen:]


@dataclasses.dataclass(frozen=True)
class OpenSetTask:
    """One cell of the benchmark: what a fit may read, and what scores it.

    Attributes:
        x_fit, y_fit: training series of the training classes, standardised with their own
            per-channel statistics: ``float32 (n, T, C)``, ``int64 (n,)`` (dataset class indices).
        x_seen_test, y_seen_test: test-split series of the training classes (the closed-set
            score), standardised with the same statistics.
        x_query, y_query, x_gallery, y_gallery: the unseen classes, standardised with the same
            statistics.
        training_classes, unseen_classes: sorted class indices.
    """

    x_fit: np.ndarray
    y_fit: np.ndarray
    x_seen_test: np.ndarray
    y_seen_test: np.ndarray
    x_query: np.ndarray
    y_query: np.ndarray
    x_gallery: np.ndarray
    y_gallery: np.ndarray
    training_classes: np.ndarray
    unseen_classes: np.ndarray


def make_task(data, unseen, training, *, draw: int) -> OpenSetTask:
    """The task for ``data`` (loaded with ``standardize=False``) with these class sets."""
    from ..data import open_set_split, standardize

    split = open_set_split(data, unseen_classes=[int(c) for c in unseen], seed=int(draw))
    keep = np.isin(split.y_train, training)
    keep_test = np.isin(split.y_seen_test, training)
    x_fit, x_seen_test, stats = standardize(split.x_train[keep], split.x_seen_test[keep_test])
    return OpenSetTask(
        x_fit=x_fit,
        y_fit=split.y_train[keep],
        x_seen_test=x_seen_test,
        y_seen_test=split.y_seen_test[keep_test],
        x_query=stats.apply(split.x_query, name="x_query"),
        y_query=split.y_query,
        x_gallery=stats.apply(split.x_gallery, name="x_gallery"),
        y_gallery=split.y_gallery,
        training_classes=np.sort(np.asarray(training, dtype=np.int64)),
        unseen_classes=split.unseen_classes,
    )


def open_set_recipe(y_fit, timesteps: int, channels: int, *, x_fit=None, quick: bool = False):
    """:func:`tslearnkit.recipe.make_recipe` with ``open_set=True``: no validation share, no
    selection on series of the training classes (see the module docstring); ``x_fit``, the training
    classes' series, lets it read their values (``per_series_channels``)."""
    from ..recipe import make_recipe

    return make_recipe(y_fit, timesteps, channels, x_train=x_fit, quick=quick, open_set=True)


def fit_open_set(method: str, x_fit, y_fit, recipe, *, seed: int = 0, verbose=0):
    """Train ``method`` on the training classes only; returns a :class:`~tslearnkit.training.FitResult`
    whose ``embedding_model`` gives 128-d embeddings."""
    from .. import training
    from .benchmark import ENCODER, MARGIN

    if method not in METHODS or method in RAW_METHODS:
        raise ValueError(f"method must be one of {[m for m in METHODS if m not in RAW_METHODS]}; got {method!r}")
    if method in ("ce", "cosine"):
        labels = np.searchsorted(np.unique(y_fit), y_fit)  # 0 .. k - 1 for the classifier head
        head = "cosine" if method == "cosine" else "linear"
        return training.fit_classifier(
            x_fit, labels, recipe=recipe, encoder=ENCODER, head=head, seed=seed, verbose=verbose
        )
    config = {} if method == "supcon" else {"margin": MARGIN}
    return training.fit_embedding(
        x_fit, y_fit, loss=method, loss_config=config, recipe=recipe, encoder=ENCODER, seed=seed, verbose=verbose
    )


def _record_name(data_name: str, k: int | None, draw: int) -> str:
    classes = "raw series" if k is None else f"{k} training classes"
    return f"{data_name} (open set, {classes}, draw {draw})"


def run_open_set_benchmark(
    datasets,
    *,
    seeds=(0,),
    draws: int = 3,
    class_counts=None,
    n_unseen: int = N_UNSEEN,
    methods=METHODS,
    out,
    quick: bool = False,
    data_dir=None,
    log=print,
) -> Path:
    """Run the open-set protocol; write records, the tables and the figure.

    Args:
        datasets: dataset names (each needs at least ``n_unseen + 2`` classes).
        seeds: weight/batch seeds per fit (the class draw is seeded separately by its index).
        draws: class draws ``0 .. draws - 1``.
        class_counts: training-class counts; default :func:`default_class_counts`.
        quick: shrunk data, the quick recipe, the smallest and largest count only.

    Returns:
        The folder of result records (``out / "results"``).
    """
    from .. import baselines, training
    from .. import data as data_module
    from .results import save_result

    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods must be among {list(METHODS)}; got {unknown}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be an integer >= 1; got {draws!r}")
    out = Path(out)
    results_dir = out / "results"
    planned = []  # every dataset is loaded and its counts checked before the first record is written
    for name in datasets:
        data = data_module.load_dataset(name, data_dir=data_dir, standardize=False)
        if quick:
            data = data_module.shrink(data, seed=0)
        present = np.unique(np.concatenate([data.y_train, data.y_test]))
        counts = list(class_counts) if class_counts else default_class_counts(len(present), n_unseen)
        if quick and not class_counts:
            counts = sorted({counts[0], counts[-1]})
        too_many = [k for k in counts if not 2 <= k <= len(present) - n_unseen]
        if too_many:
            raise ValueError(
                f"class_counts must lie in 2 .. {len(present) - n_unseen} for {data.name} "
                f"({len(present)} classes, {n_unseen} unseen); got {too_many}"
            )
        planned.append((data, present, counts))
    for data, present, counts in planned:
        log(f"{data.name}: {len(present)} classes, {n_unseen} unseen per draw, training-class counts {counts}")
        for draw in range(int(draws)):
            unseen, order = draw_classes(present, n_unseen, draw)
            base = {"protocol": PROTOCOL, "class_draw": draw, "unseen_classes": unseen.tolist(), "quick": quick}
            raw_task = make_task(data, unseen, order[: counts[-1]], draw=draw)
            for method in [m for m in methods if m in RAW_METHODS]:
                start = time.perf_counter()
                plan = baselines.plan_dtw(len(raw_task.x_query), len(raw_task.x_gallery), data.timesteps, quick=quick)
                scores = baselines.nearest_neighbour_scores(
                    raw_task.x_gallery,
                    raw_task.y_gallery,
                    raw_task.x_query,
                    raw_task.y_query,
                    distance=method,
                    plan=plan if method == "dtw" else None,
                    seed=0,
                )
                save_result(
                    results_dir,
                    lesson=LESSON,
                    method=METHOD_NAMES[method],
                    dataset=_record_name(data.name, None, draw),
                    seed=0,
                    metrics=dict(scores),
                    epochs=0,
                    wall_time_s=time.perf_counter() - start,
                    source_dataset=data.name,
                    training_class_count=0,
                    **base,
                )
                log(f"  draw {draw} {METHOD_NAMES[method]:<22} MAP@R {scores[METRIC]:.3f}")
            for k in counts:
                task = make_task(data, unseen, order[:k], draw=draw)
                recipe = open_set_recipe(task.y_fit, data.timesteps, data.channels, x_fit=task.x_fit, quick=quick)
                for seed in seeds:
                    for method in [m for m in methods if m not in RAW_METHODS]:
                        start = time.perf_counter()
                        fit = fit_open_set(method, task.x_fit, task.y_fit, recipe, seed=int(seed))
                        train_seconds = time.perf_counter() - start
                        scores = training.evaluate_embedding(
                            fit.embedding_model, task.x_gallery, task.y_gallery, task.x_query, task.y_query, seed=0
                        )
                        seen = training.evaluate_embedding(
                            fit.embedding_model, task.x_fit, task.y_fit, task.x_seen_test, task.y_seen_test, seed=0
                        )
                        scores = {**scores, "train_seconds": train_seconds}
                        save_result(
                            results_dir,
                            lesson=LESSON,
                            method=METHOD_NAMES[method],
                            dataset=_record_name(data.name, k, draw),
                            seed=int(seed),
                            metrics=scores,
                            epochs=int(fit.epochs),
                            wall_time_s=time.perf_counter() - start,
                            source_dataset=data.name,
                            training_class_count=int(k),
                            training_classes=task.training_classes.tolist(),
                            embedding_dim=int(fit.embedding_model.output_shape[-1]),
                            steps=int(fit.steps),
                            step_budget=int(recipe.steps),
                            idle_stop_epoch=fit.idle_stop_epoch,
                            learned=fit.learned,
                            seen_classes_map_at_r=float(seen[METRIC]),
                            **base,
                        )
                        log(
                            f"  draw {draw} k={k} seed {seed} {METHOD_NAMES[method]:<20} MAP@R {scores[METRIC]:.3f} "
                            f"P@1 {scores['precision_at_1']:.3f}  ({train_seconds:.0f} s, {fit.steps} steps)"
                        )
    records = load_open_set_records(results_dir)
    (out / "open_set_table.md").write_text(open_set_table(records) + "\n")
    log(f"records: {results_dir}  table: {out / 'open_set_table.md'}")
    return results_dir


def load_open_set_records(results_dir) -> list[dict]:
    """The open-set benchmark's records in ``results_dir``."""
    from .results import load_results

    return [r for r in load_results(results_dir) if r.get("protocol") == PROTOCOL and r["lesson"] == LESSON]


def curves(records, metric: str = METRIC) -> dict:
    """``{dataset: {method: {k: values}}}`` of ``metric`` over draws and seeds; raw methods under ``k = 0``."""
    table: dict = {}
    for r in records:
        k = int(r["training_class_count"])
        table.setdefault(r["source_dataset"], {}).setdefault(r["method"], {}).setdefault(k, []).append(
            r["metrics"][metric]
        )
    return table


def _mean_std(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.3f} ± {values.std():.3f}" if len(values) > 1 else f"{values.mean():.3f}"


def open_set_table(records, metric: str = METRIC) -> str:
    """One Markdown table per dataset: a row per method, a column per training-class count,
    cells mean ± std over draws and seeds (raw series: one value per draw, the same in every column)."""
    sections = []
    order = {name: i for i, name in enumerate(METHOD_NAMES.values())}
    for dataset, methods in sorted(curves(records, metric).items()):
        counts = sorted({k for per_k in methods.values() for k in per_k if k > 0})
        header = "| method | " + " | ".join(f"{k} classes" for k in counts) + " |"
        lines = [header, "|---|" + "---|" * len(counts)]
        for method in sorted(methods, key=lambda m: order.get(m, len(order))):
            per_k = methods[method]
            cells = [
                _mean_std(per_k[0] if 0 in per_k else per_k[k]) if (0 in per_k or k in per_k) else "–" for k in counts
            ]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        n_draws = len({r["class_draw"] for r in records if r["source_dataset"] == dataset})
        title = f"**{dataset}** (unseen-class {metric_label(metric)}, {n_draws} class draws)"
        sections.append(title + "\n\n" + "\n".join(lines))
    return "\n\n".join(sections)


def metric_label(metric: str) -> str:
    return {"mean_average_precision_at_r": "MAP@R", "precision_at_1": "P@1"}.get(metric, metric)


def open_set_findings(records, metric: str = METRIC) -> list[str]:
    """Sentences computed from the records: at the largest training-class count, the best learned
    method against raw DTW and against cross-entropy; whether the best metric loss's lead over
    cross-entropy grows from the smallest to the largest count; and a last sentence over all
    datasets. A difference within the standard deviation over draws is called a tie (a single
    draw has no spread, so every difference counts)."""
    sentences = []
    dtw, ce = METHOD_NAMES["dtw"], METHOD_NAMES["ce"]
    metric_losses = [METHOD_NAMES[m] for m in ("cosine", "batch_all", "semihard", "hard", "supcon")]
    label = metric_label(metric)
    trends: dict = {}
    for dataset, methods in sorted(curves(records, metric).items()):
        learned = {m: v for m, v in methods.items() if m not in (dtw, METHOD_NAMES["euclidean"])}
        if not learned:
            continue
        top = max(k for per_k in learned.values() for k in per_k)
        low = min(k for per_k in learned.values() for k in per_k)
        at_top = {m: np.asarray(v[top]) for m, v in learned.items() if top in v}
        best = max(at_top, key=lambda m: at_top[m].mean())
        mean, std = at_top[best].mean(), at_top[best].std()
        parts = [
            f"{dataset}, {top} training classes: the best learned embedding is {best} ({label} {mean:.3f} ± {std:.3f})"
        ]
        if dtw in methods:
            d = np.asarray(methods[dtw][0])
            gap = mean - d.mean()
            if abs(gap) > std:
                parts.append(
                    f"it {'beats' if gap > 0 else 'falls short of'} raw 1-NN DTW ({d.mean():.3f}) by {abs(gap):.3f}"
                )
            else:
                parts.append(f"it ties with raw 1-NN DTW ({d.mean():.3f}; a gap of {gap:+.3f}, within the spread)")
        if ce in at_top and best != ce:
            c = at_top[ce]
            gap = mean - c.mean()
            if gap > max(std, c.std()):
                parts.append(f"it is {gap:.3f} above cross-entropy ({c.mean():.3f})")
            else:
                parts.append(
                    f"cross-entropy ({c.mean():.3f} ± {c.std():.3f}) is level with it (a gap of {gap:.3f}, within the "
                    "larger of the two spreads)"
                )
        sentences.append("; ".join(parts) + ".")
        if ce in learned and low != top:
            losses = [m for m in metric_losses if m in learned and low in learned[m] and top in learned[m]]
            if losses and low in learned[ce] and top in learned[ce]:
                best_at = {k: max(losses, key=lambda m: np.mean(learned[m][k])) for k in (low, top)}
                lead = {k: np.mean(learned[best_at[k]][k]) - np.mean(learned[ce][k]) for k in (low, top)}
                spread = max(np.std(learned[best_at[top]][top]), np.std(learned[ce][top]))
                change = lead[top] - lead[low]
                trend = "grows" if change > spread else ("shrinks" if -change > spread else "stays within the spread")
                trends[dataset] = trend
                sentences.append(
                    f"{dataset}: the best metric loss's lead over cross-entropy (negative: behind it) is "
                    f"{lead[low]:+.3f} with {low} training classes and {lead[top]:+.3f} with {top}: it {trend} as "
                    "training classes are added."
                )
    if len(trends) > 1:
        counts = {
            t: sorted(d for d, v in trends.items() if v == t) for t in ("grows", "shrinks", "stays within the spread")
        }
        described = [f"{t} on {', '.join(ds)}" for t, ds in counts.items() if ds]
        sentences.append(
            f"Does metric learning overtake the classifier as training classes are added? Over {len(trends)} "
            f"datasets the best metric loss's lead over cross-entropy " + "; ".join(described) + "."
        )
    return sentences
