"""Workshop notebooks: a student and an instructor copy of every lesson, published links, and the
instructor's kit.

A lesson's exercises are written in its jupytext source (``notebooks/0*.py``) as

* a markdown cell headed ``### Exercise N.M — title`` with a ``*Practises: ...*`` line;
* one or more code cells tagged ``solution`` whose answer sits between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` lines (the nbgrader convention), so the lesson as committed runs end
  to end with its solutions;
* a code cell tagged ``check`` that calls ``course.exercises.lessonNN.check_...``.

The **student** notebook keeps everything but the answers: each marked block becomes
``raise course.exercises.YourTurn("N.M")`` at the block's indentation (a function's signature and
the cell's setup lines stay), and the cell's tag becomes ``exercise``. The **instructor**
notebook is the lesson with the marker lines removed — with the outputs of a run when one is
given (:mod:`tslearnkit.course.instructor`). nbconvert's ``TagRemovePreprocessor`` drops whole
cells, which would lose the skeleton a student fills in, so the cells are rewritten here with
jupytext and nbformat instead.

Publishing the student copies (their Colab badge and install cell) is
:mod:`tslearnkit.course.publishing`; the instructor's kit (day plan, notes, diagrams, executed
copies) is :mod:`tslearnkit.course.instructor`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
from pathlib import Path

from . import publishing

__all__ = [
    "Exercise",
    "exercises",
    "exercise_of_each_cell",
    "student_notebook",
    "instructor_notebook",
    "strip_markers",
    "title",
    "read_lesson",
    "build_workshop",
]

SOLUTION_TAG, CHECK_TAG, STUDENT_TAG = "solution", "check", "exercise"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HEADING = re.compile(r"^### Exercise (\d+\.\d+) — (.+)$", re.M)
_PRACTISES = re.compile(r"^\*Practises: (.+?)\*\s*$", re.M)
_TITLE = re.compile(r"^# (.+)$", re.M)
GITIGNORE = """\
# Only student/ is meant for a public repository: everything else here shows the answers.
/*
!/.gitignore
!/student/
"""


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
            for match in HEADING.finditer(cell.source):
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


def exercise_of_each_cell(notebook) -> list[str | None]:
    """For every cell, the number of the exercise it belongs to (the last heading above it), or None."""
    numbers, current = [], None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings = HEADING.findall(cell.source)
            current = headings[-1][0] if headings else current
        numbers.append(current)
    return numbers


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
    """A copy of ``notebook`` with every answer replaced by a ``YourTurn`` placeholder and no outputs."""
    exercises(notebook)  # structure checked first
    student = copy.deepcopy(notebook)
    for cell, number in zip(student.cells, exercise_of_each_cell(student)):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None  # an output can show an answer
            if SOLUTION_TAG in _tags(cell):
                cell.source = _replace_solutions(cell.source, number)
                cell.metadata["tags"] = [STUDENT_TAG if t == SOLUTION_TAG else t for t in _tags(cell)]
    return student


def strip_markers(source: str) -> str:
    """``source`` without its ``### BEGIN/END SOLUTION`` lines."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def instructor_notebook(notebook):
    """A copy of ``notebook`` with the solution marker lines removed (answers and outputs kept)."""
    exercises(notebook)
    instructor = copy.deepcopy(notebook)
    for cell in instructor.cells:
        if SOLUTION_TAG in _tags(cell):
            cell.source = strip_markers(cell.source)
    return instructor


def title(notebook) -> str:
    """The lesson's title: its first markdown heading."""
    first = next((c for c in notebook.cells if c.cell_type == "markdown"), None)
    match = _TITLE.search(first.source) if first is not None else None
    return match[1].strip() if match else "(untitled)"


def read_lesson(path):
    """A lesson's jupytext source as a notebook with stable cell ids (a rebuild changes no byte)
    and without jupytext's pairing metadata (a copy has no ``.py`` twin)."""
    import jupytext

    path = Path(path)
    notebook = jupytext.read(path)
    notebook.metadata.pop("jupytext", None)
    for i, cell in enumerate(notebook.cells):
        cell["id"] = hashlib.sha1(f"{path.stem}:{i}".encode()).hexdigest()[:8]
    return notebook


def _write(notebook, path: Path) -> Path:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


def build_workshop(
    out,
    notebooks,
    lessons,
    *,
    timings=None,
    repo: str | publishing.Repo | None = None,
    published_at: str | None = None,
    run_dir=None,
    start: str = "09:00",
    day_end: str = "17:00",
    lunch: str = "12:30",
    days: int | None = None,
) -> dict[str, list[Path]]:
    """Write the student and instructor copies of every lesson and the instructor's kit.

    ``out/student/<lesson>.ipynb`` (no answers, no outputs; with ``repo``, also
    ``out/student/README.md``: the Colab links to hand out), ``out/instructor/<lesson>.ipynb``
    (with answers; executed when ``run_dir`` holds a clean run of the current lesson),
    ``out/AGENDA.md`` (the timed plan and each lesson's notes, see
    :mod:`tslearnkit.course.instructor`), ``out/diagrams/*.png`` and ``out/.gitignore``.

    Args:
        out: output folder (created).
        notebooks: folder holding the lessons' jupytext sources ``<lesson>.py``.
        lessons: lesson names, in workshop order.
        timings: ``results/timing/lesson_times.json`` (:mod:`tslearnkit.course.runtimes`), or ``None``.
        repo: ``"OWNER/NAME[@BRANCH]"``: the repository the student copies will be published in
            (and the kit installed from); ``None``: no Colab links.
        published_at: the folder of that repository that will hold ``out``; default: ``out``'s
            path inside the git work tree holding it.
        run_dir: the ``--out`` folder of a ``tslearnkit run`` (``bash run.sh``) whose executed
            notebooks give the instructor copies their outputs and the kit its expected outputs.
        start, day_end, lunch: the day plan's clock times, ``"HH:MM"``.
        days: fit the plan in this many days by cutting the talking blocks
            (:func:`tslearnkit.course.dayplan.fitted_plan`); ``None``: as many days as the notes take.

    Returns:
        ``{"student": [...], "instructor": [...], "executed": [...], "agenda": [path],
        "diagrams": [...], "links": [...]}`` (``executed``: the instructor copies with outputs).

    Raises:
        ValueError: a bad ``repo``, a ``run_dir`` without executed notebooks, an ``out`` outside
            any git work tree with ``repo`` but no ``published_at``, or a bad clock time.
    """
    from . import instructor, runs

    out, notebooks = Path(out), Path(notebooks)
    repo = publishing.parse_repo(repo) if repo is not None else None
    if repo is not None and published_at is None:
        published_at = publishing.published_folder(out)
    plan_times = instructor.plan_clock(start=start, day_end=day_end, lunch=lunch, days=days)
    sources = {name: read_lesson(notebooks / f"{name}.py") for name in lessons}
    instructor.timed_plan(list(sources.items()), timings=timings, clock=plan_times)  # a plan that fits, before writing
    written = {"student": [], "instructor": [], "executed": [], "agenda": [], "diagrams": [], "links": []}
    loaded, kit_lessons = [], []
    for name, notebook in sources.items():
        path = publishing.student_path(published_at, name) if repo is not None else None
        executed = runs.executed_lesson(run_dir, name, notebook) if run_dir is not None else None
        taught = executed.notebook if executed is not None and executed.notebook is not None else notebook
        student = _write(publishing.publish(student_notebook(notebook), repo, path), out / "student" / f"{name}.ipynb")
        teacher = _write(
            publishing.publish(instructor_notebook(taught), repo, path), out / "instructor" / f"{name}.ipynb"
        )
        written["student"].append(student)
        written["instructor"].append(teacher)
        if taught is not notebook:
            written["executed"].append(teacher)
        loaded.append((name, notebook))
        kit_lessons.append(
            instructor.KitLesson(
                name=name,
                notebook=notebook,
                executed=executed,
                instructor_path=teacher.relative_to(out).as_posix(),
                student_url=repo.colab_url(path) if repo is not None else None,
            )
        )
    if repo is not None:
        links = out / "student" / "README.md"
        links.write_text(publishing.links_readme([(n, title(nb)) for n, nb in loaded], repo, published_at))
        written["links"].append(links)
    (out / ".gitignore").write_text(GITIGNORE)
    kit = instructor.write_kit(out, kit_lessons, timings=timings, run_dir=run_dir, repo=repo, clock=plan_times)
    written["agenda"].append(kit["agenda"])
    written["diagrams"].extend(kit["diagrams"])
    return written
