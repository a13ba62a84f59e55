"""The lessons: jupytext pairs in sync, no outputs in git, a proper parameters cell, quick runs
through papermill that write records and figures, and the README table matching the records."""

import ast
import json
import re
from pathlib import Path

import pytest

from tslearnkit.course import cli, readme_sections, results

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
REQUIRED_PARAMETERS = {"dataset", "seed", "epochs", "quick", "results_dir", "figures_dir"}


def _lesson_paths():
    return [NOTEBOOKS / f"{name}.py" for name in cli.LESSONS]


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_ipynb_is_rebuilt_exactly_from_the_py_script(script):
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    notebook_path = script.with_suffix(".ipynb")
    assert notebook_path.is_file(), f"{notebook_path.name} missing: run jupytext --to notebook {script.name}"
    rebuilt = jupytext.reads(script.read_text(), fmt="py:percent")
    committed = nbformat.read(notebook_path, as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in rebuilt.cells], (
        f"{notebook_path.name} differs from {script.name}: run `jupytext --to notebook notebooks/{script.name}`"
    )
    assert [c.cell_type for c in committed.cells] == [c.cell_type for c in rebuilt.cells]
    assert [c.metadata.get("tags") for c in committed.cells] == [c.metadata.get("tags") for c in rebuilt.cells]


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_notebook_has_no_outputs_and_python3_kernel(script):
    nb = json.loads(script.with_suffix(".ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_one_parameters_cell_with_commented_simple_values(script):
    nb = json.loads(script.with_suffix(".ipynb").read_text())
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell must be tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    names = set()
    for line in source.splitlines():
        if not line.strip():
            continue
        assert re.match(r"^\w+: \w+( \| None)? = .+  # \S", line), (
            f"parameter line needs `name: type = value  # comment`: {line!r}"
        )
        node = ast.parse(line).body[0]
        value = ast.literal_eval(node.value)  # plain literals only: nothing derived in the parameters cell
        annotation = ast.unparse(node.annotation)  # "int", or "int | None" where None means "from the recipe"
        allowed = {annotation.removesuffix(" | None"), "NoneType" if annotation.endswith(" | None") else None}
        assert type(value).__name__ in allowed, f"{line!r}: the annotation is not the value's type"
        names.add(node.target.id)
    assert REQUIRED_PARAMETERS <= names, f"missing parameters: {REQUIRED_PARAMETERS - names}"


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_papermill_reads_every_parameters_type_and_help(script):
    papermill = pytest.importorskip("papermill")
    inferred = papermill.inspect_notebook(str(script.with_suffix(".ipynb")))
    for name, info in inferred.items():
        assert info["inferred_type_name"] in {"int", "float", "str", "bool", "list"}, (name, info)
        assert info["help"], f"{name} has no help text"
    # papermill's inspector reads no `X | None` annotation ("None: from the recipe"); those are the only ones it skips
    nb = json.loads(script.with_suffix(".ipynb").read_text())
    (cell,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    declared = re.findall(r"^(\w+): ([\w |]+) =", "".join(cell["source"]), flags=re.M)
    assert {name for name, annotation in declared if not annotation.endswith("| None")} == set(inferred)


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_opening_a_lesson_by_hand_never_writes_into_the_committed_results(script):
    nb = json.loads(script.with_suffix(".ipynb").read_text())
    source = "".join(next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))["source"])
    defaults = dict(re.findall(r"^(results_dir|figures_dir): str = \"([^\"]+)\"", source, flags=re.M))
    for folder in defaults.values():  # relative to notebooks/, where Jupyter runs the lesson
        resolved = (NOTEBOOKS / folder).resolve()
        for committed in (ROOT / "results", ROOT / "figures"):
            assert not resolved.is_relative_to(committed), f"{script.name} writes into {committed} by default"
        assert "runs" in resolved.parts, f"{script.name}: default output {folder!r} is not a run folder"


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_lesson_reads_like_a_lesson(script):
    text = script.read_text()
    for needed in (
        "What you will learn",
        "Runtime",
        "colab-badge",
        "google.colab",
        "import tslearnkit as tk",
        "### Exercise",
        "## Summary",
        "lesson.record(",
        "lesson.finish()",
    ):
        assert needed in text, f"{script.name} lacks {needed!r}"
    assert "tensorflow_addons" not in text and "import torch" not in text


# A metric value typed into prose: a number with three or more decimals, or a "±" figure.
TYPED_METRIC = re.compile(r"\d\.\d{3}|±")


def _cells(script):
    jupytext = pytest.importorskip("jupytext")
    return jupytext.reads(script.read_text(), fmt="py:percent").cells


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_no_metric_value_is_typed_into_markdown(script):
    for cell in _cells(script):
        if cell.cell_type == "markdown":
            found = TYPED_METRIC.search(cell.source)
            assert not found, (
                f"{script.name}: markdown states a metric value ({found.group()!r} in "
                f"{cell.source[max(0, found.start() - 60) : found.end() + 20]!r}); print it from the run instead"
            )


def test_the_metric_pattern_catches_typed_results():
    for prose in ("P@1 0.980 on unseen speakers", "MAP@R 0.60 ± 0.19", "NMI 0.9824"):
        assert TYPED_METRIC.search(prose), prose
    for prose in ("margins in {0.1, 0.5, 1.0}", "L2 distances lie in [0, 2]", "a 20 % share"):
        assert not TYPED_METRIC.search(prose), prose


@pytest.mark.parametrize("script", _lesson_paths(), ids=lambda p: p.stem)
def test_every_lesson_ends_on_a_conclusion_computed_from_its_run(script):
    cells = _cells(script)
    heading = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "What this run shows" in c.source]
    assert heading, f"{script.name} has no 'What this run shows' cell"
    code = next((c for c in cells[heading[0] + 1 :] if c.cell_type == "code"), None)
    assert code is not None, f"{script.name}: no code cell after 'What this run shows'"
    assert "print(" in code.source and re.search(r"f\"|f'|\.format\(", code.source), (
        f"{script.name}: the conclusion cell must print sentences formatted from the run's variables"
    )
    assert not TYPED_METRIC.search(re.sub(r"\{[^}]*\}", "", code.source)), (
        f"{script.name}: the conclusion cell types a metric value instead of formatting one"
    )
    summary = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "## Summary" in c.source]
    assert summary and summary[0] > heading[0], f"{script.name}: the Summary comes after the conclusion"


