"""One source for lesson run times: ``results/timing/lesson_times.json``, written by ``bench/lessons.py``
on a quiet machine. The lesson headers, the workshop agenda and docs/run_times.md are rendered
from it by the functions below (and tests check that each agrees with it).

The JSON maps each lesson to ``{"full": seconds}`` and holds a ``"_machine"`` entry saying
where and how it was measured. ``results/timing/long_series_times.json`` has the same layout for
full runs on a dataset of series longer than 1,000 steps (``bench/lessons.py --dataset ACSF1
--write-long``), held to :data:`LONG_SERIES_TARGET_S` (issue 27); docs/run_times.md shows it too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = [
    "TARGET_S",
    "LONG_SERIES_TARGET_S",
    "load_times",
    "header_line",
    "times_markdown",
    "HEADER",
    "README_MARKERS",
    "LONG_SERIES_MARKERS",
]

TARGET_S = 90
"""What a lesson's full single-seed run should stay under on a quiet 2-core CPU (issue 21)."""
HEADER = re.compile(r"^# \*\*Runtime:\*\*.*$", re.M)
README_MARKERS = ("<!-- lesson-times:start -->", "<!-- lesson-times:end -->")
LONG_SERIES_TARGET_S = 180
"""What a lesson's full run should stay under on a dataset of series longer than 1,000 steps (issue 27)."""
LONG_SERIES_MARKERS = ("<!-- long-series-times:start -->", "<!-- long-series-times:end -->")


def load_times(path) -> dict:
    """The JSON at ``path``: ``{lesson: {"full": seconds}, "_machine": {...}}``."""
    return json.loads(Path(path).read_text())


def header_line(seconds: float | None) -> str:
    """The lesson header's runtime line (a markdown line of the percent script)."""
    if seconds is None:
        return "# **Runtime:** not measured yet (`python bench/lessons.py --write`); quick mode: seconds."
    return (
        f"# **Runtime:** about {round(seconds / 5) * 5:.0f} s for the full run on a quiet 2-core CPU "
        "(measured by `bench/lessons.py`); quick mode: seconds."
    )


def times_markdown(times: dict, target_s: float = TARGET_S) -> str:
    """A run-time table (docs/run_times.md): each lesson's full-run time against ``target_s``."""
    machine = times.get("_machine", {})
    command = machine.get("command", "python bench/lessons.py --write")
    recorded = f", recorded by `{machine['recorded_by']}`" if machine.get("recorded_by") else ""
    load = machine.get("load")
    lines = [
        f"Measured by `{command}`{recorded} ({machine.get('when', 'date not recorded')}; "
        f"{machine.get('cpus', '?')} CPUs, load average {'not recorded' if load is None else load} before the run; "
        f"dataset {machine.get('dataset', '?')}, seed {machine.get('seed', '?')}):",
        "",
        f"| lesson | full run (s) | within {target_s:g} s |",
        "|---|---|---|",
    ]
    for lesson, entry in times.items():
        if lesson.startswith("_"):
            continue
        seconds = entry.get("full")
        if seconds is None:
            lines.append(f"| {lesson} | not measured | – |")
            continue
        verdict = "yes" if seconds <= target_s else f"no, {seconds - target_s:.0f} s over"
        lines.append(f"| {lesson} | {seconds:.0f} | {verdict} |")
    return "\n".join(lines)
