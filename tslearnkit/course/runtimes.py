"""One source for lesson run times: ``results/timing/lesson_times.json``, written by ``bench/lessons.py``
on a quiet machine. The lesson headers, the workshop agenda and docs/run_times.md are rendered
from it by the functions below (and tests check that each agrees with it).

The JSON maps each lesson to ``{"full": seconds}`` and holds a ``"_machine"`` entry saying
where and how it was measured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["TARGET_S", "load_times", "header_line", "times_markdown", "HEADER", "README_MARKERS"]

TARGET_S = 90
"""What a lesson's full single-seed run should stay under on a quiet 2-core CPU (issue 21)."""
HEADER = re.compile(r"^# \*\*Runtime:\*\*.*$", re.M)
README_MARKERS = ("<!-- lesson-times:start -->", "<!-- lesson-times:end -->")


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


def times_markdown(times: dict) -> str:
    """The run-time table (docs/run_times.md): each lesson's full-run time against :data:`TARGET_S`."""
    machine = times.get("_machine", {})
    lines = [
        f"Measured by `python bench/lessons.py --write` ({machine.get('when', 'date not recorded')}; "
        f"{machine.get('cpus', '?')} CPUs, load average {machine.get('load', '?')} before the run; "
        f"dataset {machine.get('dataset', '?')}, seed {machine.get('seed', '?')}):",
        "",
        f"| lesson | full run (s) | within {TARGET_S} s |",
        "|---|---|---|",
    ]
    for lesson, entry in times.items():
        if lesson.startswith("_"):
            continue
        seconds = entry.get("full")
        if seconds is None:
            lines.append(f"| {lesson} | not measured | – |")
            continue
        verdict = "yes" if seconds <= TARGET_S else f"no, {seconds - TARGET_S:.0f} s over"
        lines.append(f"| {lesson} | {seconds:.0f} | {verdict} |")
    return "\n".join(lines)
