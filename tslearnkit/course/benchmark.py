"""One benchmark across datasets: the non-deep references and every learned embedding, trained
with the same adaptive recipe (:mod:`tslearnkit.recipe`), over several seeds.

``tslearnkit benchmark --datasets GunPoint ArrowHead --seeds 0 1 2 --out runs/benchmark``
writes one result record per (dataset, method, seed) into ``OUT/results`` and one Markdown table
per dataset into ``OUT/benchmark_table.md`` (mean ± std over seeds).

Methods: ``euclidean`` and ``dtw`` (1-NN on the raw series, :mod:`tslearnkit.baselines`),
``minirocket`` (aeon's classifier: accuracy only), ``ce`` (cross-entropy classifier, its
penultimate layer as the embedding), ``batch_all``, ``semihard``, ``hard`` and ``supcon`` (metric
losses on P×K batches), ``semihard_warp`` (semi-hard with each batch also time-warped, the
CV choice's fourth candidate; ``bench/tiny_warp.py``'s 3-fold CV inside the training split chose
time over window warping), ``cv_choice`` (raw Euclidean, raw DTW, semi-hard or semi-hard + time warp, whichever
scores the best MAP@R in 3-fold cross-validation *within the training split*:
:func:`tslearnkit.selection.cross_validated_choice`; the record says what was chosen). Test
series are queries against the training series; the test split is only ever used for these scores.
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import recipe as recipe_rules
from ..selection import WARP  # the warp of semihard_warp, the CV choice's fourth candidate

METHODS = (
    *("euclidean", "dtw", "minirocket", "ce"),
    *("batch_all", "semihard", "hard", "supcon", "semihard_warp", "cv_choice"),
)
METHOD_NAMES = {
    "euclidean": "1-NN Euclidean (raw)",
    "dtw": "1-NN DTW (raw)",
    "minirocket": "MiniRocket (aeon)",
    "ce": "cross-entropy",
    "batch_all": "triplet batch-all",
    "semihard": "triplet semi-hard",
    "hard": "triplet hard",
    "supcon": "SupCon",
    "semihard_warp": "triplet semi-hard + time warp",
    "cv_choice": "CV choice: raw, semi-hard or + warp",
}
TABLE_METRICS = ("precision_at_1", "mean_average_precision_at_r", "NMI", "accuracy", "train_seconds")
ENCODER = "fcn"
MARGIN = recipe_rules.MARGIN  # the one the CV choice's semi-hard candidate uses too
LESSON = "benchmark"
FINAL_FIT = {"euclidean": "euclidean", "dtw": "dtw", "learned": "semihard", "learned + time warp": "semihard_warp"}
"""The method whose fit on the whole training split a CV choice makes, by candidate."""

__all__ = ["METHODS", "METHOD_NAMES", "fit_method", "run_method", "run_benchmark", "benchmark_tables"]


def run_method(method: str, data, recipe, *, seed: int = 0, quick: bool = False, verbose=0) -> tuple[dict, dict]:
    """Train/score one method on ``data``.

    Returns:
        ``(metrics, extra)``: ``metrics`` for the record (``train_seconds`` included),
        ``extra`` fields that say how it was computed (epochs, steps, DTW plan).
    """
    from .. import baselines, training

    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}; got {method!r}")
    start = time.perf_counter()
    extra: dict = {"epochs": 0}
    if method in ("euclidean", "dtw"):
        plan = baselines.plan_dtw(len(data.x_test), len(data.x_train), data.timesteps, quick=quick)
        scores = baselines.nearest_neighbour_scores(
            data.x_train,
            data.y_train,
            data.x_test,
            data.y_test,
            distance=method,
            plan=plan if method == "dtw" else None,
            seed=seed,
        )
        if method == "dtw":
            extra["dtw_plan"] = plan.describe()
    elif method == "cv_choice":
        from ..selection import cross_validated_choice

        choice = cross_validated_choice(data.x_train, data.y_train, loss="semihard", quick=quick, seed=seed)
        extra.update(chosen=choice.chosen, cv_map_at_r={c: choice.mean(c) for c in choice.fold_scores})
        scores, fitted = run_method(FINAL_FIT[choice.chosen], data, recipe, seed=seed, quick=quick, verbose=verbose)
        extra.update(fitted)
    elif method == "minirocket":
        scores = baselines.minirocket_scores(data.x_train, data.y_train, data.x_test, data.y_test, seed=seed)
        scores.pop("fit_seconds")
    else:
        fit = fit_method(method, data, recipe, seed=seed, verbose=verbose)
        scores = training.evaluate_embedding(
            fit.embedding_model, data.x_train, data.y_train, data.x_test, data.y_test, seed=seed
        )
        if method == "ce":
            logits = fit.model.predict(data.x_test, verbose=0)
            scores["accuracy"] = float((logits.argmax(1) == data.y_test).mean())
        extra.update(epochs=fit.epochs, steps=fit.steps, best_epoch=fit.best_epoch)
    scores = dict(scores)
    scores["train_seconds"] = float(time.perf_counter() - start)
    return scores, extra


def fit_method(method: str, data, recipe, *, seed: int = 0, verbose=0):
    """Fit a learned method of :data:`METHODS` (not the raw ones, MiniRocket or the CV choice) on
    ``data``'s training split as the benchmark does; returns its :class:`~tslearnkit.training.FitResult`."""
    from .. import augment, training

    learned = ("ce", "batch_all", "semihard", "hard", "supcon", "semihard_warp")
    if method not in learned:
        raise ValueError(f"method must be one of the learned methods {list(learned)}; got {method!r}")
    if method == "ce":
        return training.fit_classifier(
            data.x_train, data.y_train, recipe=recipe, encoder=ENCODER, seed=seed, verbose=verbose
        )
    if method == "supcon":
        return training.fit_embedding(
            data.x_train, data.y_train, loss="supcon", recipe=recipe, encoder=ENCODER, seed=seed, verbose=verbose
        )
    warped = method == "semihard_warp"
    return training.fit_embedding(
        data.x_train,
        data.y_train,
        loss="semihard" if warped else method,
        loss_config={"margin": MARGIN},
        recipe=recipe,
        encoder=ENCODER,
        batch_transform=augment.make_tf_augmenter([WARP], seed=seed + 1) if warped else None,
        seed=seed,
        verbose=verbose,
    )


