"""The course site: the lessons *as executed*, their results and the API reference, as static HTML.

:func:`build_site` reads the notebooks a run executed (``tslearnkit run --out RUN_DIR`` writes
``RUN_DIR/notebooks/<lesson>__seed<seed>.ipynb``; ``bash run.sh`` uses ``runs/latest``) and
builds a Sphinx book from them with myst-nb and sphinx-book-theme (the ``docs`` extra). Nothing
is executed or trained during the build: myst-nb's execution is off and the outputs are the
run's. The site has

* one page per lesson with its outputs and figures; each exercise's answer (cells tagged
  ``solution``) collapsed behind a "Show solution" toggle; an *Open in Colab* button and a
  download link to the lesson's **student** notebook (answers replaced by placeholders, made by
  :mod:`tslearnkit.course.workshop`) on every lesson page;
* a results page and a benchmark page generated from the committed records (``results/``) and
  from the run's own records;
* an API reference generated from the teaching modules' docstrings (autodoc + napoleon);
* the Markdown pages the repository keeps in ``docs/`` (notes moved out of the README), under
  *Notes*;
* Sphinx's own search; and math drawn at build time by matplotlib, so that the site needs no
  network when it is read.

The generated pages are written by :mod:`tslearnkit.course.site_pages`; ``conf.py`` and the
site's own Sphinx extension (math, docstring tables) are in :mod:`tslearnkit.course.site_sphinx`.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import html
import importlib
import io
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from . import publishing, site_pages, site_sphinx
from .cli import LESSONS

__all__ = [
    "DEFAULT_REPO",
    "DEFAULT_PUBLISHED_AT",
    "SiteBuild",
    "build_site",
    "lesson_links",
    "executed_notebooks",
    "find_repo_root",
]

DEFAULT_REPO = "tslearnkit/tslearnkit@main"
"""Where the lessons' own Colab badges point (their install cell installs the kit from there)."""
DEFAULT_PUBLISHED_AT = "workshop"
"""The folder of a published repository that holds ``tslearnkit workshop``'s output (its ``student/``)."""
SOLUTION_TAG = "solution"
_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\s*$\n?", re.M)
_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)
_FILES = Path(__file__).resolve().parent / "site_files"


@dataclasses.dataclass(frozen=True)
class SiteBuild:
    """What :func:`build_site` wrote: the home page, each lesson's page and Sphinx's warnings."""

    index: Path
    lessons: dict
    warnings: list


def lesson_links(lesson: str, *, repo=None, published_at: str = DEFAULT_PUBLISHED_AT) -> dict:
    """A lesson page's launch links: ``{"colab": url, "repo_path": path, "student": bool, "download": url}``.

    With ``repo`` (``"OWNER/NAME[@BRANCH]"`` or a :class:`~tslearnkit.course.publishing.Repo`) the
    Colab button opens the lesson's student copy as ``tslearnkit workshop --repo`` publishes it
    there (``<published_at>/student/<lesson>.ipynb``); without it, the lesson in ``notebooks/`` of
    the kit's home repository (:data:`DEFAULT_REPO`, where the lessons' own badges point). The
    download link is the student copy the site carries (``student/<lesson>.ipynb``, relative to a
    lesson page).

    Raises:
        ValueError: ``repo`` is not ``OWNER/NAME[@BRANCH]``.
    """
    if repo is not None:
        path, home = publishing.student_path(published_at, lesson), publishing.parse_repo(repo)
    else:
        path, home = f"notebooks/{lesson}.ipynb", publishing.parse_repo(DEFAULT_REPO)
    return {
        "colab": home.colab_url(path),
        "repo_path": path,
        "student": repo is not None,
        "download": f"../student/{lesson}.ipynb",
    }


def find_repo_root(start=None) -> Path:
    """The checkout holding ``notebooks/<lesson>.py``: ``start`` (default: the working folder) or
    the folder above the installed package (an editable install)."""
    candidates = [Path(start) if start is not None else Path.cwd(), Path(__file__).resolve().parents[2]]
    for folder in candidates:
        if (folder / "notebooks" / f"{LESSONS[0]}.py").is_file():
            return folder.resolve()
    raise FileNotFoundError(
        f"cannot find the course repository (notebooks/{LESSONS[0]}.py) in {', '.join(map(str, candidates))}; "
        "run from the repository root or pass repo_root"
    )


def executed_notebooks(run_dir) -> dict[str, Path]:
    """``{lesson: path}`` of the notebooks a run executed (the lowest seed of each lesson)."""
    folder = Path(run_dir) / "notebooks"
    found = {}
    for lesson in LESSONS:
        seeds = sorted(folder.glob(f"{lesson}__seed*.ipynb"), key=lambda p: int(p.stem.rsplit("seed", 1)[1]))
        if seeds:
            found[lesson] = seeds[0]
    return found


