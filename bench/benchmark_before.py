"""The benchmark's records as the issue-27 studies of bench/README.md read them.

``bench/tiny_seeds.py``, ``bench/split_gap.py``, ``bench/cv_criterion.py`` and ``bench/warp_choice.py``
compare their own measurements with the benchmark's test scores. They were made before the recipe's
``per_series_channels`` rule, which changed the fits of one offline dataset, Covid3Month_disc; its
records from before the rule were moved to ``bench/benchmark_before_per_series/`` when the benchmark
measured it again. So these studies keep reading the records they were made against: every other
dataset from ``results/benchmark``, Covid3Month_disc from the folder of before.
"""

from __future__ import annotations

from pathlib import Path

from tslearnkit.course.results import load_results

ROOT = Path(__file__).resolve().parent.parent
BEFORE_PER_SERIES = ROOT / "bench" / "benchmark_before_per_series"


def benchmark_records() -> list[dict]:
    """The benchmark's records, with those of the datasets in :data:`BEFORE_PER_SERIES` taken from there."""
    before = load_results(BEFORE_PER_SERIES, on_error="raise")
    replaced = {r["dataset"] for r in before}
    now = load_results(ROOT / "results" / "benchmark", on_error="raise")
    return [r for r in now if r["dataset"] not in replaced] + before
