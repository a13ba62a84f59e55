"""The workshop edition: exercises in every lesson, student notebooks without answers that stop
at the first exercise, instructor notebooks that are the lessons, and an agenda."""

import re
from pathlib import Path

import pytest

from tslearnkit.course import cli, workshop

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
jupytext = pytest.importorskip("jupytext")


def _lesson(name):
    return jupytext.read(NOTEBOOKS / f"{name}.py")


def _solution_lines(notebook):
    """The answer lines of every solution block (code, not comments or blanks)."""
    return [
        line.strip()
        for block in _solution_blocks(notebook)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _solution_blocks(notebook):
    """The text of every answer block (between the markers)."""
    blocks = []
    for cell in notebook.cells:
        if workshop.SOLUTION_TAG in cell.metadata.get("tags", []):
            for part in cell.source.split(workshop.BEGIN)[1:]:
                blocks.append(part.split(workshop.END)[0])
    return blocks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("workshop")
    return out, workshop.build_workshop(out, NOTEBOOKS, cli.LESSONS, timings=ROOT / "results" / "lesson_times.json")


@pytest.mark.parametrize("name", cli.LESSONS)
def test_every_lesson_has_at_least_three_checked_exercises_one_against_the_package(name):
    notebook = _lesson(name)
    found = workshop.exercises(notebook)  # raises if an exercise lacks its solution or check cell
    assert len(found) >= 3, f"{name} has {len(found)} exercises"
    assert [e.number.split(".")[0] for e in found] == [str(int(name[:2]))] * len(found), "numbered by lesson"
    assert any("tk." in line for line in _solution_lines(notebook)), f"{name}: no exercise uses the package"
    checks = [c.source for c in notebook.cells if workshop.CHECK_TAG in c.metadata.get("tags", [])]
    assert all(f"course.exercises.lesson{name[:2]}.check_" in source for source in checks)


def test_workshop_writes_both_notebooks_of_every_lesson_and_the_agenda(built):
    out, written = built
    assert [p.stem for p in written["student"]] == list(cli.LESSONS) == [p.stem for p in written["instructor"]]
    agenda = (out / "AGENDA.md").read_text()
    for name in cli.LESSONS:
        assert f"`{name}`" in agenda
        for exercise in workshop.exercises(_lesson(name)):
            assert f"**{exercise.number}** {exercise.title}" in agenda
    assert "not measured" not in agenda, "results/lesson_times.json should hold a full-run time for every lesson"


@pytest.mark.parametrize("name", cli.LESSONS)
def test_no_solution_code_reaches_a_student_notebook(built, name):
    nbformat = pytest.importorskip("nbformat")
    out, _ = built
    student = nbformat.read(out / "student" / f"{name}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in student.cells)
    answers = [line for line in _solution_lines(_lesson(name)) if len(line.strip("()[]{},:")) > 3]
    assert answers
    tagged = [c for c in student.cells if workshop.STUDENT_TAG in c.metadata.get("tags", [])]
    in_exercises = "\n".join(c.source for c in tagged).splitlines()
    leaked = [line for line in answers if any(line == s.strip() for s in in_exercises)]
    assert not leaked, f"answer lines in the exercise cells of {name}'s student notebook: {leaked}"
    squeeze = lambda source: "".join(source.split())  # noqa: E731  (whitespace-free, to find a whole block)
    for block in _solution_blocks(_lesson(name)):
        assert squeeze(block) not in squeeze(text), f"a whole answer of {name} reaches its student notebook"
    assert workshop.BEGIN not in text and workshop.END not in text
    assert len(tagged) >= 3 and all("raise course.exercises.YourTurn(" in c.source for c in tagged)
    assert not any(workshop.SOLUTION_TAG in c.metadata.get("tags", []) for c in student.cells)


@pytest.mark.parametrize("name", cli.LESSONS)
def test_instructor_notebook_is_the_lesson_without_marker_lines(built, name):
    nbformat = pytest.importorskip("nbformat")
    out, _ = built
    instructor = nbformat.read(out / "instructor" / f"{name}.ipynb", as_version=4)
    lesson = _lesson(name)
    assert len(instructor.cells) == len(lesson.cells)
    for mine, theirs in zip(instructor.cells, lesson.cells):
        expected = "\n".join(
            line for line in theirs.source.splitlines() if line.strip() not in (workshop.BEGIN, workshop.END)
        )
        assert mine.source == expected


def test_a_solution_cell_outside_an_exercise_is_refused():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    cell.metadata["tags"] = ["solution"]
    notebook.cells = [cell]
    with pytest.raises(ValueError, match="before any '### Exercise' heading"):
        workshop.student_notebook(notebook)
    heading = nbformat.v4.new_markdown_cell("### Exercise 9.1 — x\n*Practises: y*")
    notebook.cells = [heading, cell]
    with pytest.raises(ValueError, match="Exercise 9.1 needs a 'solution' cell and a 'check' cell"):
        workshop.exercises(notebook)


def test_the_placeholder_keeps_a_functions_signature_and_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    assert workshop._replace_solutions(source, "3.2").splitlines() == [
        "def f(x):",
        '    raise course.exercises.YourTurn("3.2")  # replace this line with your answer',
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", cli.LESSONS)
def test_every_student_notebook_runs_until_its_first_exercise_and_stops_there(built, name, tmp_path):
    papermill = pytest.importorskip("papermill")
    nbformat = pytest.importorskip("nbformat")
    out, _ = built
    executed = tmp_path / f"{name}.ipynb"
    params = {"quick": True, "results_dir": str(tmp_path / "results"), "figures_dir": str(tmp_path / "figures")}
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(
            str(out / "student" / f"{name}.ipynb"),
            str(executed),
            parameters=params,
            cwd=str(NOTEBOOKS),
            kernel_name="python3",
            progress_bar=False,
        )
    assert error.value.ename == "YourTurn", f"{name} stopped at {error.value.ename}: {error.value.evalue}"
    first = workshop.exercises(_lesson(name))[0].number
    assert f"Exercise {first} is your turn" in error.value.evalue
    notebook = nbformat.read(executed, as_version=4)
    failed = [c for c in notebook.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1
    assert set(failed[0].metadata.get("tags", [])) & {workshop.STUDENT_TAG, workshop.CHECK_TAG}
    assert re.search(r"YourTurn", failed[0].outputs[-1]["ename"])