def build_site(
    out,
    *,
    run_dir=None,
    repo: str | None = None,
    published_at: str = DEFAULT_PUBLISHED_AT,
    repo_root=None,
    log=print,
) -> SiteBuild:
    """Build the course site into ``out`` from the lessons as a run executed them.

    Args:
        out: output folder; created, or replaced when it holds an earlier site. Open
            ``out/index.html`` (or serve the folder: ``python -m http.server -d out``).
        run_dir: the ``--out`` folder of ``tslearnkit run`` (default: ``<repo_root>/runs/latest``,
            where ``bash run.sh`` writes). Its ``notebooks/`` holds the executed lessons and its
            ``results/`` the run's records. A lesson the run did not execute gets a page without
            outputs that says so.
        repo: ``"OWNER/NAME[@BRANCH]"`` where ``tslearnkit workshop --repo`` published the
            student copies: Colab buttons open ``<published_at>/student/<lesson>.ipynb`` there,
            and the downloadable student copies link and install from there too. ``None``: Colab
            buttons open the lessons in ``notebooks/`` of the kit's home repository
            (:data:`DEFAULT_REPO`), and the student copies have no badge.
        published_at: the folder of ``repo`` holding the workshop output (``tslearnkit workshop
            --out workshop`` in a clone: ``workshop``).
        repo_root: the checkout with ``notebooks/``, ``results/`` and ``figures/`` (default: the
            working folder, else the folder above the package).
        log: where progress lines go.

    Returns:
        :class:`SiteBuild`: ``index`` (``out/index.html``), ``lessons`` (``{lesson: page}``) and
        ``warnings`` (Sphinx's warning lines).

    Raises:
        FileNotFoundError: no executed lesson in ``run_dir``, or no repository found.
        FileExistsError: ``out`` is a non-empty folder that is not an earlier site.
        ValueError: ``repo`` is not ``OWNER/NAME[@BRANCH]``.
    """
    try:
        from sphinx.application import Sphinx
        from sphinx.util.console import nocolor
        from sphinx.util.docutils import docutils_namespace
    except ImportError as err:
        raise ImportError("the course site needs the docs extra: pip install 'tslearnkit[docs]'") from err
    if repo is not None:
        repo = publishing.parse_repo(repo)
    root = find_repo_root(repo_root) if repo_root is None else Path(repo_root).resolve()
    run_dir = Path(run_dir) if run_dir is not None else root / "runs" / "latest"
    executed = executed_notebooks(run_dir)
    if not executed:
        raise FileNotFoundError(
            f"no executed lessons in {run_dir / 'notebooks'}: run `bash run.sh` "
            f"(or `tslearnkit run --out {run_dir}`) first, or pass the run's folder"
        )
    out = Path(out)
    if out.is_dir() and any(out.iterdir()):
        if not (out / ".buildinfo").is_file():
            raise FileExistsError(f"{out} is not empty and holds no earlier site; choose a new folder")
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="tslearnkit-site-") as tmp:
        source = Path(tmp) / "source"
        pages = _write_sources(source, root, run_dir, executed, repo=repo, published_at=published_at)
        log(f"building the site from {len(executed)} executed lesson(s) in {run_dir} ...")
        messages = io.StringIO()
        with contextlib.suppress(ImportError):
            # autodoc imports the teaching modules; loading one through the package first sends
            # TensorFlow's C++ start-up lines nowhere (see tslearnkit.__getattr__)
            importlib.import_module("tslearnkit").training  # noqa: B018
        nocolor()
        with docutils_namespace(), warnings.catch_warnings():
            # Sphinx 9 deprecates APIs its own extensions and the theme still call: not ours to fix.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            app = Sphinx(
                str(source),
                str(source),
                str(out),
                str(Path(tmp) / "doctrees"),
                "html",
                status=None,
                warning=messages,
                freshenv=True,
                verbosity=0,
            )
            app.build()
    lines = [line for line in messages.getvalue().splitlines() if line.strip()]
    log(f"wrote {out / 'index.html'} ({len(lines)} Sphinx warning(s))")
    return SiteBuild(out / "index.html", {lesson: out / "lessons" / f"{lesson}.html" for lesson in pages}, lines)


# --- the Sphinx sources ---------------------------------------------------------------------------


