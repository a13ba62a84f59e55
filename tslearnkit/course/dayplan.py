"""The workshop's timed day plan: each lesson cut into blocks (lecture, walk-through to each exercise,
exercise, discussion) and laid out on a clock with breaks, lunch and as many days as it takes.

Block minutes come from the lesson notes (:mod:`tslearnkit.course.lesson_notes`) and, for the
computing inside each walk-through, from the lesson's measured full run
(``results/timing/lesson_times.json``, :mod:`tslearnkit.course.runtimes`); everything is in 5-minute steps.
"""

from __future__ import annotations

import dataclasses
import math
import re

from . import runtimes, workshop
from .lesson_notes import LessonNotes

SHORTEST_SCALE = 0.3
"""The most :func:`fitted_plan` cuts the lesson notes' talking minutes: to this share."""

__all__ = [
    "Block",
    "EXERCISE_MIN",
    "plan_clock",
    "clock_text",
    "heading_index",
    "lesson_blocks",
    "day_plan",
    "scaled_notes",
    "fitted_plan",
]

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
EXERCISE_MIN = 10
"""Minutes for an exercise the notes give none."""


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


def clock_text(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def plan_clock(
    *, start: str = "09:00", day_end: str = "17:00", lunch: str = "12:30", days: int | None = None
) -> dict[str, int | None]:
    """The plan's clock times in minutes after midnight, and ``days``: the days the plan must fit in
    (``None``: as many as it takes).

    Raises:
        ValueError: not ``HH:MM``, a day that ends before it starts or a lunch outside it, or
            ``days`` not a whole number >= 1.
    """
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        raise ValueError(f"days must be a whole number >= 1 (or None: as many as it takes); got {days!r}")
    clock = {"start": _minutes_of(start, "start"), "day_end": _minutes_of(day_end, "day_end"), "days": days}
    clock["lunch"] = _minutes_of(lunch, "lunch")
    if clock["day_end"] - clock["start"] < 120:
        raise ValueError(f"a day from {start} to {day_end} is shorter than two hours")
    if not clock["start"] < clock["lunch"] < clock["day_end"]:
        raise ValueError(f"lunch at {lunch} is not between {start} and {day_end}")
    return clock


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
        elif starts and workshop.CHECK_TAG in cell.get("metadata", {}).get("tags", []) and number is not None:
            ends[-1] = i
    return starts, ends


def heading_index(notebook, heading: str) -> int | None:
    pattern = re.compile(rf"^##+ {re.escape(heading)}\s*$", re.M)
    return next(
        (i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown" and pattern.search(c.source)), None
    )


def lesson_blocks(name: str, notebook, notes: LessonNotes, seconds: float | None) -> list[tuple[str, int, str]]:
    """A lesson's blocks in order, ``(kind, minutes, what)``: the lecture, the walk-through cut at
    each exercise (its computing time included), the exercises, and the discussion."""
    found = workshop.exercises(notebook)
    starts, ends = _stops(notebook)
    bounds = [-1, *ends]  # walk i runs from the end of exercise i-1 to the start of exercise i
    code = [c.cell_type == "code" for c in notebook.cells]
    walks = [(bounds[i] + 1, starts[i]) for i in range(len(found))] + [(bounds[-1] + 1, len(code))]
    weights = [max(sum(code[a:b]), 1) for a, b in walks]
    computing = math.ceil((seconds if seconds is not None else runtimes.TARGET_S) / 60)
    pauses = [[] for _ in walks]
    for pause in notes.pauses:
        at = heading_index(notebook, pause.at)
        where = next((i for i, (a, b) in enumerate(walks) if at is not None and at < b), len(walks) - 1)
        pauses[where].append(f"*{pause.at}*")
    # Each stretch with code to run or a pause gets 5 minutes at least; the rest goes by code cells.
    floor = [5 if any(code[a:b]) or pauses[i] else 0 for i, (a, b) in enumerate(walks)]
    total = max(5 * math.ceil((notes.walkthrough_min + computing) / 5), sum(floor))
    minutes = [f + m for f, m in zip(floor, _split_fives(total - sum(floor), weights))]
    number = int(name[:2]) if name[:2].isdigit() else name
    label = f"Lesson {number}"
    blocks = [
        (
            "lecture",
            notes.lecture_min,
            f"**{workshop.title(notebook)}** — the key idea" + (", with the diagram" if notes.diagram else ""),
        )
    ]
    for i, exercise in enumerate(found):
        where = "from the top" if i == 0 else f"on from Exercise {found[i - 1].number}"
        text = f"{label}: run the notebook together {where} to Exercise {exercise.number}"
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
    tail = f"{label}: the rest of the notebook, to *What this run shows* and the Summary"
    if pauses[-1]:
        tail += "; pause at " + ", ".join(pauses[-1])
    if minutes[-1]:
        blocks.append(("walk-through", minutes[-1], tail))
    blocks.append(("discussion", notes.discussion_min, f"{label}: the discussion questions"))
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


def scaled_notes(notes: LessonNotes, scale: float) -> LessonNotes:
    """``notes`` with every talking minute the notes give (lecture, walk-through, discussion,
    exercises) times ``scale``, rounded to 5-minute steps and never below 5 (so a 5-minute block is
    never cut); the computing time is not scaled, nor :data:`EXERCISE_MIN` for an exercise the notes
    give no minutes."""

    def cut(minutes: int) -> int:
        return max(5, 5 * round(minutes * scale / 5))

    return dataclasses.replace(
        notes,
        lecture_min=cut(notes.lecture_min),
        walkthrough_min=cut(notes.walkthrough_min),
        discussion_min=cut(notes.discussion_min),
        exercise_min={number: cut(m) for number, m in notes.exercise_min.items()},
    )


def fitted_plan(make_blocks, *, clock: dict) -> tuple[list[Block], float]:
    """The day plan, with talking minutes cut in 5 % steps until it fits in ``clock["days"]``.

    Args:
        make_blocks: ``scale -> [(name, blocks)]``, the lessons' blocks from notes scaled by
            :func:`scaled_notes`.
        clock: :func:`plan_clock`'s minutes and days.

    Returns:
        ``(plan, scale)``: the blocks on the clock and the share of the notes' minutes they keep.

    Raises:
        ValueError: the lessons do not fit in ``days`` even at :data:`SHORTEST_SCALE`.
    """
    days = clock.get("days")
    scales = [1.0] if days is None else [round(1 - 0.05 * i, 2) for i in range(round((1 - SHORTEST_SCALE) / 0.05) + 1)]
    for scale in scales:
        plan = day_plan(make_blocks(scale), clock=clock)
        if days is None:
            return plan, scale
        if max(b.day for b in plan) <= days and all(b.end <= clock["day_end"] for b in plan):
            return plan, scale
    raise ValueError(
        f"the lessons do not fit in {days} day(s) from {clock_text(clock['start'])} to "
        f"{clock_text(clock['day_end'])}, even with the talking cut to {SHORTEST_SCALE:.0%} of the lesson notes' "
        "minutes: allow more days, or a longer day (--start, --day-end)"
    )
