"""The instructor's kit that ``tslearnkit workshop`` writes beside the student and instructor copies.

``AGENDA.md`` holds a timed day plan and, for every lesson, its key idea, the kit's diagram
(``diagrams/<lesson>.png``), where to pause, the discussion questions and what each exercise's
check prints when the answer is right. Where its numbers come from:

* **run times**: the measured full runs of ``results/lesson_times.json``
  (:mod:`tslearnkit.course.runtimes`, the one source), added to each lesson's walk-through;
* **teaching minutes, key ideas, pauses and questions**: :mod:`tslearnkit.course.lesson_notes`;
* **expected outputs**: what the check cells printed in the executed notebooks of a run
  (``tslearnkit run --out RUN`` / ``bash run.sh`` writes ``RUN/notebooks/<lesson>__seed<N>.ipynb``),
  or, without a run, the success message in the check's own code (its values left in braces).

A run's notebook is used only when its code is the current lesson's, cell for cell, and it ran
to the end without an error; its outputs are then carried onto the instructor copy (which stays
the current lesson, markdown included). Otherwise the instructor copy has no outputs and the
agenda says why.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import hashlib
import importlib.util
import io
import math
import re
from pathlib import Path

from . import diagrams, runtimes, workshop
from .lesson_notes import NOTES, LessonNotes
from .publishing import KIT_LINE

__all__ = [
    "Executed",
    "KitLesson",
    "Block",
    "plan_clock",
    "executed_lesson",
    "expected_outputs",
    "check_messages",
    "lesson_blocks",
    "day_plan",
    "agenda_markdown",
    "write_kit",
]

INJECTED = "injected-parameters"
_CHECK_CALL = re.compile(r"course\.exercises\.(lesson\d\d)\.(check_\w+)\(")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DEFAULT_NOTES = LessonNotes(
    key_idea="(no notes for this lesson yet: add them to `tslearnkit/course/lesson_notes.py`)",
    diagram=None,
    pauses=(),
    questions=(),
    lecture_min=15,
    walkthrough_min=15,
    discussion_min=10,
    exercise_min={},
)
EXERCISE_MIN = 10
"""Minutes for an exercise the notes give none."""


@dataclasses.dataclass(frozen=True)
class Executed:
    """A lesson as a run executed it.

    Attributes:
        notebook: the current lesson with the run's outputs, or ``None`` when the run's copy is
            missing, failed or holds another version of the lesson.
        source: the run's notebook file (``None`` when there is none).
        reason: why ``notebook`` is ``None`` (empty when it is not).
        parameters: what papermill passed (``seed``, ``quick``, ``dataset``, ...).
    """

    notebook: object | None
    source: Path | None
    reason: str
    parameters: dict

    def describe(self) -> str:
        """``"seed 0, full run"``, ``"seed 1, quick mode, dataset BasicMotions"``, ..."""
        parts = [f"seed {self.parameters['seed']}" if "seed" in self.parameters else "the lesson's seed"]
        parts.append("quick mode" if self.parameters.get("quick") else "full run")
        if "dataset" in self.parameters:
            parts.append(f"dataset {self.parameters['dataset']}")
        return ", ".join(parts)


@dataclasses.dataclass(frozen=True)
class KitLesson:
    """What the kit needs of one lesson (built by :func:`tslearnkit.course.workshop.build_workshop`)."""

    name: str
    notebook: object
    executed: Executed | None
    instructor_path: str
    student_url: str | None


@dataclasses.dataclass(frozen=True)
class Block:
    """One row of the day plan: ``minutes`` from ``start`` (minutes after midnight) on ``day``."""

    day: int
    start: int
    minutes: int
    kind: str
    lesson: str | None
    text: str

    @property
    def end(self) -> int:
        return self.start + self.minutes


def _minutes_of(text: str, name: str) -> int:
    match = _CLOCK.match(str(text).strip())
    if match is None:
        raise ValueError(f"{name} {text!r} is not a clock time HH:MM (e.g. 09:00)")
    return int(match[1]) * 60 + int(match[2])


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def plan_clock(*, start: str = "09:00", day_end: str = "17:00", lunch: str = "12:30") -> dict[str, int]:
    """The plan's clock times in minutes after midnight.

    Raises:
        ValueError: not ``HH:MM``, or a day that ends before it starts or a lunch outside it.
    """
    clock = {"start": _minutes_of(start, "start"), "day_end": _minutes_of(day_end, "day_end")}
    clock["lunch"] = _minutes_of(lunch, "lunch")
    if clock["day_end"] - clock["start"] < 120:
        raise ValueError(f"a day from {start} to {day_end} is shorter than two hours")
    if not clock["start"] < clock["lunch"] < clock["day_end"]:
        raise ValueError(f"lunch at {lunch} is not between {start} and {day_end}")
    return clock


# --- executed notebooks --------------------------------------------------------------------------


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _code_key(source: str) -> str:
    """A code cell's source as compared with a run's: no solution markers, any kit install URL."""
    return KIT_LINE.sub(r'\g<indent>kit = "..."', workshop.strip_markers(source)).strip()


def _parameters(cell) -> dict:
    found = {}
    for node in ast.parse(cell.source).body if cell is not None else ():
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def _run_copy(run_dir: Path, lesson: str) -> Path | None:
    """The run's notebook of ``lesson`` with the lowest seed (``<lesson>__seed<N>.ipynb``)."""
    seeds = []
    for path in (run_dir / "notebooks").glob(f"{lesson}__seed*.ipynb"):
        tail = path.stem.rsplit("__seed", 1)[1]
        if tail.isdigit():
            seeds.append((int(tail), path))
    return min(seeds)[1] if seeds else None