def _write_sources(source: Path, root: Path, run_dir: Path, executed: dict, *, repo, published_at) -> list[str]:
    import nbformat

    from .workshop import exercises, read_lesson, student_notebook

    (source / "lessons").mkdir(parents=True)
    (source / "_static").mkdir()
    for name in ("course.css", "favicon.svg"):
        shutil.copy(_FILES / name, source / "_static" / name)
    # The student copies ride along as downloads at <site>/student/<lesson>.ipynb (html_extra_path),
    # as `tslearnkit workshop --repo` publishes them (without a repository: no badge).
    (source / "_extra" / "student").mkdir(parents=True)
    summaries = []
    for lesson in LESSONS:
        lesson_source = read_lesson(root / "notebooks" / f"{lesson}.py")  # the exercises, as written
        published = publishing.student_path(published_at, lesson) if repo is not None else None
        student = publishing.publish(student_notebook(lesson_source), repo, published)
        nbformat.write(student, source / "_extra" / "student" / f"{lesson}.ipynb")
        path = executed.get(lesson)
        notebook = nbformat.read(path, as_version=4) if path else lesson_source
        links = lesson_links(lesson, repo=repo, published_at=published_at)
        nbformat.write(_lesson_page(notebook, links, executed=path is not None), source / "lessons" / f"{lesson}.ipynb")
        papermill = notebook.metadata.get("papermill", {})
        summaries.append((lesson, _title(notebook), exercises(lesson_source), path, papermill))

    notes = []
    if (root / "docs").is_dir():  # pages the repository keeps for the site (notes moved out of the README)
        shutil.copytree(root / "docs", source / "docs", ignore=shutil.ignore_patterns("_*", ".*"))
        if (root / "figures").is_dir():  # the pages show the committed figures as ../figures/NAME.png
            shutil.copytree(root / "figures", source / "figures")
        home = publishing.parse_repo(repo or DEFAULT_REPO)
        for page in (source / "docs").glob("*.md"):
            page.write_text(_repository_links(page.read_text(), home))
        notes = sorted(f"docs/{page.stem}" for page in (source / "docs").glob("*.md"))
    (source / "index.md").write_text(_index_page(summaries, root=root, run_dir=run_dir, repo=repo, notes=notes))
    (source / "results.md").write_text(site_pages.results_page(root, run_dir))
    (source / "benchmark.md").write_text(site_pages.benchmark_page(root, source))
    (source / "api").mkdir()
    (source / "api" / "index.md").write_text(site_pages.api_index())
    for module in site_pages.API_MODULES:
        (source / "api" / f"{module}.rst").write_text(site_pages.api_page(module))
    (source / "conf.py").write_text(site_sphinx.conf_py(repo, DEFAULT_REPO))
    return list(LESSONS)


def _repository_links(markdown: str, repo) -> str:
    """Links from a ``docs/`` page to repository files outside ``docs/`` and ``figures/`` (code,
    ``bench/README.md``, records) point at the repository on GitHub: the site does not carry them."""

    def link(match):
        target = match.group(1)
        if target.startswith("../figures/") and not target.endswith("/"):
            return match.group(0)
        return f"](https://github.com/{repo.owner}/{repo.name}/blob/{repo.branch}/{target[3:]})"

    return re.sub(r"\]\((\.\./[^)\s]+)\)", link, markdown)


def _title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.M)
            if match:
                return match[1].strip()
    return "(untitled)"


def _launch_bar(links: dict) -> str:
    colab = "Open the student notebook in Colab" if links["student"] else "Open in Colab"
    return (
        '<div class="tk-launch">\n'
        f'<a class="tk-button tk-colab" href="{html.escape(links["colab"])}">{colab}</a>\n'
        f'<a class="tk-button tk-download" href="{links["download"]}" download>'
        "Download the student notebook (.ipynb)</a>\n"
        "</div>\n"
    )


def _lesson_page(notebook, links: dict, *, executed: bool):
    """The executed lesson as the site shows it: papermill's injected cell (it names the run's
    folders) and error banners (:func:`_run_note` says it instead) dropped, the lesson's own Colab
    badge replaced by the site's launch bar, the Colab install cell and every answer collapsed."""
    import nbformat

    page = nbformat.v4.new_notebook(metadata={"kernelspec": notebook.metadata.get("kernelspec", {})})
    page.metadata["language_info"] = notebook.metadata.get("language_info", {"name": "python"})
    bar_placed = False
    for original in notebook.cells:
        tags = list(original.metadata.get("tags", []))
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:  # the run's folders; its banners
            continue
        cell = copy.deepcopy(original)
        cell.metadata = {"tags": [t for t in tags if not t.startswith("hide") and not t.startswith("remove")]}
        if cell.cell_type == "markdown":
            if not bar_placed and re.search(r"^# ", cell.source, re.M):
                cell.source = _BADGE.sub("", cell.source)
                heading, _, rest = cell.source.partition("\n")
                note = _run_note(notebook, executed)
                cell.source = f"{heading}\n\n{_launch_bar(links)}\n{note}{rest.lstrip()}"
                bar_placed = True
        elif cell.cell_type == "code":
            if SOLUTION_TAG in tags:
                cell.source = _MARKERS.sub("", cell.source).rstrip()
                _collapse(cell, "Show solution", "Hide solution")
            elif "google.colab" in cell.source:
                _collapse(cell, "Show the Colab install cell", "Hide the Colab install cell")
        page.cells.append(cell)
    return page


