"""The course site's generated pages: results and benchmark tables from the records, and the API
reference's pages (autodoc directives over the teaching modules). Used by
:func:`tslearnkit.course.site.build_site`."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["API_MODULES", "results_page", "benchmark_page", "api_index", "api_page"]

API_MODULES = (
    "data",
    "sampling",
    "recipe",
    "augment",
    "models",
    "losses",
    "metrics",
    "callbacks",
    "training",
    "search",
    "baselines",
    "selection",
    "plots",
)
"""The teaching modules documented in the API reference (``tk.<name>``), in the order a course meets them."""


def _records_section(folder: Path, heading: str, intro: str) -> list[str]:
    from . import results

    try:
        records = results.load_results(folder)
    except FileNotFoundError:
        return [heading, "", f"No records in `{folder.name}/`.", ""]
    table = results.results_table(records)
    if table.empty:
        return [heading, "", f"No records with metrics in `{folder.name}/`.", ""]
    return [
        heading,
        "",
        intro,
        "",
        _numbers(results.table_markdown(table)),
        "",
        results.findings_markdown(table).strip(),
        "",
    ]


def _numbers(markdown: str) -> str:
    """Tables of numbers in a container whose cells do not wrap (``mean ± std`` stays on one line)."""
    return f":::{{container}} tk-numbers\n{markdown}\n:::"


def results_page(root: Path, run_dir: Path) -> str:
    """The results page: the committed records' table and findings, this run's, the lesson times."""
    from . import runtimes

    lines = [
        "# Results",
        "",
        "Test series are queries, training series the reference; the metrics follow",
        "pytorch-metric-learning's `AccuracyCalculator` (k = all references); NMI is from k-means on",
        "the test embeddings with k = the number of classes. Mean ± std over seeds; a gap counts",
        "only when it exceeds one standard deviation over seeds.",
        "",
    ]
    lines += _records_section(
        root / "results",
        "## The course's results (committed records)",
        "From `results/` (`tslearnkit table` rebuilds the same table): every lesson, full length.",
    )
    lines += _records_section(
        run_dir / "results",
        "## This run's results",
        "From the records of the run the lesson pages show (a quick run's numbers are a smoke test).",
    )
    times_path = root / "results" / "timing" / "lesson_times.json"
    if times_path.is_file():
        lines += ["## Lesson run times", "", _numbers(runtimes.times_markdown(runtimes.load_times(times_path))), ""]
    return "\n".join(lines) + "\n"


def benchmark_page(root: Path, source: Path) -> str:
    """The benchmark page from ``results/benchmark`` and ``results/open_set`` (its figure copied into ``source``)."""
    from . import open_set_benchmark, results
    from .benchmark import benchmark_tables

    lines = [
        "# Benchmark",
        "",
        "Every method trained with the same recipe on several datasets and seeds",
        "(`tslearnkit benchmark`); the tables and sentences below are computed from the records.",
        "",
    ]
    closed = root / "results" / "benchmark"
    if closed.is_dir() and any(closed.glob("*.json")):
        findings = results.findings_markdown(results.results_table(results.load_results(closed))).strip()
        lines += ["## Closed set: test series of the training classes", "", _numbers(benchmark_tables(closed)), ""]
        lines += ["What the benchmark says:", "", findings, ""]
    open_dir = root / "results" / "open_set"
    records = open_set_benchmark.load_open_set_records(open_dir) if open_dir.is_dir() else []
    if records:
        lines += [
            "## Open set: classes never seen in training",
            "",
            "Retrieval among classes held out of training, against the number of training classes",
            "(`tslearnkit benchmark --protocol open-set`).",
            "",
        ]
        figure = root / "figures" / "open_set_curves.png"
        if figure.is_file():
            shutil.copy(figure, source / "open_set_curves.png")
            alt = "MAP@R on unseen classes against the number of training classes"
            lines += ["```{image} open_set_curves.png", f":alt: {alt}", "```", ""]
        lines += [_numbers(open_set_benchmark.open_set_table(records)), ""]
        lines += [f"- {line}" for line in open_set_benchmark.open_set_findings(records)] + [""]
    if len(lines) == 5:
        lines += ["No benchmark records in `results/benchmark/` or `results/open_set/` yet.", ""]
    return "\n".join(lines) + "\n"


def api_index() -> str:
    """The API reference's index: one page per module of :data:`API_MODULES`."""
    lines = [
        "# API reference",
        "",
        "The teaching API: what a lesson imports as `import tslearnkit as tk` and uses as `tk.<module>`.",
        "Generated from the docstrings.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
        *API_MODULES,
        "```",
    ]
    return "\n".join(lines) + "\n"


def api_page(module: str) -> str:
    """The API reference page of ``tk.<module>`` (an ``automodule`` of its ``__all__``)."""
    title = f"tk.{module}"
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f".. automodule:: tslearnkit.{module}\n"
        "   :members:\n"
        "   :imported-members:\n"
        "   :show-inheritance:\n"
    )