def executed_lesson(run_dir, lesson: str, notebook) -> Executed:
    """The run's executed copy of ``lesson``, its outputs carried onto ``notebook`` (the current lesson).

    Raises:
        ValueError: ``run_dir`` has no ``notebooks/`` folder (not the ``--out`` of ``tslearnkit run``).
    """
    import nbformat

    run_dir = Path(run_dir)
    if not (run_dir / "notebooks").is_dir():
        raise ValueError(
            f"{run_dir} has no notebooks/ folder: pass the --out folder of `tslearnkit run` "
            "(`bash run.sh` writes runs/latest)"
        )
    source = _run_copy(run_dir, lesson)
    if source is None:
        return Executed(None, None, f"the run has no `{lesson}__seed*.ipynb`", {})
    ran = nbformat.read(str(source), as_version=4)
    injected = next((c for c in ran.cells if INJECTED in _tags(c)), None)
    parameters = _parameters(injected)
    for i, cell in enumerate(ran.cells):
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if error is not None:
            reason = f"the run stopped in cell {i} with {error.get('ename')}: {str(error.get('evalue'))[:120]}"
            return Executed(None, source, reason, parameters)
    theirs = [c for c in ran.cells if c.cell_type == "code" and INJECTED not in _tags(c)]
    mine = [c for c in notebook.cells if c.cell_type == "code"]
    differ = sum(_code_key(a.source) != _code_key(b.source) for a, b in zip(mine, theirs))
    if len(mine) != len(theirs) or differ:
        counted = (
            f"{differ} code cell(s) differ"
            if len(mine) == len(theirs)
            else f"{len(theirs)} code cells, not {len(mine)}"
        )
        return Executed(
            None, source, f"the run executed another version of the lesson ({counted}); rerun it", parameters
        )
    idle = [i for i, c in enumerate(theirs) if c.source.strip() and c.get("execution_count") is None]
    if idle:
        return Executed(None, source, f"code cell {idle[0]} of the run's copy never ran", parameters)
    grafted = copy.deepcopy(notebook)
    for cell, ran_cell in zip((c for c in grafted.cells if c.cell_type == "code"), theirs):
        cell.outputs = copy.deepcopy(ran_cell.get("outputs", []))
        cell.execution_count = ran_cell.get("execution_count")
    if injected is not None:  # where papermill put it: right after the parameters cell
        at = next((i + 1 for i, c in enumerate(grafted.cells) if "parameters" in _tags(c)), 0)
        cell = copy.deepcopy(injected)
        cell["id"] = hashlib.sha1(f"{lesson}:injected".encode()).hexdigest()[:8]
        grafted.cells.insert(at, cell)
    return Executed(grafted, source, "", parameters)


