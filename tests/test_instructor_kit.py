"""The instructor's kit of `tslearnkit workshop`: the timed day plan from measured run times, each
lesson's notes and diagram, the expected outputs of the exercises, and the instructor copies
executed from a run — checked on the committed lessons and a tiny fake run, without training."""

import contextlib
import io
import math
import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tslearnkit.course import cli, dayplan, diagrams, instructor, lesson_notes, publishing, runs, runtimes, workshop

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMES = ROOT / "results" / "timing" / "lesson_times.json"
TYPED_METRIC = re.compile(r"\d\.\d{3}|±")  # as tests/test_notebooks.py: a result typed into prose
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("jupytext")


def _lesson(name):
    return workshop.read_lesson(NOTEBOOKS / f"{name}.py")


def _kit_lesson(name):
    return instructor.KitLesson(name, _lesson(name), None, f"instructor/{name}.ipynb", None)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit")
    written = workshop.build_workshop(out, NOTEBOOKS, cli.LESSONS, timings=TIMES, start="08:30", lunch="12:15")
    return out, written, (out / "AGENDA.md").read_text()


# --- the notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", cli.LESSONS)
def test_every_lesson_has_notes_that_point_at_its_own_sections_and_exercises(name):
    notes = lesson_notes.NOTES[name]
    notebook = _lesson(name)
    assert set(notes.exercise_min) == {e.number for e in workshop.exercises(notebook)}
    assert notes.diagram in diagrams.DIAGRAMS
    assert len(notes.pauses) >= 2 and len(notes.questions) >= 2
    places = [dayplan.heading_index(notebook, pause.at) for pause in notes.pauses]
    assert None not in places, f"{name}: a pause names no section heading: {[p.at for p in notes.pauses]}"
    assert places == sorted(places), f"{name}: pauses out of lesson order"
    text = " ".join([notes.key_idea, *(p.prompt for p in notes.pauses), *notes.questions])
    assert not TYPED_METRIC.search(text), f"{name}: a note states a result; a lesson prints those from its run"


def test_no_two_lessons_share_a_diagram():
    named = [lesson_notes.NOTES[name].diagram for name in cli.LESSONS]
    assert len(set(named)) == len(named)
    assert {"triplet_margin", "pk_batch", "open_set_split", "latent_2d"} <= set(named)


# --- the diagrams --------------------------------------------------------------------------------


def test_every_lesson_gets_its_diagram_as_a_readable_png(kit):
    out, written, agenda = kit
    from matplotlib.image import imread

    assert [p.name for p in written["diagrams"]] == [f"{name}.png" for name in cli.LESSONS]
    for path in written["diagrams"]:
        image = imread(path)
        height, width = image.shape[:2]
        assert width >= 1200 and 0.3 < height / width < 0.7, f"{path.name}: {width}×{height}"
        ink = (image[..., :3] < 0.9).any(axis=-1).mean()
        assert 0.03 < ink < 0.6, f"{path.name}: {ink:.0%} of the pixels drawn"
        assert f"]({path.relative_to(out).as_posix()})" in agenda, f"{path.name} is not shown in the agenda"


def test_a_diagram_draws_the_same_picture_twice(tmp_path):
    first = diagrams.draw("pk_batch", tmp_path / "a.png").read_bytes()
    assert diagrams.draw("pk_batch", tmp_path / "b.png").read_bytes() == first
    with pytest.raises(ValueError, match="unknown diagram"):
        diagrams.draw("nope", tmp_path / "c.png")


# --- the day plan --------------------------------------------------------------------------------


def test_a_lessons_walk_through_holds_its_measured_run_time():
    kit = _kit_lesson("04_triplet_semihard")
    notes = lesson_notes.NOTES[kit.name]
    seconds = runtimes.load_times(TIMES)[kit.name]["full"]

    def walking(seconds):
        return sum(
            m for kind, m, _ in dayplan.lesson_blocks(kit.name, kit.notebook, notes, seconds) if kind == "walk-through"
        )

    needed = notes.walkthrough_min + math.ceil(seconds / 60)
    assert needed <= walking(seconds) < needed + 5 or walking(seconds) == 5 * (len(notes.exercise_min) + 1)
    assert walking(20 * 60) >= notes.walkthrough_min + 20, "a lesson that computes 20 minutes gets them"
    assert walking(None) >= notes.walkthrough_min + math.ceil(runtimes.TARGET_S / 60), "unmeasured: the target"