def _run_note(notebook, executed: bool) -> str:
    """A warning at the top of a lesson the run did not execute, or that stopped on an error."""
    if not executed:
        text = (
            "The run this site was built from did not execute this lesson: it is shown without "
            "outputs. Run it (`bash run.sh --lessons NN`) and build the site again."
        )
    elif notebook.metadata.get("papermill", {}).get("exception"):
        text = (
            "This lesson stopped on an error in the run this site was built from: the outputs end "
            "at the failing cell. See the run's log and build the site again after a clean run."
        )
    else:
        return ""
    return f":::{{warning}}\n{text}\n:::\n\n"


def _collapse(cell, show: str, hide: str) -> None:
    cell.metadata["tags"] = [*cell.metadata.get("tags", []), "hide-cell"]
    cell.metadata["mystnb"] = {"code_prompt_show": show, "code_prompt_hide": hide}


def _run_description(summaries) -> str:
    meta = next((m for *_, m in summaries if m), {})
    params = meta.get("parameters", {})
    when = (meta.get("end_time") or "")[:10]
    dataset = params.get("dataset", "each lesson's default dataset")
    mode = "quick mode (a smoke run: its numbers mean little)" if params.get("quick") else "full length"
    return f"seed {params.get('seed', 0)}, {mode}, on {dataset}" + (f", {when}" if when else "")


def _index_page(summaries, *, root: Path, run_dir: Path, repo, notes=()) -> str:
    from . import runtimes

    times_path = root / "results" / "timing" / "lesson_times.json"
    times = runtimes.load_times(times_path) if times_path.is_file() else {}
    missing = [lesson for lesson, _, _, path, _ in summaries if path is None]
    rows = []
    for lesson, title, found, _, _ in summaries:
        seconds = times.get(lesson, {}).get("full")
        run_time = f"{seconds:.0f} s" if seconds else "not measured"
        practised = "<br>".join(f"{e.number} {e.title}" for e in found)
        rows.append(f"| [{title}](lessons/{lesson}.ipynb) | {run_time} | {practised} |")
    where = f"the repository `{repo}`" if repo else "the lessons' own repository"
    lines = [
        "# tslearnkit: deep metric learning on time series",
        "",
        "A TensorFlow/Keras course kit: how embeddings learned with cross-entropy, triplet losses",
        "(batch-all, semi-hard, hard), oversampling for class imbalance and supervised contrastive",
        "learning compare on real multivariate time series, in lessons that run in minutes on a CPU.",
        "",
        f"The lessons below are shown **as executed** by `tslearnkit run` ({_run_description(summaries)}):",
        "every output and figure on these pages comes from that run. Each lesson page has a button",
        f"that opens its notebook in Colab ({where}) and a download link to its student notebook,",
        "whose answers are left for you to write; on the page, each answer waits behind *Show solution*.",
        "",
        "| lesson | full run on 2 CPU cores | exercises |",
        "|---|---|---|",
        *rows,
        "",
    ]
    if missing:
        lines += [f"Not executed by this run (shown without outputs): {', '.join(missing)}.", ""]
    lines += [
        "The [results](results.md) and [benchmark](benchmark.md) pages are generated from the result",
        "records; the [API reference](api/index.md) from the docstrings of the modules the lessons use.",
        "",
        "```{toctree}",
        ":caption: Lessons",
        ":maxdepth: 1",
        "",
        *[f"lessons/{lesson}" for lesson, *_ in summaries],
        "```",
        "",
        "```{toctree}",
        ":caption: Results",
        ":maxdepth: 1",
        "",
        "results",
        "benchmark",
        "```",
        "",
        "```{toctree}",
        ":caption: Reference",
        ":maxdepth: 1",
        "",
        "api/index",
        "```",
    ]
    if notes:
        lines += ["", "```{toctree}", ":caption: Notes", ":maxdepth: 1", "", *notes, "```"]
    return "\n".join(lines) + "\n"