def _printed(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append(output.get("text", ""))
        elif output.get("output_type") in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join("".join(p) if isinstance(p, list) else p for p in parts).strip()


def expected_outputs(notebook) -> dict[str, list[str]]:
    """What each exercise's check cells printed in an executed ``notebook``: ``{"3.1": [text]}``."""
    found: dict[str, list[str]] = {}
    for cell, number in zip(notebook.cells, workshop.exercise_of_each_cell(notebook)):
        if number is not None and workshop.CHECK_TAG in _tags(cell):
            found.setdefault(number, []).append(_printed(cell))
    return found


def _template(node) -> str:
    """An f-string (or a plain string) as its source reads, the formatted parts kept in braces."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                spec = f":{_template(value.format_spec)}" if value.format_spec is not None else ""
                parts.append("{" + ast.unparse(value.value) + spec + "}")
        return "".join(parts)
    return "{" + ast.unparse(node) + "}"


def _success_prefix() -> str:
    from .exercises._core import passed

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        passed("")
    return printed.getvalue().rstrip("\n")


def check_messages(notebook) -> dict[str, list[str]]:
    """Each exercise's success message as its check's code writes it: ``{"3.1": ["✓ {expected:,} ..."]}``.

    Read from the source of the ``check_...`` function a check cell calls (its ``passed(...)``
    calls), without running anything; the values a run fills in stay in braces.
    """
    prefix, found = _success_prefix(), {}
    for cell, number in zip(notebook.cells, workshop.exercise_of_each_cell(notebook)):
        if number is None or workshop.CHECK_TAG not in _tags(cell):
            continue
        for module, function in _CHECK_CALL.findall(cell.source):
            spec = importlib.util.find_spec(f"tslearnkit.course.exercises.{module}")
            tree = ast.parse(Path(spec.origin).read_text()) if spec is not None and spec.origin else ast.Module(body=[])
            body = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function), None)
            nodes = ast.walk(body) if body is not None else ()
            calls = [n for n in nodes if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "passed" and n.args]
            messages = [f"{prefix}{_template(call.args[0])}" for call in calls]
            found.setdefault(number, []).extend(messages or [f"(no success message found in {module}.{function})"])
    return found


# --- the day plan ----------------------------------------------------------------------------------


def _split_fives(total: int, weights: list[float]) -> list[int]:
    """``total`` minutes (a multiple of 5) shared by ``weights`` in 5-minute steps, largest remainder."""
    units, weight = total // 5, sum(weights) or 1.0
    shares = [units * w / weight for w in weights]
    whole = [math.floor(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: whole[i] - shares[i])[: units - sum(whole)]:
        whole[i] += 1
    return [5 * w for w in whole]


def _stops(notebook) -> tuple[list[int], list[int]]:
    """Where each exercise starts (its heading cell) and ends (its last check cell)."""
    starts, ends, numbers = [], [], workshop.exercise_of_each_cell(notebook)
    for i, (cell, number) in enumerate(zip(notebook.cells, numbers)):
        if cell.cell_type == "markdown" and workshop.HEADING.search(cell.source):
            starts.append(i)
            ends.append(i)
        elif starts and workshop.CHECK_TAG in _tags(cell) and number is not None:
            ends[-1] = i
    return starts, ends


def _heading_index(notebook, heading: str) -> int | None:
    pattern = re.compile(rf"^##+ {re.escape(heading)}\s*$", re.M)
    return next(
        (i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown" and pattern.search(c.source)), None
    )


def lesson_blocks(lesson: KitLesson, notes: LessonNotes, seconds: float | None) -> list[tuple[str, int, str]]:
    """A lesson's blocks in order, ``(kind, minutes, what)``: the lecture, the walk-through cut at
    each exercise (its computing time included), the exercises, and the discussion."""
    found = workshop.exercises(lesson.notebook)
    starts, ends = _stops(lesson.notebook)
    bounds = [-1, *ends]  # walk i runs from the end of exercise i-1 to the start of exercise i
    code = [c.cell_type == "code" for c in lesson.notebook.cells]
    walks = [(bounds[i] + 1, starts[i]) for i in range(len(found))] + [(bounds[-1] + 1, len(code))]
    weights = [max(sum(code[a:b]), 1) for a, b in walks]
    computing = math.ceil((seconds if seconds is not None else runtimes.TARGET_S) / 60)
    pauses = [[] for _ in walks]
    for pause in notes.pauses:
        at = _heading_index(lesson.notebook, pause.at)
        where = next((i for i, (a, b) in enumerate(walks) if at is not None and at < b), len(walks) - 1)
        pauses[where].append(f"*{pause.at}*")
    # Each stretch with code to run or a pause gets 5 minutes at least; the rest goes by code cells.
    floor = [5 if any(code[a:b]) or pauses[i] else 0 for i, (a, b) in enumerate(walks)]
    total = max(5 * math.ceil((notes.walkthrough_min + computing) / 5), sum(floor))
    minutes = [f + m for f, m in zip(floor, _split_fives(total - sum(floor), weights))]
    number = int(lesson.name[:2]) if lesson.name[:2].isdigit() else lesson.name
    name = f"Lesson {number}"
    blocks = [
        (
            "lecture",
            notes.lecture_min,
            f"**{workshop.title(lesson.notebook)}** — the key idea" + (", with the diagram" if notes.diagram else ""),
        )
    ]
    for i, exercise in enumerate(found):
        where = "from the top" if i == 0 else f"on from Exercise {found[i - 1].number}"
        text = f"{name}: run the notebook together {where} to Exercise {exercise.number}"
        if pauses[i]:
            text += "; pause at " + ", ".join(pauses[i])
        if minutes[i]:
            blocks.append(("walk-through", minutes[i], text))
        blocks.append(
            (
                "exercise",
                notes.exercise_min.get(exercise.number, EXERCISE_MIN),
                f"**{exercise.number}** {exercise.title}",
            )
        )
    tail = f"{name}: the rest of the notebook, to *What this run shows* and the Summary"
    if pauses[-1]:
        tail += "; pause at " + ", ".join(pauses[-1])
    if minutes[-1]:
        blocks.append(("walk-through", minutes[-1], tail))
    blocks.append(("discussion", notes.discussion_min, f"{name}: the discussion questions"))
    return blocks


def day_plan(
    lessons: list[tuple[str, list[tuple[str, int, str]]]],
    *,
    clock: dict[str, int],
    break_after: int = 60,
    break_min: int = 15,
    lunch_min: int = 60,
) -> list[Block]:
    """Clock times for every block: lessons in order, a break between two lessons once
    ``break_after`` minutes were taught since the last pause, lunch before the first lesson that
    would end mostly after ``clock["lunch"]``, and a new day when a lesson would end after
    ``clock["day_end"]``.

    Args:
        lessons: ``[(name, blocks)]``, the blocks of :func:`lesson_blocks`.
        clock: :func:`plan_clock`'s minutes.
    """
    plan, day, now, since, lunched = [], 1, clock["start"], 0, False
    for name, blocks in lessons:
        length = sum(minutes for _, minutes, _ in blocks)
        if now > clock["start"] and now + length > clock["day_end"]:
            day, now, since, lunched = day + 1, clock["start"], 0, False
        if not lunched and now > clock["start"] and now + length / 2 > clock["lunch"]:
            plan.append(Block(day, now, lunch_min, "lunch", None, "Lunch"))
            now, since, lunched = now + lunch_min, 0, True
        elif since >= break_after:
            plan.append(Block(day, now, break_min, "break", None, "Break"))
            now, since = now + break_min, 0
        if now > clock["start"] and now + length > clock["day_end"]:  # the pause pushed it past the day's end
            day, now, since, lunched = day + 1, clock["start"], 0, False
        for kind, minutes, text in blocks:
            plan.append(Block(day, now, minutes, kind, name, text))
            now += minutes
        since += length
    return plan


# --- the agenda ----------------------------------------------------------------------------------


def _seconds(times: dict, lesson: str) -> float | None:
    entry = times.get(lesson, {})
    return entry.get("full") if isinstance(entry, dict) else None


def _exercises_markdown(lesson: KitLesson, notes: LessonNotes, run_dir) -> list[str]:
    found = workshop.exercises(lesson.notebook)
    executed = lesson.executed
    printed = expected_outputs(executed.notebook) if executed is not None and executed.notebook is not None else {}
    templates = check_messages(lesson.notebook)
    lines = []
    for exercise in found:
        minutes = notes.exercise_min.get(exercise.number, EXERCISE_MIN)
        lines.append(f"- **{exercise.number} {exercise.title}** ({minutes} min) — practises {exercise.practises}")
        if printed.get(exercise.number):
            texts = printed[exercise.number]
            where = f"What its check printed in the run (`{executed.source.name}`, {executed.describe()}):"
        else:
            texts = templates.get(exercise.number, [])
            where = "The check's line for a right answer, as its code writes it (the run fills in the braces):"
        lines.append(f"  {where}")
        lines += ["", "  ```text", *(f"  {line}" for text in texts for line in text.splitlines()), "  ```", ""]
    return lines


def agenda_markdown(
    lessons: list[KitLesson],
    plan: list[Block],
    *,
    times: dict,
    timings_path,
    run_dir,
    repo,
    diagram_paths: dict[str, str],
) -> str:
    """The text of ``AGENDA.md``: the plan's days as tables, then each lesson's notes."""
    days = sorted({b.day for b in plan})
    spans = {d: (min(b.start for b in plan if b.day == d), max(b.end for b in plan if b.day == d)) for d in days}
    clock_line = (
        f"{len(lessons)} lessons over {len(days)} day{'s' if len(days) > 1 else ''}; "
        + "; ".join(f"day {d}: {_clock(first)}–{_clock(last)}" for d, (first, last) in spans.items())
        + "."
    )
    machine = times.get("_machine", {})
    unmeasured = [k.name for k in lessons if _seconds(times, k.name) is None]
    timing_line = (
        f"**Computing time** inside each walk-through is the lesson's measured full run, from `{timings_path}` "
        f"({machine.get('cpus', '?')} CPUs, {machine.get('when', 'date not recorded')}, dataset "
        f"{machine.get('dataset', '?')}), rounded up to whole minutes. Teaching minutes, key ideas, pauses and "
        "questions come from the kit's lesson notes (`tslearnkit/course/lesson_notes.py`): edit them there to "
        "fit your audience, then rebuild."
    )
    if unmeasured:
        timing_line += f" Not measured, so planned at the {runtimes.TARGET_S} s target: {', '.join(unmeasured)}."
    executed = [k for k in lessons if k.executed is not None and k.executed.notebook is not None]
    if run_dir is None:
        notebook_line = (
            "**Instructor notebooks (`instructor/`): NOT executed** — they have the answers but no outputs. "
            "Run the lessons (`bash run.sh`, which writes `runs/latest`) and rebuild with `--from runs/latest` "
            "to get them executed, with the expected outputs below taken from that run."
        )
    elif len(executed) == len(lessons):
        notebook_line = (
            f"**Instructor notebooks (`instructor/`): executed** — outputs from the run in `{run_dir}` "
            f"({executed[0].executed.describe()}), carried onto the current lessons."
        )
    else:
        missing = [k for k in lessons if k not in executed]
        notebook_line = (
            f"**Instructor notebooks (`instructor/`): {len(executed)} of {len(lessons)} executed** (run in "
            f"`{run_dir}`). NOT executed: " + "; ".join(f"{k.name} ({k.executed.reason})" for k in missing) + "."
        )
    if any(k.executed.parameters.get("quick") for k in executed):
        notebook_line += (
            " That run was in quick mode: tiny models, so its numbers (and the expected outputs below) are not a "
            "full run's."
        )
    if repo is None:
        student_line = (
            "**Student notebooks (`student/`)**: answers replaced by `raise course.exercises.YourTurn(...)`, no "
            "outputs, and no Colab badge — rebuild with `--repo OWNER/NAME[@BRANCH]` to give them Colab links."
        )
    else:
        student_line = (
            f"**Student notebooks (`student/`)**: answers replaced by `raise course.exercises.YourTurn(...)`, no "
            f"outputs; their Colab links open the copies in `{repo}` and install the kit from there "
            "(`student/README.md` lists them). Commit and push `student/` to that branch before the day."
        )
    lines = [
        "# Workshop plan",
        "",
        clock_line,
        "Every lesson: a lecture on its key idea (with the kit's diagram), the notebook run together with a",
        "stop at each exercise (the student copy stops there by itself), and a discussion.",
        "",
        timing_line,
        "",
        notebook_line,
        "",
        student_line,
        "",
        "Only `student/` is meant for a public repository: this folder's `.gitignore` keeps the rest (the",
        "answers and the expected outputs) out of `git add`.",
    ]
    for d in days:
        lines += ["", f"## Day {d}", "", "| time | block | what |", "|---|---|---|"]
        for block in (b for b in plan if b.day == d):
            lines.append(f"| {_clock(block.start)}–{_clock(block.end)} | {block.kind} | {block.text} |")
    if repo is not None:
        lines += ["", "## Links to hand out", "", "| lesson | student copy in Colab |", "|---|---|"]
        lines += [f"| {workshop.title(k.notebook)} | {k.student_url} |" for k in lessons]
    for k in lessons:
        notes = NOTES.get(k.name, DEFAULT_NOTES)
        seconds = _seconds(times, k.name)
        lines += ["", f"## {workshop.title(k.notebook)}", ""]
        if k.name in diagram_paths:
            lines += [f"![{diagrams.DIAGRAMS[notes.diagram][1]}]({diagram_paths[k.name]})", ""]
        lines += [f"**Key idea.** {notes.key_idea}", ""]
        if k.executed is not None and k.executed.notebook is not None:
            state = f"executed ({k.executed.describe()}, from `{k.executed.source.name}`)"
        elif k.executed is not None:
            state = f"**not executed**: {k.executed.reason}"
        else:
            state = "**not executed** (no run given)"
        student = f"[open in Colab]({k.student_url})" if k.student_url else f"`student/{k.name}.ipynb`"
        lines += [
            f"**Notebooks.** Instructor: [`{k.instructor_path}`]({k.instructor_path}) — {state}. Students: {student}.",
            "",
        ]
        measured = f"{seconds:.0f} s" if seconds is not None else "not measured"
        lines += [
            f"**Computing.** A full run of the lesson takes {measured} on a quiet 2-core CPU (`{timings_path}`); "
            "the walk-through's minutes include it. Run all of your instructor copy during the lecture, so its "
            "figures are there when the class reaches them.",
            "",
        ]
        if notes.pauses:
            lines += ["**Where to pause** (before running the section).", ""]
            lines += [f"{i}. **At *{p.at}*.** {p.prompt}" for i, p in enumerate(notes.pauses, 1)] + [""]
        lines += ["**Exercises.**", ""] + _exercises_markdown(k, notes, run_dir)
        if notes.questions:
            lines += [f"**Discussion ({notes.discussion_min} min).**", ""]
            lines += [f"{i}. {q}" for i, q in enumerate(notes.questions, 1)]
    return "\n".join(lines).rstrip() + "\n"


def write_kit(out, lessons: list[KitLesson], *, timings=None, run_dir=None, repo=None, clock=None) -> dict:
    """Draw each lesson's diagram into ``out/diagrams/`` and write ``out/AGENDA.md``.

    Returns:
        ``{"agenda": path, "diagrams": [paths], "plan": [Block, ...]}``.
    """
    out = Path(out)
    clock = clock if clock is not None else plan_clock()
    times = runtimes.load_times(timings) if timings is not None and Path(timings).is_file() else {}
    drawn, relative = [], {}
    for k in lessons:
        notes = NOTES.get(k.name, DEFAULT_NOTES)
        if notes.diagram is not None:
            drawn.append(diagrams.draw(notes.diagram, out / "diagrams" / f"{k.name}.png"))
            relative[k.name] = f"diagrams/{k.name}.png"
    blocks = [(k.name, lesson_blocks(k, NOTES.get(k.name, DEFAULT_NOTES), _seconds(times, k.name))) for k in lessons]
    plan = day_plan(blocks, clock=clock)
    shown = Path(timings).as_posix() if timings is not None else "results/lesson_times.json (not found)"
    text = agenda_markdown(
        lessons, plan, times=times, timings_path=shown, run_dir=run_dir, repo=repo, diagram_paths=relative
    )
    agenda = out / "AGENDA.md"
    agenda.write_text(text)
    return {"agenda": agenda, "diagrams": drawn, "plan": plan}