def test_a_lesson_is_a_lecture_walk_throughs_cut_at_each_exercise_and_a_discussion():
    kit = _kit_lesson("03_triplet_all")
    notes = lesson_notes.NOTES[kit.name]
    blocks = dayplan.lesson_blocks(kit.name, kit.notebook, notes, 25.0)
    kinds = [kind for kind, _, _ in blocks]
    assert kinds[0] == "lecture" and kinds[-1] == "discussion"
    exercises = [text for kind, _, text in blocks if kind == "exercise"]
    assert exercises == [f"**{e.number}** {e.title}" for e in workshop.exercises(kit.notebook)]
    assert all(m % 5 == 0 and m > 0 for _, m, _ in blocks), "5-minute steps, no empty block"
    walked = " ".join(text for kind, _, text in blocks if kind == "walk-through")
    for pause in notes.pauses:
        assert f"*{pause.at}*" in walked, f"pause at {pause.at!r} is in no walk-through"


def test_the_day_plan_has_clock_times_breaks_lunch_and_days(kit):
    _, _, agenda = kit
    clock = dayplan.plan_clock(start="08:30", day_end="17:00", lunch="12:15")
    times = runtimes.load_times(TIMES)
    lessons = [(n, dayplan.lesson_blocks(n, _lesson(n), lesson_notes.NOTES[n], times[n]["full"])) for n in cli.LESSONS]
    plan = dayplan.day_plan(lessons, clock=clock)
    days = sorted({b.day for b in plan})
    for day in days:
        blocks = [b for b in plan if b.day == day]
        assert blocks[0].start == clock["start"] and blocks[0].kind == "lecture"
        assert all(a.end == b.start for a, b in pairwise(blocks)), "no gaps, no overlaps"
        assert blocks[-1].end <= clock["day_end"]
        lunches = [b for b in blocks if b.kind == "lunch"]
        if blocks[-1].end > clock["lunch"] + 60:
            assert len(lunches) == 1 and abs(lunches[0].start - clock["lunch"]) <= 60
    for a, b in pairwise(plan):  # breaks and lunch only between two lessons
        if b.kind in ("break", "lunch"):
            assert a.kind == "discussion"
    longest, taught = max(sum(m for _, m, _ in blocks) for _, blocks in lessons), 0
    for block in plan:  # a pause comes before the next lesson once an hour (break_after) was taught
        taught = 0 if block.kind in ("break", "lunch") or block.start == clock["start"] else taught + block.minutes
        assert taught <= 60 + longest
    assert [b.lesson for b in plan if b.kind == "lecture"] == list(cli.LESSONS)
    for block in plan:  # the agenda shows every block at its clock time
        assert (
            f"| {dayplan.clock_text(block.start)}–{dayplan.clock_text(block.end)} | {block.kind} | {block.text} |"
            in agenda
        )
    assert f"over {len(days)} day" in agenda


@pytest.mark.parametrize(
    "start, day_end, lunch", [("9am", "17:00", "12:30"), ("09:00", "10:00", "09:30"), ("09:00", "17:00", "18:00")]
)
def test_a_clock_that_makes_no_day_is_refused(start, day_end, lunch):
    with pytest.raises(ValueError, match="HH:MM|shorter than two hours|not between"):
        dayplan.plan_clock(start=start, day_end=day_end, lunch=lunch)


def test_days_fits_the_plan_by_cutting_the_talking_and_never_the_computing(tmp_path):
    times = runtimes.load_times(TIMES)

    def make_blocks(scale):
        return [
            (
                n,
                dayplan.lesson_blocks(
                    n, _lesson(n), dayplan.scaled_notes(lesson_notes.NOTES[n], scale), times[n]["full"]
                ),
            )
            for n in cli.LESSONS
        ]

    free, scale = dayplan.fitted_plan(make_blocks, clock=dayplan.plan_clock())
    assert scale == 1.0
    assert max(b.day for b in free) > 1, "the notes' minutes take more than a day: otherwise this test proves nothing"
    plan, scale = dayplan.fitted_plan(make_blocks, clock=dayplan.plan_clock(days=1))
    assert {b.day for b in plan} == {1} and plan[-1].end <= dayplan.plan_clock()["day_end"]
    assert dayplan.SHORTEST_SCALE <= scale < 1.0
    loose, _ = dayplan.fitted_plan(make_blocks, clock=dayplan.plan_clock(days=max(b.day for b in free)))
    assert loose == free, "a plan that already fits is not cut"
    for name in cli.LESSONS:  # each walk-through still holds the lesson's computing minutes
        walks = sum(b.minutes for b in plan if b.lesson == name and b.kind == "walk-through")
        assert walks >= math.ceil(times[name]["full"] / 60)
    assert all(b.minutes >= 5 for b in plan)
    with pytest.raises(ValueError, match="do not fit in 1 day.*--day-end"):
        dayplan.fitted_plan(make_blocks, clock=dayplan.plan_clock(day_end="11:00", lunch="10:00", days=1))
    with pytest.raises(ValueError, match="do not fit in 5 day"):  # within the days, but past the day's end
        longer_than_a_day = lambda scale: [("x", [("lecture", 200, "a lesson longer than the day")])]  # noqa: E731
        dayplan.fitted_plan(longer_than_a_day, clock=dayplan.plan_clock(day_end="11:00", lunch="10:00", days=5))
    with pytest.raises(ValueError, match="do not fit"):  # refused before anything is written
        workshop.build_workshop(
            tmp_path / "small", NOTEBOOKS, cli.LESSONS, timings=TIMES, day_end="11:00", lunch="10:00", days=1
        )
    assert not (tmp_path / "small").exists()
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="days must be a whole number"):
            dayplan.plan_clock(days=bad)
    written = workshop.build_workshop(tmp_path, NOTEBOOKS, cli.LESSONS, timings=TIMES, days=1)
    agenda = written["agenda"][0].read_text()
    assert "over 1 day;" in agenda and "## Day 2" not in agenda and f"keep {scale:.0%} of the notes' minutes" in agenda