def test_every_lesson_runs_in_quick_mode(quick_run):
    _, _, failures = quick_run
    assert failures == [], "\n".join(f"{lesson}: {reason}" for lesson, _, reason in failures)


def _executed(quick_run, lesson):
    nbformat = pytest.importorskip("nbformat")
    out, _, _ = quick_run
    return nbformat.read(out / "notebooks" / f"{lesson}__seed0.ipynb", as_version=4)


def _output_text(cell):
    return "".join(
        o.get("text", "") + "".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])
    )


@pytest.mark.parametrize("lesson", cli.LESSONS)
def test_every_instructor_answer_passes_its_check(quick_run, lesson):
    checks = [c for c in _executed(quick_run, lesson).cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) >= 3
    for cell in checks:
        assert _output_text(cell).startswith("✓"), f"{lesson}: check `{cell.source}` printed {_output_text(cell)!r}"


NOISE = {
    "TensorFlow C++ log line": r"^[IWEF]\d{4} \d\d:\d\d:\d\d",
    "absl start-up warning": r"absl::InitializeLog",
    "cuInit error": r"cuInit",
    "CUDA driver message": r"cuda drivers|cudart",
    "oneDNN notice": r"oneDNN custom operations",
    "Jupyter TCP warning": r"Kernel is running over TCP",
    "tf.function retracing": r"retracing",
    "deprecation noise": r"(Deprecation|Future|Pending\w*)Warning",
    "Keras epoch line": r"^Epoch \d+/\d+",
    "progress-bar redraws": r"\r.*\r.*\r",
}


@pytest.mark.parametrize("lesson", cli.LESSONS)
def test_executed_quick_notebooks_hold_no_noise(quick_run, lesson):
    import re

    for cell in _executed(quick_run, lesson).cells:
        text = _output_text(cell)
        for what, pattern in NOISE.items():
            assert not re.search(pattern, text, flags=re.M), f"{lesson}: {what} in the output of `{cell.source[:60]}`"


# Bare values a cell echoes instead of saying something: paths, arrays, figure objects.
ECHO = re.compile(r"^(Posix|Windows)?Path\(|^array\(|^<(Figure|matplotlib|keras)|^\[<matplotlib")
NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?(e[-+]?\d+)?")
MAX_NUMBERS_PER_OUTPUT = 60


def _outputs(cell):
    for output in cell.get("outputs", []):
        yield output, output.get("text", "") + "".join(output.get("data", {}).get("text/plain", ""))


@pytest.mark.parametrize("lesson", cli.LESSONS)
def test_executed_quick_notebooks_are_quiet_and_readable(quick_run, lesson):
    for cell in _executed(quick_run, lesson).cells:
        for output, text in _outputs(cell):
            where = f"{lesson}: output of `{cell.source[:60]}`"
            assert "Warning" not in text, f"{where} holds a warning: {text[:300]!r}"
            if output.get("output_type") == "execute_result":
                assert not ECHO.search(text.strip()), f"{where} echoes a bare value: {text[:120]!r}"
            count = len(NUMBER.findall(text))
            assert count <= MAX_NUMBERS_PER_OUTPUT, (
                f"{where} prints {count} numbers (a plot or a short table reads better)"
            )


