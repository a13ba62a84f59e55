"""The course site (tslearnkit.course.site), built from the quick run's executed lessons and read in
headless Chromium as a person would: every lesson page loads with its figures and no missing
asset, every internal link resolves, the Colab and download links point at notebooks that exist,
the answers wait behind "Show solution", and Sphinx's search finds lesson 4 for "semi-hard".

A screenshot of every lesson page (its top, and the whole page at half scale) is kept in
``test-artifacts/site/``. Without Chromium (Debian's ``chromium`` package) or the ``docs`` extra
the browser tests skip, except in CI (``CI=true``), where they fail.
"""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tslearnkit.course import cli

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "site"
REPO = "tslearnkit/tslearnkit@main"
COLAB = re.compile(
    r"^https://colab\.research\.google\.com/github/(?P<owner>[^/]+)/(?P<name>[^/]+)/blob/[^/]+/(?P<path>.+)$"
)


def _required(reason: str):
    """Skip here; fail in CI, where the browser test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI installs it (.ci/run), so this is a setup error")
    pytest.skip(reason)


# --- unit tests of the builder's parts (no Sphinx build) ------------------------------------------


def test_colab_opens_the_published_student_copy_when_a_repository_is_given():
    from tslearnkit.course.site import lesson_links

    published = lesson_links("04_triplet_semihard", repo="me/course@dev", published_at="workshop")
    assert published["colab"] == (
        "https://colab.research.google.com/github/me/course/blob/dev/workshop/student/04_triplet_semihard.ipynb"
    )
    assert published["download"] == "../student/04_triplet_semihard.ipynb"
    default = lesson_links("04_triplet_semihard")
    assert default["colab"].endswith("/tslearnkit/tslearnkit/blob/main/notebooks/04_triplet_semihard.ipynb")
    assert (ROOT / default["repo_path"]).is_file()


def test_markdown_tables_in_docstrings_become_rst_list_tables():
    from tslearnkit.course.site_sphinx import markdown_tables_to_rst

    lines = ["Losses:", "", "    | function | class |", "    |---|:---:|", "    | `a` | `A` |", "    | b |  |", "after"]
    assert markdown_tables_to_rst(lines) == [
        "Losses:",
        "",
        "",
        "    .. list-table::",
        "       :header-rows: 1",
        "",
        "       * - function",
        "         - class",
        "       * - `a`",
        "         - `A`",
        "       * - b",
        "         -  ",
        "",
        "after",
    ]
    prose = ["a | b is not a table", "| nor is a row without its rule |"]
    assert markdown_tables_to_rst(prose) == prose


def test_a_site_needs_an_executed_run_and_says_how_to_make_one(tmp_path):
    pytest.importorskip("sphinx")
    from tslearnkit.course.site import build_site

    with pytest.raises(FileNotFoundError, match="bash run.sh"):
        build_site(tmp_path / "site", run_dir=tmp_path / "no-run", repo_root=ROOT, log=lambda *_: None)


def test_a_site_never_replaces_a_folder_that_is_not_a_site(tmp_path):
    pytest.importorskip("sphinx")
    from tslearnkit.course.site import build_site

    (tmp_path / "run" / "notebooks").mkdir(parents=True)
    (tmp_path / "run" / "notebooks" / f"{cli.LESSONS[0]}__seed0.ipynb").write_text("{}")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    with pytest.raises(FileExistsError, match="no earlier site"):
        build_site(tmp_path / "mine", run_dir=tmp_path / "run", repo_root=ROOT, log=lambda *_: None)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "keep me"


# --- the site, built once from the quick run ------------------------------------------------------


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    """The site built from the session's quick run (or from ``$TSLEARNKIT_SITE_RUN``, a run folder
    to reuse while working on the site)."""
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        try:
            __import__(module)
        except ImportError:
            _required(f"{module} is not installed (pip install -e '.[docs]')")
    from tslearnkit.course.site import build_site

    run_dir = os.environ.get("TSLEARNKIT_SITE_RUN") or request.getfixturevalue("quick_run")[0]
    out = tmp_path_factory.mktemp("site") / "html"
    build = build_site(out, run_dir=run_dir, repo=REPO, repo_root=ROOT, log=lambda *_: None)
    return out, build


@pytest.fixture(scope="module")
def browser(site):
    from browser_helpers import Browser, SiteServer, find_chromium

    executable = find_chromium()
    if executable is None:
        _required("Chromium is not installed (apt-get install chromium)")
    out, _ = site
    server = SiteServer(out)
    chromium = Browser(executable)
    yield chromium, server.base
    chromium.close()
    server.close()


LINKS_JS = """[...document.querySelectorAll('a.tk-colab, a.tk-download')].map(a => ({
    kind: a.classList.contains('tk-colab') ? 'colab' : 'download', href: a.href, raw: a.getAttribute('href')}))"""
IMAGES_JS = """[...document.images].map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0,
    figure: !!i.closest('.cell_output')}))"""
SOLUTIONS_JS = """[...document.querySelectorAll('details')].filter(d => {
    const s = d.querySelector('summary'); return s && /Show solution/.test(s.textContent); }).map(d => d.open)"""


@pytest.fixture(scope="module")
def lesson_pages(site, browser):
    """Every lesson page opened once: its failed requests, images, launch links, collapsed answers."""
    chromium, base = browser
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for lesson in cli.LESSONS:
        url = f"{base}lessons/{lesson}.html"
        failed = chromium.open(url)
        pages[lesson] = {
            "url": url,
            "failed": failed,
            "elsewhere": [r for r in chromium.requested if not r.startswith((base, "data:"))],
            "images": chromium.evaluate(IMAGES_JS),
            "links": chromium.evaluate(LINKS_JS),
            "solutions": chromium.evaluate(SOLUTIONS_JS),
            "title": chromium.evaluate("document.title"),
            "shot": chromium.screenshot(ARTIFACTS / f"{lesson}.png"),
            "full": chromium.screenshot(ARTIFACTS / f"{lesson}-full.png", full_page=True, scale=0.5),
        }
    return pages


def test_the_site_has_every_lesson_and_its_warnings_are_not_from_its_pages(site):
    out, build = site
    assert set(build.lessons) == set(cli.LESSONS)
    assert all(page.is_file() for page in build.lessons.values())
    for page in ("index.html", "results.html", "benchmark.html", "search.html", "api/index.html", "api/losses.html"):
        assert (out / page).is_file(), f"the site lacks {page}"
    ours = [w for w in build.warnings if not re.search(r"tslearnkit/.*\.py:docstring of", w)]
    assert ours == [], "Sphinx warned about the site's own pages:\n" + "\n".join(ours)
    assert build.warnings == [], "Sphinx warned about docstrings (the API reference):\n" + "\n".join(build.warnings)


@pytest.mark.parametrize("lesson", cli.LESSONS)
def test_lesson_page_loads_with_its_figures_and_no_missing_asset(lesson_pages, lesson):
    page = lesson_pages[lesson]
    assert page["failed"] == [], f"{page['url']}: requests that failed: {page['failed']}"
    assert page["elsewhere"] == [], f"{page['url']} loads from another host (the site must read offline)"
    broken = [image["src"][:120] for image in page["images"] if not image["ok"]]
    assert broken == [], f"{page['url']}: broken images {broken}"
    assert any(image["figure"] for image in page["images"]), f"{page['url']} shows no figure of the run"
    assert page["title"].startswith("Lesson "), page["title"]


class _Links(HTMLParser):
    """The ``href``/``src`` targets and the ``id``s of a page. A link around a docutils
    "problematic" span (markup docutils could not read, already a Sphinx warning that the
    warnings test counts) points at a message Sphinx leaves out; it is not counted twice."""

    def __init__(self):
        super().__init__()
        self.targets, self.ids, self._anchor = [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._anchor is not None and not (tag == "span" and "problematic" in (attrs.get("class") or "")):
            self.targets.append(self._anchor)
        self._anchor = None
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self._anchor = attrs["href"]  # decided by the next tag
        elif attrs.get("src"):
            self.targets.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel") not in ("preconnect", "dns-prefetch"):
            self.targets.append(attrs["href"])

    def close(self):
        super().close()
        if self._anchor is not None:
            self.targets.append(self._anchor)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_internal_link_resolves(site):
    out, _ = site
    pages = sorted(p for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts)  # not templates
    parsed = {path: _parse(path) for path in pages}
    broken = []
    for path, links in parsed.items():
        base = "/" + path.relative_to(out).as_posix()
        for target in links.targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript"):
                continue
            resolved = urlsplit(urljoin(base, target))
            file = out / unquote(resolved.path).lstrip("/")
            if resolved.path.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{base}: {target} (no file)")
            elif parts.fragment and file.suffix == ".html":
                ids = parsed[file].ids if file in parsed else _parse(file).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{base}: {target} (no #{parts.fragment} there)")
    assert broken == [], f"{len(broken)} broken internal link(s):\n" + "\n".join(broken[:40])


def _student_copy_ok(path: Path, lesson: str, published: str) -> str | None:
    """Why the notebook at ``path`` is not lesson's student copy as published at ``published``, or None."""
    notebook = json.loads(path.read_text())
    text = "".join("".join(cell["source"]) for cell in notebook["cells"])
    if "### BEGIN SOLUTION" in text or "YourTurn" not in text:
        return f"{path.name} is not a student copy (answers present or no placeholder)"
    colab = re.findall(r"https://colab\.research\.google\.com/github/[^)\s]+", text)
    if colab != [f"{published}{lesson}.ipynb"]:
        return f"{path.name}: its Colab links {colab} are not its own published student copy"
    if any(cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code"):
        return f"{path.name} carries outputs"
    if lesson not in path.name:
        return f"{path.name} is not lesson {lesson}"
    return None


def test_colab_and_download_links_point_at_notebooks_that_exist(site, lesson_pages):
    from tslearnkit.course.publishing import parse_repo
    from tslearnkit.course.site import DEFAULT_PUBLISHED_AT

    out, _ = site
    repo = parse_repo(REPO)
    owner, name = repo.owner, repo.name
    problems = []
    for lesson, page in lesson_pages.items():
        kinds = sorted(link["kind"] for link in page["links"])
        if kinds != ["colab", "download"]:
            problems.append(f"{lesson}: launch links {kinds}, want one Colab and one download link")
        for link in page["links"]:
            if link["kind"] == "colab":
                match = COLAB.match(link["href"])
                if not match or (match["owner"], match["name"]) != (owner, name):
                    problems.append(f"{lesson}: Colab link {link['href']} is not into {owner}/{name}")
                    continue
                path = match["path"]
                in_repo = (ROOT / path).is_file()
                student = (
                    path == f"{DEFAULT_PUBLISHED_AT}/student/{lesson}.ipynb"
                    and (out / "student" / Path(path).name).is_file()
                )
                if not (in_repo or student):
                    problems.append(f"{lesson}: Colab opens {path}: neither in the repository nor a student copy")
                if Path(path).name != f"{lesson}.ipynb":
                    problems.append(f"{lesson}: Colab opens another lesson, {path}")
            else:
                local = out / unquote(urlsplit(link["href"]).path).lstrip("/")
                if not local.is_file():
                    problems.append(f"{lesson}: download link {link['raw']} has no file in the site")
                elif (
                    why := _student_copy_ok(local, lesson, repo.colab_url(f"{DEFAULT_PUBLISHED_AT}/student/"))
                ) is not None:
                    problems.append(f"{lesson}: download link {link['raw']}: {why}")
    assert problems == [], "\n".join(problems)


def test_every_answer_waits_behind_show_solution(lesson_pages):
    import jupytext

    for lesson, page in lesson_pages.items():
        source = jupytext.read(ROOT / "notebooks" / f"{lesson}.py")
        answers = sum("solution" in cell.metadata.get("tags", []) for cell in source.cells)
        assert len(page["solutions"]) == answers, (
            f"{lesson}: {len(page['solutions'])} 'Show solution' toggles for {answers} answer cells"
        )
        assert not any(page["solutions"]), f"{lesson}: an answer is shown open"


def test_searching_semi_hard_lists_lesson_4(browser):
    chromium, base = browser
    failed = chromium.open(f"{base}search.html?q=semi-hard")
    assert failed == [], failed
    hits = chromium.evaluate(
        """new Promise(resolve => {
            const started = Date.now();
            const look = () => {
                const links = [...document.querySelectorAll('#search-results a')].map(a => a.href);
                const done = /Search finished|found \\d+ page/.test(document.body.innerText);
                if ((links.length && done) || Date.now() - started > 20000) resolve(links);
                else setTimeout(look, 100);
            };
            look();
        })"""
    )
    chromium.screenshot(ARTIFACTS / "search-semi-hard.png")
    assert any("lessons/04_triplet_semihard.html" in hit for hit in hits), f"search for semi-hard found {hits}"


def test_a_screenshot_of_every_lesson_is_kept(lesson_pages, capsys):
    for lesson, page in lesson_pages.items():
        for shot in (page["shot"], page["full"]):
            assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{lesson}: no screenshot {shot}"
    with capsys.disabled():
        print(f"\nsite screenshots: {ARTIFACTS}")