# --- the agenda without a run --------------------------------------------------------------------


def test_the_agenda_says_the_instructor_copies_are_not_executed_without_a_run(kit):
    out, written, agenda = kit
    assert "**Instructor notebooks (`instructor/`): NOT executed**" in agenda
    assert "--from runs/latest" in agenda
    for path in written["instructor"]:
        assert not any(c.get("outputs") for c in nbformat.read(path, as_version=4).cells)
    times = runtimes.load_times(TIMES)
    for name in cli.LESSONS:
        assert f"takes {times[name]['full']:.0f} s on a quiet 2-core CPU" in agenda, "the run time of results/"
        assert lesson_notes.NOTES[name].key_idea in agenda


@pytest.mark.parametrize("name", cli.LESSONS)
def test_without_a_run_each_exercise_shows_its_checks_success_line_from_its_code(kit, name):
    _, _, agenda = kit
    messages = runs.check_messages(_lesson(name))
    for exercise in workshop.exercises(_lesson(name)):
        assert len(messages[exercise.number]) == 1 and messages[exercise.number][0].startswith("✓ ")
        assert f"  {messages[exercise.number][0]}" in agenda


def test_a_success_line_read_from_the_code_is_what_the_check_prints():
    """Exercise 3.1's check run with a right answer (counted by brute force) prints a line of the
    form the kit read from the check's code; 6.1's (no values) prints it word for word."""
    from tslearnkit.course.exercises import lesson03, lesson06

    labels = np.repeat(np.arange(4), 3)
    count = sum(
        1
        for a in range(12)
        for p in range(12)
        for n in range(12)
        if a != p and labels[a] == labels[p] and labels[n] != labels[a]
    )
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        lesson03.check_valid_triplets(count, labels)
    template = runs.check_messages(_lesson("03_triplet_all"))["3.1"][0]
    pattern = "".join(".+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]*\})", template))
    assert re.fullmatch(pattern, printed.getvalue().strip()), (template, printed.getvalue())

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        lesson06.check_positive_index(lambda n: np.concatenate([np.arange(n, 2 * n), np.arange(n)]))
    assert printed.getvalue().strip() == runs.check_messages(_lesson("06_contrastive_clustering"))["6.1"][0]


# --- the agenda from a run -----------------------------------------------------------------------

SMALL = [
    "01_data_visualization",
    "02_baseline_crossentropy",
    "03_triplet_all",
    "04_triplet_semihard",
    "05_triplet_augmentation",
]


def _fake_run(folder: Path, name: str, *, seed=0, quick=True, error=False, edit=False) -> Path:
    """``name`` as `tslearnkit run` would leave it executed: papermill's parameters cell, an execution
    count and an output in every code cell, and each check printing a line naming its exercise."""
    notebook = _lesson(name)
    numbers = workshop.exercise_of_each_cell(notebook)
    count = 0
    for cell, number in zip(notebook.cells, numbers):
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        if "check" in cell.metadata.get("tags", []):
            text = f"✓ fake run: exercise {number} is right\n"
        else:
            text = f"output of cell {count}\n"
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if error:
        code[5].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])]
    if edit:
        code[-1].source += "\nprint('an edit made after the run')"
    injected = nbformat.v4.new_code_cell(f'# Parameters\nseed = {seed}\nquick = {quick}\nresults_dir = "/x/results"\n')
    injected.metadata["tags"] = ["injected-parameters"]
    injected.execution_count = 0
    at = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    notebook.cells.insert(at, injected)
    path = folder / "notebooks" / f"{name}__seed{seed}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