def test_the_quiet_output_rules_catch_what_they_are_for():
    assert ECHO.search("PosixPath('runs/figures/x.png')") and ECHO.search("array([1, 2, 3])")
    assert not ECHO.search("P@1 of the CE embedding: 0.98")
    assert len(NUMBER.findall(str([round(0.1 * i, 3) for i in range(120)]))) > MAX_NUMBERS_PER_OUTPUT
    assert len(NUMBER.findall("epoch 12 of 120: loss 3.1e-04, P@1 0.97")) == 5  # 12, 120, 3.1e-04, 1, 0.97


def test_kernel_stderr_goes_to_the_run_logs_not_the_terminal(quick_run):
    out, _, _ = quick_run
    logs = sorted((out / "logs").glob("*.log"))
    assert [p.stem for p in logs] == [f"{lesson}__seed0" for lesson in cli.LESSONS]
    timings = json.loads((out / "timings.json").read_text())
    assert set(timings) == set(cli.LESSONS) and all(t["quick"] > 0 for t in timings.values())


@pytest.mark.parametrize("lesson", cli.LESSONS)
def test_lesson_writes_records_and_figures(quick_run, lesson):
    out, figures, _ = quick_run
    records = [r for r in results.load_results(out / "results") if r["lesson"] == lesson]
    assert records, f"{lesson} wrote no result record"
    assert all(r["quick"] is True and r["seed"] == 0 for r in records)
    assert list(figures.glob(f"{lesson}__*.png")), f"{lesson} saved no figure"
    assert (out / "notebooks" / f"{lesson}__seed0.ipynb").is_file()


def test_a_kernel_that_died_before_its_handshake_is_started_again_and_nothing_else_is(capsys):
    from tslearnkit.course import kernels

    class Papermill:  # fails as papermill does when two kernels took the same port, then as told
        def __init__(self, errors):
            self.errors, self.calls = list(errors), 0

        def execute_notebook(self, *args, **kwargs):
            self.calls += 1
            if self.errors:
                raise self.errors.pop(0)
            return "executed"

    died = RuntimeError("Kernel died before replying to kernel_info")
    pm = Papermill([died, died])
    assert kernels.execute_notebook(pm, "in.ipynb", "out.ipynb") == "executed" and pm.calls == 3
    assert capsys.readouterr().out.count("starting it again") == 2
    pm = Papermill([died] * kernels.KERNEL_START_TRIES)
    with pytest.raises(RuntimeError, match="kernel_info"):
        kernels.execute_notebook(pm, "in.ipynb", "out.ipynb")
    assert pm.calls == kernels.KERNEL_START_TRIES
    pm = Papermill([RuntimeError("a cell failed"), died])  # any other failure: raised at once
    with pytest.raises(RuntimeError, match="a cell failed"):
        kernels.execute_notebook(pm, "in.ipynb", "out.ipynb")
    assert pm.calls == 1


