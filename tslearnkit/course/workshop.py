"""Workshop notebooks: a student and an instructor copy of every lesson, and an agenda.

A lesson's exercises are written in its jupytext source (``notebooks/0*.py``) as

* a markdown cell headed ``### Exercise N.M — title`` with a ``*Practises: ...*`` line;
* one or more code cells tagged ``solution`` whose answer sits between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` lines (the nbgrader convention), so the lesson as committed runs end
  to end with its solutions;
* a code cell tagged ``check`` that calls ``course.exercises.lessonNN.check_...``.

The **student** notebook keeps everything but the answers: each marked block becomes
``raise course.exercises.YourTurn("N.M")`` at the block's indentation (a function's signature and
the cell's setup lines stay), and the cell's tag becomes ``exercise``. The **instructor**
notebook is the lesson with the marker lines removed. nbconvert's ``TagRemovePreprocessor``
drops whole cells, which would lose the skeleton a student fills in, so the cells are rewritten
here with jupytext and nbformat instead.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

__all__ = ["Exercise", "exercises", "student_notebook", "instructor_notebook", "build_workshop"]

SOLUTION_TAG, CHECK_TAG, STUDENT_TAG = "solution", "check", "exercise"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_HEADING = re.compile(r"^### Exercise (\d+\.\d+) — (.+)$", re.M)
_PRACTISES = re.compile(r"^\*Practises: (.+?)\*\s*$", re.M)
_TITLE = re.compile(r"^# (.+)$", re.M)


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson: its number (``"3.1"``), title and what it practises."""

    number: str
    title: str
    practises: str


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercises(notebook) -> list[Exercise]:
    """The exercises of a lesson notebook, in order; checks their structure.

    Raises:
        ValueError: an exercise without a ``*Practises:*`` line, a solution cell outside an
            exercise or without its markers, or an exercise without a check cell.
    """
    found, current, solved, checked = [], None, set(), set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for match in _HEADING.finditer(cell.source):
                practises = _PRACTISES.search(cell.source)
                if practises is None:
                    raise ValueError(f"Exercise {match[1]} has no '*Practises: ...*' line")
                current = match[1]
                found.append(Exercise(match[1], match[2].strip(), practises[1].strip()))
        elif SOLUTION_TAG in _tags(cell):
            if current is None:
                raise ValueError(f"a cell tagged {SOLUTION_TAG!r} comes before any '### Exercise' heading")
            if BEGIN not in cell.source or END not in cell.source:
                raise ValueError(f"a solution cell of Exercise {current} lacks {BEGIN!r} / {END!r} lines")
            solved.add(current)
        elif CHECK_TAG in _tags(cell) and current is not None:
            checked.add(current)
    for exercise in found:
        if exercise.number not in solved or exercise.number not in checked:
            raise ValueError(f"Exercise {exercise.number} needs a '{SOLUTION_TAG}' cell and a '{CHECK_TAG}' cell")
    return found


def _replace_solutions(source: str, number: str) -> str:
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise course.exercises.YourTurn("{number}")  # replace this line with your answer')
            inside = True
        elif stripped == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def student_notebook(notebook):
    """A copy of ``notebook`` with every answer replaced by a ``YourTurn`` placeholder."""
    exercises(notebook)  # structure checked first
    student, current = copy.deepcopy(notebook), None
    for cell in student.cells:
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(cell.source)
            current = headings[-1][0] if headings else current
        elif SOLUTION_TAG in _tags(cell):
            cell.source = _replace_solutions(cell.source, current)
            cell.metadata["tags"] = [STUDENT_TAG if t == SOLUTION_TAG else t for t in _tags(cell)]
    return student


def instructor_notebook(notebook):
    """A copy of ``notebook`` with the solution marker lines removed (answers kept)."""
    exercises(notebook)
    instructor = copy.deepcopy(notebook)
    for cell in instructor.cells:
        if SOLUTION_TAG in _tags(cell):
            cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END))
    return instructor


def _title(notebook) -> str:
    first = next((c for c in notebook.cells if c.cell_type == "markdown"), None)
    match = _TITLE.search(first.source) if first is not None else None
    return match[1].strip() if match else "(untitled)"


def _minutes(seconds) -> str:
    return "not measured" if seconds is None else f"{seconds / 60:.1f} min"


def _agenda(lessons: list[tuple[str, object]], timings: dict) -> str:
    lines = [
        "# Workshop agenda",
        "",
        "Run the lessons in this order. Each has a student notebook (`student/`, answers replaced by",
        "`raise course.exercises.YourTurn(...)`) and an instructor notebook (`instructor/`, with answers).",
        "A check cell under every exercise says whether the answer is right, and what to look at if not.",
        "Run times are measured full runs on a 2-core CPU (`tslearnkit run`), without the time",
        "students spend on the exercises.",
        "",
        "| # | lesson | run time | exercises |",
        "|---|---|---|---|",
    ]
    for i, (name, notebook) in enumerate(lessons, 1):
        found = exercises(notebook)
        listed = "<br>".join(f"**{e.number}** {e.title} — *{e.practises}*" for e in found)
        seconds = timings.get(name, {}).get("full")
        lines.append(f"| {i} | {_title(notebook)} (`{name}`) | {_minutes(seconds)} | {listed} |")
    total = sum(timings.get(name, {}).get("full") or 0 for name, _ in lessons)
    count = sum(len(exercises(nb)) for _, nb in lessons)
    lines += ["", f"{len(lessons)} lessons, {count} exercises; {total / 60:.0f} min of computing in all."]
    return "\n".join(lines) + "\n"


def build_workshop(out, notebooks, lessons, *, timings=None) -> dict[str, list[Path]]:
    """Write ``out/student/<lesson>.ipynb``, ``out/instructor/<lesson>.ipynb`` and ``out/AGENDA.md``.

    Args:
        out: output folder (created).
        notebooks: folder holding the lessons' jupytext sources ``<lesson>.py``.
        lessons: lesson names, in workshop order.
        timings: path of a ``timings.json`` written by ``tslearnkit run`` (``{lesson: {"full": s}}``),
            or ``None``.

    Returns:
        ``{"student": [...], "instructor": [...], "agenda": [path]}``.
    """
    import jupytext

    out, notebooks = Path(out), Path(notebooks)
    times = json.loads(Path(timings).read_text()) if timings is not None and Path(timings).is_file() else {}
    written = {"student": [], "instructor": [], "agenda": []}
    loaded = []
    for name in lessons:
        notebook = jupytext.read(notebooks / f"{name}.py")
        loaded.append((name, notebook))
        for kind, make in (("student", student_notebook), ("instructor", instructor_notebook)):
            path = out / kind / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(make(notebook), path, fmt="ipynb")
            written[kind].append(path)
    agenda = out / "AGENDA.md"
    agenda.write_text(_agenda(loaded, times))
    written["agenda"].append(agenda)
    return written
