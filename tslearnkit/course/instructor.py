"""The instructor's kit that ``tslearnkit workshop`` writes beside the student and instructor copies.

``AGENDA.md`` holds a timed day plan and, for every lesson, its key idea, the kit's diagram
(``diagrams/<lesson>.png``), where to pause, the discussion questions and what each exercise's
check prints when the answer is right. Where its numbers come from:

* **run times**: the measured full runs of ``results/timing/lesson_times.json``
  (:mod:`tslearnkit.course.runtimes`, the one source), added to each lesson's walk-through;
* **teaching minutes, key ideas, pauses and questions**: :mod:`tslearnkit.course.lesson_notes`;
* **expected outputs**: what the check cells printed in the executed notebooks of a run
  (``tslearnkit run --out RUN`` / ``bash run.sh`` writes ``RUN/notebooks/<lesson>__seed<N>.ipynb``),
  or, without a run, the success message in the check's own code (its values left in braces).

The day plan is :mod:`tslearnkit.course.dayplan`, the run's notebooks :mod:`tslearnkit.course.runs`,
the diagrams :mod:`tslearnkit.course.diagrams`. Without a usable run the instructor copy has no
outputs, and the agenda says why.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import diagrams, runtimes, workshop
from .dayplan import EXERCISE_MIN, Block, clock_text, fitted_plan, lesson_blocks, plan_clock, scaled_notes
from .lesson_notes import NOTES, LessonNotes
from .runs import Executed, check_messages, expected_outputs

__all__ = ["KitLesson", "DEFAULT_NOTES", "agenda_markdown", "timed_plan", "write_kit", "plan_clock"]

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
"""The notes of a lesson :data:`tslearnkit.course.lesson_notes.NOTES` has none for."""


@dataclasses.dataclass(frozen=True)
class KitLesson:
    """What the kit needs of one lesson (built by :func:`tslearnkit.course.workshop.build_workshop`)."""

    name: str
    notebook: object
    executed: Executed | None
    instructor_path: str
    student_url: str | None


# --- the agenda ----------------------------------------------------------------------------------


def _seconds(times: dict, lesson: str) -> float | None:
    entry = times.get(lesson, {})
    return entry.get("full") if isinstance(entry, dict) else None


def _exercises_markdown(lesson: KitLesson, notes: LessonNotes) -> list[str]:
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
    scale: float = 1.0,
) -> str:
    """The text of ``AGENDA.md``: the plan's days as tables, then each lesson's notes (their talking
    minutes times ``scale``, see :func:`tslearnkit.course.dayplan.fitted_plan`)."""
    days = sorted({b.day for b in plan})
    spans = {d: (min(b.start for b in plan if b.day == d), max(b.end for b in plan if b.day == d)) for d in days}
    clock_line = (
        f"{len(lessons)} lessons over {len(days)} day{'s' if len(days) > 1 else ''}; "
        + "; ".join(f"day {d}: {clock_text(first)}–{clock_text(last)}" for d, (first, last) in spans.items())
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
    if scale != 1.0:
        timing_line += (
            f" To fit the days asked for (`--days`), the talking blocks keep {scale:.0%} of the notes' minutes, "
            "rounded to 5-minute steps and never below 5; the computing time is not cut."
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
            lines.append(f"| {clock_text(block.start)}–{clock_text(block.end)} | {block.kind} | {block.text} |")
    if repo is not None:
        lines += ["", "## Links to hand out", "", "| lesson | student copy in Colab |", "|---|---|"]
        lines += [f"| {workshop.title(k.notebook)} | {k.student_url} |" for k in lessons]
    for k in lessons:
        notes = _notes(k.name, scale)
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
        ready = (
            "Your copy already shows the run's outputs."
            if k.executed is not None and k.executed.notebook is not None
            else "Run all of your instructor copy during the lecture, so its figures are there when the class "
            "reaches them."
        )
        lines += [
            f"**Computing.** A full run of the lesson takes {measured} on a quiet 2-core CPU (`{timings_path}`); "
            f"the walk-through's minutes include it. {ready}",
            "",
        ]
        if notes.pauses:
            lines += ["**Where to pause** (before running the section).", ""]
            lines += [f"{i}. **At *{p.at}*** — {p.prompt}" for i, p in enumerate(notes.pauses, 1)] + [""]
        lines += ["**Exercises.**", ""] + _exercises_markdown(k, notes)
        if notes.questions:
            lines += [f"**Discussion ({notes.discussion_min} min).**", ""]
            lines += [f"{i}. {q}" for i, q in enumerate(notes.questions, 1)]
    return "\n".join(lines).rstrip() + "\n"


def _notes(name: str, scale: float = 1.0) -> LessonNotes:
    notes = NOTES.get(name, DEFAULT_NOTES)
    return notes if scale == 1.0 else scaled_notes(notes, scale)


def _load(timings) -> dict:
    return runtimes.load_times(timings) if timings is not None and Path(timings).is_file() else {}


def timed_plan(lessons, *, timings=None, clock=None) -> tuple[list[Block], float]:
    """The day plan of ``lessons`` (``[(name, notebook)]``) and the share of the notes' talking
    minutes it keeps (:func:`tslearnkit.course.dayplan.fitted_plan`).

    Raises:
        ValueError: the lessons do not fit in ``clock["days"]``.
    """
    clock = clock if clock is not None else plan_clock()
    times = _load(timings)

    def make_blocks(scale):
        return [(n, lesson_blocks(n, nb, _notes(n, scale), _seconds(times, n))) for n, nb in lessons]

    return fitted_plan(make_blocks, clock=clock)


def write_kit(out, lessons: list[KitLesson], *, timings=None, run_dir=None, repo=None, clock=None) -> dict:
    """Draw each lesson's diagram into ``out/diagrams/`` and write ``out/AGENDA.md``.

    Returns:
        ``{"agenda": path, "diagrams": [paths], "plan": [Block, ...]}``.
    """
    out = Path(out)
    plan, scale = timed_plan([(k.name, k.notebook) for k in lessons], timings=timings, clock=clock)
    times = _load(timings)
    drawn, relative = [], {}
    for k in lessons:
        notes = NOTES.get(k.name, DEFAULT_NOTES)
        if notes.diagram is not None:
            drawn.append(diagrams.draw(notes.diagram, out / "diagrams" / f"{k.name}.png"))
            relative[k.name] = f"diagrams/{k.name}.png"
    shown = Path(timings).as_posix() if timings is not None else "results/timing/lesson_times.json (not found)"
    text = agenda_markdown(
        lessons,
        plan,
        times=times,
        timings_path=shown,
        run_dir=run_dir,
        repo=repo,
        diagram_paths=relative,
        scale=scale,
    )
    agenda = out / "AGENDA.md"
    agenda.write_text(text)
    return {"agenda": agenda, "diagrams": drawn, "plan": plan}