def test_failing_lesson_is_named_with_its_cell(tmp_path):
    pytest.importorskip("papermill")
    nbformat = pytest.importorskip("nbformat")
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("seed = 0\nquick = True\nresults_dir = ''\nfigures_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "99_broken.ipynb")
    failures = cli.run_lessons(
        ["99_broken"], seeds=[0], quick=True, out=tmp_path / "out", notebooks=folder, cell_timeout=60
    )
    assert len(failures) == 1
    lesson, seed, reason = failures[0]
    assert lesson == "99_broken" and "ValueError: boom" in reason and "cell" in reason


def test_benchmark_page_tables_equal_the_committed_benchmark_records():
    from tslearnkit.course.benchmark import benchmark_tables

    page = (ROOT / "docs" / "benchmark.md").read_text()
    committed = readme_sections.readme_section(page, readme_sections.BENCHMARK_MARKERS)
    assert committed == benchmark_tables(ROOT / "results" / "benchmark"), (
        "docs/benchmark.md is stale: run `tslearnkit table --benchmark results/benchmark --readme docs/benchmark.md`"
    )


def test_every_benchmark_dataset_was_measured_with_the_current_rules_on_the_same_seeds():
    """docs/benchmark.md says every dataset's records use the current rules: each dataset has the
    CV choice (the newest rule) on every seed, and every method on the same seeds, from one kit version."""
    import json
    from collections import defaultdict

    from tslearnkit.course.benchmark import METHOD_NAMES

    seeds, versions = defaultdict(lambda: defaultdict(set)), set()
    for path in (ROOT / "results" / "benchmark").glob("*.json"):
        record = json.loads(path.read_text())
        seeds[record["dataset"]][record["method"]].add(record["seed"])
        versions.add((record["versions"]["tslearnkit"], record["versions"].get("keras_backend")))
    assert len(versions) == 1, versions
    for dataset, methods in seeds.items():
        assert set(methods) == set(METHOD_NAMES.values()), (dataset, sorted(methods))
        assert len({frozenset(s) for s in methods.values()}) == 1, (dataset, dict(methods))


STALE = "stale: run `tslearnkit table --readme README.md docs/results.md`"


def test_results_tables_equal_the_committed_records():
    page = (ROOT / "docs" / "results.md").read_text()
    committed = readme_sections.readme_section(page, (readme_sections.TABLE_START, readme_sections.TABLE_END))
    assert committed == readme_sections.build_table(ROOT / "results"), f"docs/results.md table is {STALE}"
    readme = (ROOT / "README.md").read_text()
    summary = readme_sections.readme_section(readme, readme_sections.SUMMARY_MARKERS)
    assert summary == readme_sections.build_summary_table(ROOT / "results"), f"README table is {STALE}"


def test_results_findings_equal_the_sentences_computed_from_the_records():
    page = (ROOT / "docs" / "results.md").read_text()
    assert (
        readme_sections.readme_section(page, readme_sections.FINDINGS_MARKERS)
        == readme_sections.build_findings(ROOT / "results").strip()
    ), f"docs/results.md findings are {STALE}"


def test_benchmark_findings_equal_the_sentences_computed_from_the_records():
    page = (ROOT / "docs" / "benchmark.md").read_text()
    assert (
        readme_sections.readme_section(page, readme_sections.BENCHMARK_FINDINGS_MARKERS)
        == readme_sections.build_findings(ROOT / "results" / "benchmark").strip()
    ), "docs/benchmark.md is stale: run `tslearnkit table --benchmark results/benchmark --readme docs/benchmark.md`"


def test_readme_is_short_and_reaches_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) <= 8500, "README.md is for users: keep it near 8 KB, move details to docs/"
    linked = set(re.findall(r"\]\((docs/[\w.]+\.md)\)", readme))
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, f"docs pages not linked from README.md: {sorted(pages - linked)}"
    for target in re.findall(r"\]\(((?!https?:|#)[^)\s]+)\)", readme):
        assert (ROOT / target).exists(), f"README.md links to a missing {target}"


def test_lesson_headers_and_readme_take_run_times_from_one_measured_source():
    from tslearnkit.course import runtimes

    times = runtimes.load_times(ROOT / "results" / "timing" / "lesson_times.json")
    for lesson in cli.LESSONS:
        header = runtimes.HEADER.search((NOTEBOOKS / f"{lesson}.py").read_text())
        assert header, f"{lesson}.py has no **Runtime:** header line"
        assert header.group() == runtimes.header_line(times.get(lesson, {}).get("full")), (
            f"{lesson}'s runtime line differs from the measured times: run `python bench/lessons.py --write`"
        )
    page = (ROOT / "docs" / "run_times.md").read_text()
    assert readme_sections.readme_section(page, runtimes.README_MARKERS) == runtimes.times_markdown(times).strip()


def test_the_long_series_run_times_on_the_docs_page_are_the_record():
    from tslearnkit.course import runtimes

    times = runtimes.load_times(ROOT / "results" / "timing" / "long_series_times.json")
    assert times["_machine"]["dataset"] and any(not k.startswith("_") for k in times)
    page = (ROOT / "docs" / "run_times.md").read_text()
    expected = runtimes.times_markdown(times, runtimes.LONG_SERIES_TARGET_S).strip()
    assert readme_sections.readme_section(page, runtimes.LONG_SERIES_MARKERS) == expected, (
        "docs/run_times.md's long-series table differs from its record: run `python bench/lessons.py --write-long`"
    )


def test_a_lesson_start_prints_no_tensorflow_start_up_lines(tmp_path):
    """A lesson's first cell calls ``course.lesson.start``, which prints the versions and so imports
    Keras; TensorFlow's native start-up lines go to file descriptor 2, which Jupyter shows in the
    notebook. Run as a user's shell would (no TF_CPP_MIN_LOG_LEVEL), they must not appear."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["KERAS_BACKEND"] = "tensorflow"
    code = (
        "from tslearnkit import course; "
        f"course.lesson.start('01_data_visualization', quick=True, results_dir={str(tmp_path / 'r')!r}, "
        f"figures_dir={str(tmp_path / 'f')!r})"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    for what in ("TensorFlow C++ log line", "absl start-up warning", "oneDNN notice"):
        assert not re.search(NOISE[what], run.stderr, flags=re.M), f"{what} on stderr: {run.stderr[:500]!r}"
    assert "01_data_visualization | seed 0" in run.stdout
