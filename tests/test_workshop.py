"""The workshop edition: exercises in every lesson, student notebooks without answers that stop
at the first exercise, instructor notebooks that are the lessons, and links that open the student
copies as published in a repository (the instructor's kit: tests/test_instructor_kit.py)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tslearnkit.course import cli, publishing, workshop

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


REPO = publishing.Repo("myschool", "dml-course", "spring-2027")
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^\s)\"'|]+")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("workshop")
    written = workshop.build_workshop(
        out,
        NOTEBOOKS,
        cli.LESSONS,
        timings=ROOT / "results" / "timing" / "lesson_times.json",
        repo="myschool/dml-course@spring-2027",
        published_at="workshop",
    )
    return out, written


def _read(path):
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(path, as_version=4)


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
    assert written["agenda"] == [out / "AGENDA.md"] and written["links"] == [out / "student" / "README.md"]
    assert written["executed"] == [], "no run given: no instructor copy has outputs"


@pytest.mark.parametrize("name", cli.LESSONS)
def test_no_solution_code_reaches_a_student_notebook(built, name):
    out, _ = built
    student = _read(out / "student" / f"{name}.ipynb")
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
    code = [c for c in student.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "an output can show an answer"


def test_no_answer_reaches_any_file_of_the_student_folder(built):
    """Every file a student is given (notebooks, sources and outputs, and the links page), searched
    for every answer block of every lesson."""
    out, _ = built
    squeeze = lambda source: "".join(source.split())  # noqa: E731  (whitespace-free, to find a whole block)
    given = {}
    for path in (out / "student").iterdir():
        if path.suffix == ".ipynb":
            cells = _read(path).cells
            given[path.name] = squeeze("".join(c.source + str(c.get("outputs", "")) for c in cells))
        else:
            given[path.name] = squeeze(path.read_text())
    assert set(given) == {f"{name}.ipynb" for name in cli.LESSONS} | {"README.md"}
    for name in cli.LESSONS:
        for block in _solution_blocks(_lesson(name)):
            leaked = [file for file, text in given.items() if squeeze(block) in text]
            assert not leaked, f"an answer of {name} is in {leaked}"


@pytest.mark.parametrize("name", cli.LESSONS)
def test_instructor_notebook_is_the_lesson_without_marker_lines(built, name):
    out, _ = built
    instructor = _read(out / "instructor" / f"{name}.ipynb")
    lesson = publishing.publish(_lesson(name), REPO, f"workshop/student/{name}.ipynb")  # its links, checked below
    assert len(instructor.cells) == len(lesson.cells)
    for mine, theirs in zip(instructor.cells, lesson.cells):
        expected = "\n".join(
            line for line in theirs.source.splitlines() if line.strip() not in (workshop.BEGIN, workshop.END)
        )
        assert mine.source == expected


def _links(out):
    """``{file: [colab links]}`` of every file the workshop wrote, notebooks, links page and agenda."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.suffix in (".ipynb", ".md"):
            found[path.relative_to(out).as_posix()] = COLAB_LINK.findall(path.read_text())
    return found


def test_every_colab_link_opens_a_student_copy_of_the_published_repository(built):
    out, _ = built
    links = _links(out)
    students = {f"{name}.ipynb": REPO.colab_url(f"workshop/student/{name}.ipynb") for name in cli.LESSONS}
    for name in cli.LESSONS:  # each copy's badge opens its own lesson's student copy
        for kind in ("student", "instructor"):
            assert links[f"{kind}/{name}.ipynb"] == [students[f"{name}.ipynb"]], (
                f"{kind}/{name}: {links[f'{kind}/{name}.ipynb']}"
            )
    assert sorted(links["student/README.md"]) == sorted(students.values())
    assert sorted(links["AGENDA.md"]) == sorted(2 * list(students.values())), "the links table and each lesson's notes"
    for url in (u for found in links.values() for u in found):
        assert url.startswith(f"{publishing.COLAB}/myschool/dml-course/blob/spring-2027/workshop/student/"), url
        assert (out / "student" / url.rsplit("/", 1)[1]).is_file(), f"{url} names no student copy"
        assert "/notebooks/" not in url, f"{url} opens the copy with the answers"


@pytest.mark.parametrize("kind", ["student", "instructor"])
def test_the_install_cell_installs_the_kit_from_the_published_repository(built, kind):
    out, _ = built
    for name in cli.LESSONS:
        lesson = next(c.source for c in _lesson(name).cells if publishing.KIT_LINE.search(c.source))
        mine = [c.source for c in _read(out / kind / f"{name}.ipynb").cells if publishing.KIT_LINE.search(c.source)]
        assert len(mine) == 1
        assert publishing.KIT_LINE.search(mine[0])["url"] == "git+https://github.com/myschool/dml-course@spring-2027"
        rest = publishing.KIT_LINE.sub("kit = ...", mine[0])
        assert rest == publishing.KIT_LINE.sub("kit = ...", lesson), "the rest of the install cell stays the lesson's"
        assert "--format=freeze" in rest and '"-c"' in rest, "Colab's own versions stay the constraints"