def run_benchmark(
    datasets, *, seeds=(0, 1, 2), methods=METHODS, out, quick: bool = False, data_dir=None, log=print
) -> Path:
    """Run ``methods`` on every dataset for every seed; write records and the tables.

    Returns:
        The folder of result records (``out / "results"``).
    """
    from .. import data as data_module
    from ..recipe import make_recipe
    from .results import save_result

    out = Path(out)
    results_dir = out / "results"
    loaded = {}  # every dataset before any fit: two that load under one name would overwrite each other's records
    for name in datasets:
        data = data_module.load_dataset(name, data_dir=data_dir)
        if data.name in loaded:
            raise ValueError(
                f"datasets {loaded[data.name][0]!r} and {name!r} both load as {data.name!r}, so their records would "
                "overwrite each other; rename one of the files (nothing was run)"
            )
        loaded[data.name] = (str(name), data)
    for _, data in loaded.values():
        recipe = make_recipe(data.y_train, data.timesteps, data.channels, x_train=data.x_train, quick=quick)
        log(
            f"{data.name}: {len(data.x_train)} train / {len(data.x_test)} test, {data.n_classes} classes, "
            f"{data.timesteps} steps × {data.channels} channel{'s' if data.channels != 1 else ''}; {recipe.describe()}"
        )
        for seed in seeds:
            for method in methods:
                start = time.perf_counter()
                scores, extra = run_method(method, data, recipe, seed=int(seed), quick=quick)
                epochs = int(extra.pop("epochs"))
                save_result(
                    results_dir,
                    lesson=LESSON,
                    method=METHOD_NAMES[method],
                    dataset=data.name,
                    seed=int(seed),
                    metrics=scores,
                    epochs=epochs,
                    wall_time_s=time.perf_counter() - start,
                    quick=quick,
                    **{k: v for k, v in extra.items() if v is not None},
                )
                shown = ", ".join(
                    f"{k} {scores[k]:.3f}"
                    for k in ("precision_at_1", "mean_average_precision_at_r", "accuracy")
                    if k in scores
                )
                log(f"  seed {seed} {METHOD_NAMES[method]:<22} {shown}  ({scores['train_seconds']:.0f} s)")
    tables = benchmark_tables(results_dir)
    (out / "benchmark_table.md").write_text(tables + "\n")
    log(f"records: {results_dir}  tables: {out / 'benchmark_table.md'}")
    return results_dir


def benchmark_tables(results_dir, metrics=TABLE_METRICS) -> str:
    """One Markdown table per dataset from the benchmark's records (methods in :data:`METHODS` order)."""
    from .results import load_results, results_table, table_markdown

    records = [r for r in load_results(results_dir) if r["lesson"] == LESSON]
    order = {name: i for i, name in enumerate(METHOD_NAMES.values())}
    sections = []
    for dataset in sorted({r["dataset"] for r in records}):
        table = results_table([r for r in records if r["dataset"] == dataset], metrics)
        table = table.iloc[sorted(range(len(table)), key=lambda i: order.get(table.index[i][0], len(order)))]
        sections.append(f"**{dataset}**\n\n{table_markdown(table, metrics)}")
    return "\n\n".join(sections)
