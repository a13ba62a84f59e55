"""The package's shape: the names the lessons and the README call exist where they call them, the
teaching API never imports the course tooling, and no module reaches into another package's
private names."""

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tslearnkit"
TEACHING = (
    "data",
    "sampling",
    "recipe",
    "augment",
    "models",
    "losses",
    "metrics",
    "callbacks",
    "training",
    "search",
    "plots",
    "baselines",
    "selection",
)
USERS = sorted(ROOT.glob("notebooks/0*.py")) + [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))]


def used_names() -> dict[str, set[str]]:
    """``{"training": {"fit_embedding", ...}, "course.lesson": {"start"}, ...}`` from every
    ``tk.<module>.<name>`` and ``course.<module>.<name>`` the lessons and the README write."""
    used: dict[str, set[str]] = {}
    for path in USERS:
        text = path.read_text()
        for prefix, module, name in re.findall(
            r"\b(tk|course)\.([a-z_0-9]+)\.([A-Za-z_][A-Za-z_0-9]*)(?![A-Za-z_0-9*])", text
        ):
            key = module if prefix == "tk" else f"course.{module}"
            used.setdefault(key, set()).add(name)
    return used


def test_the_lessons_use_the_public_api_at_all():
    used = used_names()
    assert {"data", "training", "losses", "course.lesson", "course.exercises"} <= set(used)


@pytest.mark.parametrize("module", sorted(used_names()))
def test_every_name_the_lessons_and_readme_call_exists(module):
    mod = importlib.import_module(f"tslearnkit.{module}")
    missing = [name for name in sorted(used_names()[module]) if not hasattr(mod, name)]
    assert not missing, f"tslearnkit.{module} has no {missing} (used in the lessons or the README)"


def package_modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path):
    """``(module imported, names imported)`` of every import in ``path``, relative ones resolved."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def folder_of(module: str) -> str:
    """The package (folder) a module or name lives in: ``tslearnkit.losses.triplet`` → ``tslearnkit.losses``."""
    path = ROOT / module.replace(".", "/")
    return module if path.is_dir() else module.rpartition(".")[0]


def test_no_module_imports_a_private_name_from_another_package():
    offences = []
    for path in package_modules():
        mine = folder_of(module_name(path)) if path.name != "__init__.py" else module_name(path)
        for target, names in imports(path):
            if not target.startswith("tslearnkit"):
                continue
            for name in names or [""]:
                full = f"{target}.{name}" if name else target
                if (ROOT / full.replace(".", "/")).is_dir() or (ROOT / (full.replace(".", "/") + ".py")).is_file():
                    owner, private = folder_of(full), is_private(full.rpartition(".")[2])
                else:  # a name defined in module `target`
                    owner, private = (
                        folder_of(target),
                        is_private(name) or is_private(target.rpartition(".")[2]),
                    )
                if private and owner != mine:
                    offences.append(f"{module_name(path)} imports {full}")
    assert not offences, offences


def test_no_private_reexport_lists():
    holders = [str(p.relative_to(ROOT)) for p in package_modules() if "_PRIVATE_REEXPORTS" in p.read_text()]
    assert not holders


def test_the_teaching_api_never_imports_the_course_tooling():
    offences = [
        f"{module_name(path)} imports {target}"
        for path in package_modules()
        if "course" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"  # the command
        for target, names in imports(path)
        if target.startswith("tslearnkit.course") or (target == "tslearnkit" and "course" in names)
    ]
    assert not offences, offences
    code = (
        "import sys, tslearnkit as tk\n"
        f"for name in {TEACHING!r}: getattr(tk, name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('tslearnkit.course')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]", loaded.stdout


def test_nothing_in_the_package_reads_the_repository_bench_folder():
    readers = [
        str(p.relative_to(ROOT))
        for p in package_modules()
        if re.search(r"""["']bench["']|parent\s*/\s*["']bench""", p.read_text())
    ]
    assert not readers


def test_no_module_holds_two_concepts_by_size():
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in package_modules()}
    assert max(sizes.values()) <= 500, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