def test_without_a_repository_no_copy_has_a_colab_link(tmp_path):
    lessons = list(cli.LESSONS[:2])
    written = workshop.build_workshop(
        tmp_path, NOTEBOOKS, lessons, timings=ROOT / "results" / "timing" / "lesson_times.json"
    )
    assert written["links"] == []
    for path in written["student"] + written["instructor"]:
        notebook = _read(path)
        assert "colab.research.google.com/github" not in "".join(c.source for c in notebook.cells), path
        first = next(c.source for c in notebook.cells if c.cell_type == "markdown")
        assert first.startswith("# Lesson") and "\n\n\n" not in first, "the badge's line goes, not the text around it"
        install = next(c.source for c in notebook.cells if publishing.KIT_LINE.search(c.source))
        assert install == next(c.source for c in _lesson(path.stem).cells if publishing.KIT_LINE.search(c.source))
    assert "NOT executed" in (tmp_path / "AGENDA.md").read_text()


def test_only_the_student_folder_would_be_committed(built, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    out, _ = built
    shutil.copytree(out, tmp_path / "workshop")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    added = subprocess.run(
        ["git", "-C", str(tmp_path), "add", "--dry-run", "."], capture_output=True, text=True, check=True
    ).stdout
    files = sorted(re.findall(r"^add '(.+)'$", added, flags=re.M))
    expected = ["workshop/.gitignore", "workshop/student/README.md"]
    expected += [f"workshop/student/{name}.ipynb" for name in cli.LESSONS]
    assert files == sorted(expected)


def test_a_rebuild_writes_the_same_bytes(tmp_path):
    name = cli.LESSONS[2]
    for folder in ("a", "b"):
        notebook = workshop.read_lesson(NOTEBOOKS / f"{name}.py")
        published = publishing.publish(workshop.student_notebook(notebook), REPO, f"w/student/{name}.ipynb")
        workshop._write(published, tmp_path / folder / f"{name}.ipynb")
    assert (tmp_path / "a" / f"{name}.ipynb").read_bytes() == (tmp_path / "b" / f"{name}.ipynb").read_bytes()


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("myschool/dml-course", publishing.Repo("myschool", "dml-course", "main")),
        ("my-school/tslearnkit.git@spring-2027", publishing.Repo("my-school", "tslearnkit", "spring-2027")),
        ("a/b@feature/workshop-1", publishing.Repo("a", "b", "feature/workshop-1")),
    ],
)
def test_a_repository_is_owner_name_and_branch(spec, expected):
    repo = publishing.parse_repo(spec)
    assert repo == expected
    assert repo.pip_url == f"git+https://github.com/{expected.owner}/{expected.name}@{expected.branch}"
    assert repo.colab_url("w/student/x.ipynb") == (
        f"https://colab.research.google.com/github/{expected.owner}/{expected.name}/blob/{expected.branch}/w/student/x.ipynb"
    )


@pytest.mark.parametrize(
    "spec", ["dml-course", "https://github.com/a/b", "a/b@", "a/b@-x", "a/b@x..y", "-a/b", "a/b c"]
)
def test_a_repository_that_is_not_owner_name_is_refused(spec):
    with pytest.raises(ValueError, match="OWNER/NAME|branch"):
        publishing.parse_repo(spec)


def test_where_the_copies_sit_in_the_repository(tmp_path):
    (tmp_path / "clone" / ".git").mkdir(parents=True)
    assert publishing.published_folder(tmp_path / "clone" / "workshop") == "workshop"
    assert publishing.published_folder(tmp_path / "clone") == ""
    assert publishing.student_path("", "03_x") == "student/03_x.ipynb"
    assert publishing.student_path("./w/spring/", "03_x") == "w/spring/student/03_x.ipynb"
    with pytest.raises(ValueError, match="published_at"):
        publishing.published_folder(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="published_at"):
        workshop.build_workshop(tmp_path / "elsewhere", NOTEBOOKS, cli.LESSONS[:1], repo="a/b")


def test_a_lesson_whose_badge_or_install_cell_changed_shape_is_refused():
    lesson = _lesson(cli.LESSONS[0])
    lesson.cells[0].source = lesson.cells[0].source.replace("colab-badge.svg", "badge.svg")
    with pytest.raises(ValueError, match="one Colab badge"):
        publishing.publish(lesson, REPO, "w/student/x.ipynb")
    lesson = _lesson(cli.LESSONS[0])
    for cell in lesson.cells:
        cell.source = cell.source.replace('kit = "git+', 'package = "git+')
    with pytest.raises(ValueError, match="install cell"):
        publishing.publish(lesson, REPO, "w/student/x.ipynb")


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
