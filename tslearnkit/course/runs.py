"""A run's executed lessons, as the instructor's kit uses them: the instructor copy with the run's
outputs, and what each exercise's check printed.

``tslearnkit run --out RUN`` (``bash run.sh``: ``runs/latest``) leaves every lesson it executed in
``RUN/notebooks/<lesson>__seed<N>.ipynb``. A run's copy is used only when its code is the current
lesson's, cell for cell (solution markers and the install cell's kit URL aside), and it ran to the
end without an error; its outputs are then carried onto the current lesson, markdown included, with
papermill's parameters cell where papermill put it. Without a usable run, an exercise's expected
output is the success line of its check as the check's code writes it.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import hashlib
import importlib.util
import io
import re
from pathlib import Path

from . import workshop
from .publishing import KIT_LINE

__all__ = ["Executed", "executed_lesson", "expected_outputs", "check_messages", "INJECTED"]

INJECTED = "injected-parameters"
_CHECK_CALL = re.compile(r"course\.exercises\.(lesson\d\d)\.(check_\w+)\(")


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
    from .exercises import passed

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