@pytest.fixture(scope="module")
def from_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    _fake_run(run, SMALL[0])  # a clean quick run
    _fake_run(run, SMALL[1], error=True)  # stopped with an error
    _fake_run(run, SMALL[2], edit=True)  # the lesson changed since
    _fake_run(run, SMALL[3], seed=3)
    _fake_run(run, SMALL[3], seed=1)  # the lowest seed is the one taken
    # SMALL[4]: not in the run at all
    out = tmp_path_factory.mktemp("kit-from-run")
    written = workshop.build_workshop(out, NOTEBOOKS, SMALL, timings=TIMES, run_dir=run)
    return run, out, written, (out / "AGENDA.md").read_text()


def test_only_a_clean_run_of_the_current_lesson_executes_its_instructor_copy(from_run):
    run, out, written, agenda = from_run
    assert written["executed"] == [out / "instructor" / f"{SMALL[0]}.ipynb", out / "instructor" / f"{SMALL[3]}.ipynb"]
    assert "2 of 5 executed" in agenda
    assert f"{SMALL[1]} (the run stopped in cell" in agenda and "ValueError: boom" in agenda
    assert f"{SMALL[2]} (the run executed another version of the lesson (1 code cell(s) differ)" in agenda
    assert f"{SMALL[4]} (the run has no `{SMALL[4]}__seed*.ipynb`)" in agenda
    assert f"`{SMALL[3]}__seed1.ipynb`" in agenda and f"{SMALL[3]}__seed3" not in agenda
    assert "That run was in quick mode" in agenda


def test_an_executed_instructor_copy_is_the_current_lesson_with_the_runs_outputs(from_run):
    run, out, written, _ = from_run
    mine = nbformat.read(out / "instructor" / f"{SMALL[0]}.ipynb", as_version=4)
    ran = nbformat.read(run / "notebooks" / f"{SMALL[0]}__seed0.ipynb", as_version=4)
    expected = workshop.instructor_notebook(publishing.publish(ran, None, None))  # no repository: no badge
    assert [c.source for c in mine.cells] == [c.source for c in expected.cells]
    assert [c.get("outputs") for c in mine.cells] == [c.get("outputs") for c in ran.cells]
    tags = [c.metadata.get("tags", []) for c in mine.cells]
    at = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[at + 1], "papermill's parameters stay where papermill put them"
    student = nbformat.read(out / "student" / f"{SMALL[0]}.ipynb", as_version=4)
    assert not any(c.get("outputs") for c in student.cells), "a student copy never carries a run's outputs"
    unexecuted = nbformat.read(out / "instructor" / f"{SMALL[2]}.ipynb", as_version=4)
    assert not any(c.get("outputs") for c in unexecuted.cells), "a stale run's outputs are not carried over"


def test_expected_outputs_come_from_the_run_where_it_is_used_and_from_the_code_elsewhere(from_run):
    _, _, _, agenda = from_run
    for name in (SMALL[0], SMALL[3]):
        for exercise in workshop.exercises(_lesson(name)):
            assert f"✓ fake run: exercise {exercise.number} is right" in agenda
    for name in (SMALL[1], SMALL[2], SMALL[4]):
        for exercise in workshop.exercises(_lesson(name)):
            assert f"exercise {exercise.number} is right" not in agenda
            assert runs.check_messages(_lesson(name))[exercise.number][0] in agenda


def test_a_run_folder_without_notebooks_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no notebooks/ folder"):
        runs.executed_lesson(tmp_path, SMALL[0], _lesson(SMALL[0]))


def test_a_run_of_the_published_instructor_copies_counts_as_a_run_of_the_lesson(tmp_path):
    """`tslearnkit run --notebooks OUT/instructor` executes the copies (markers gone, the kit's install
    URL rewritten): their outputs are the lesson's all the same."""
    name = SMALL[0]
    path = _fake_run(tmp_path, name)
    ran = nbformat.read(str(path), as_version=4)
    repo = publishing.parse_repo("me/course@dev")
    nbformat.write(workshop.instructor_notebook(publishing.publish(ran, repo, "w/x.ipynb")), str(path))
    executed = runs.executed_lesson(tmp_path, name, _lesson(name))
    assert executed.notebook is not None, executed.reason
    assert executed.parameters == {"seed": 0, "quick": True, "results_dir": "/x/results"}
    assert executed.describe() == "seed 0, quick mode"
