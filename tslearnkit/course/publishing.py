"""Published student copies: where they live in a repository, and the links and install line
that point at them.

The lessons' own Colab badge opens ``notebooks/NN.ipynb`` of the kit's home repository — the copy
*with* the answers. ``tslearnkit workshop --repo OWNER/NAME[@BRANCH]`` rewrites the badge of the
student and the instructor copy to open the **student** copy as published in that repository::

    https://colab.research.google.com/github/OWNER/NAME/blob/BRANCH/<published_at>/student/NN.ipynb

and the install cell's ``kit = "..."`` line to ``git+https://github.com/OWNER/NAME@BRANCH`` (the
rest of the install cell — Colab's own versions as pip constraints — stays as the lesson has it).
``published_at`` is the folder of that repository that holds the workshop output: by default the
output folder's path inside the git work tree it was written into (``tslearnkit workshop --out
workshop --repo ...`` in a clone: ``workshop``, so the instructor commits ``workshop/student/``).
Without a repository the badge is left out, so no copy links to the answers.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

__all__ = ["Repo", "parse_repo", "published_folder", "student_path", "publish", "links_readme", "COLAB"]

COLAB = "https://colab.research.google.com/github"
BADGE = re.compile(
    r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
    r"\((?P<url>https://colab\.research\.google\.com/github/[^)\s]+)\)"
)
KIT_LINE = re.compile(r'^(?P<indent>[ \t]*)kit = "(?P<url>git\+https://github\.com/[^"]+)"[ \t]*$', re.M)
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]{1,200}(?<![/.])$")


@dataclasses.dataclass(frozen=True)
class Repo:
    """A GitHub repository and branch that holds the kit and the published student copies."""

    owner: str
    name: str
    branch: str = "main"

    def colab_url(self, path: str) -> str:
        """Colab's link to the notebook at ``path`` (inside the repository) on this branch."""
        return f"{COLAB}/{self.owner}/{self.name}/blob/{self.branch}/{path.lstrip('/')}"

    @property
    def pip_url(self) -> str:
        """What ``pip install`` takes to install the kit from this repository and branch."""
        return f"git+https://github.com/{self.owner}/{self.name}@{self.branch}"

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}@{self.branch}"


def parse_repo(text) -> Repo:
    """``"OWNER/NAME"`` or ``"OWNER/NAME@BRANCH"`` (the branch defaults to ``main``).

    Raises:
        ValueError: not of that form, or a part GitHub would not accept.
    """
    if isinstance(text, Repo):
        return text
    spec = str(text).strip()
    path, at, branch = spec.partition("@")
    owner, slash, name = path.partition("/")
    name = name.removesuffix(".git")
    if not slash or not _OWNER.match(owner) or not _NAME.match(name) or name in (".", ".."):
        raise ValueError(f"repo {text!r} is not OWNER/NAME[@BRANCH] (e.g. 'myschool/tslearnkit@spring-2027')")
    if at and not _BRANCH.match(branch):
        raise ValueError(f"repo {text!r}: {branch!r} is not a branch name GitHub accepts")
    return Repo(owner, name, branch or "main")


def published_folder(out) -> str:
    """``out``'s path inside the git work tree that holds it (POSIX; ``""`` at the tree's root).

    Raises:
        ValueError: ``out`` is in no git work tree (then say where it will sit: ``published_at``).
    """
    out = Path(out).resolve()
    for folder in (out, *out.parents):
        if (folder / ".git").exists():
            relative = out.relative_to(folder).as_posix()
            return "" if relative == "." else relative
    raise ValueError(
        f"{out} is not inside a git work tree, so where its student copies will sit in the repository is "
        "unknown: pass published_at (--published-at), the repository's folder that will hold it"
    )


def student_path(published_at: str, lesson: str) -> str:
    """The student copy of ``lesson`` inside the repository: ``<published_at>/student/<lesson>.ipynb``."""
    folder = "/".join(part for part in str(published_at).replace("\\", "/").split("/") if part not in ("", "."))
    if ".." in folder.split("/"):
        raise ValueError(f"published_at {published_at!r} leaves the repository ('..')")
    return f"{folder}/student/{lesson}.ipynb" if folder else f"student/{lesson}.ipynb"


def publish(notebook, repo: Repo | None, path: str | None):
    """A copy of ``notebook`` whose Colab badge opens ``path`` of ``repo`` and whose install cell
    installs the kit from ``repo``; with ``repo=None`` the badge is left out and the install cell
    kept.

    Raises:
        ValueError: the lesson has not exactly one Colab badge and one install cell with one
            ``kit = "git+https://github.com/..."`` line (the shape this function rewrites).
    """
    badges = sum(len(BADGE.findall(c.source)) for c in notebook.cells if c.cell_type == "markdown")
    kits = [c for c in notebook.cells if c.cell_type == "code" and KIT_LINE.search(c.source)]
    if badges != 1:
        raise ValueError(f"expected one Colab badge in the lesson's markdown, found {badges}")
    if len(kits) != 1 or len(KIT_LINE.findall(kits[0].source)) != 1 or "google.colab" not in kits[0].source:
        raise ValueError('expected one install cell (google.colab) with one `kit = "git+https://github.com/..."` line')
    published = copy.deepcopy(notebook)
    for cell in published.cells:
        if cell.cell_type == "markdown" and BADGE.search(cell.source):
            if repo is None:  # the badge's line and the blank line after it go
                line = re.compile(r"^[^\n]*" + BADGE.pattern + r"[^\n]*(?:\n[ \t]*(?=\n|$))?\n?", re.M)
                cell.source = line.sub("", cell.source)
            else:
                cell.source = BADGE.sub(lambda m: m[0].replace(m["url"], repo.colab_url(path)), cell.source)
        elif cell.cell_type == "code" and repo is not None and KIT_LINE.search(cell.source):
            cell.source = KIT_LINE.sub(lambda m: f'{m["indent"]}kit = "{repo.pip_url}"', cell.source)
    return published


def links_readme(lessons, repo: Repo, published_at: str) -> str:
    """``student/README.md``: one Colab link per lesson, what GitHub shows in the student folder.

    Args:
        lessons: ``[(name, title), ...]`` in workshop order.
    """
    lines = [
        "# Student notebooks",
        "",
        "Open a lesson in Colab with its link; its first code cell installs the kit there",
        f'(`pip install "tslearnkit[tensorflow,aeon] @ {repo.pip_url}"`). Each exercise stops with',
        '"your turn" until you write your answer; the check cell under it says whether it is right.',
        "",
        "| lesson | open in Colab |",
        "|---|---|",
    ]
    for name, lesson_title in lessons:
        lines.append(f"| {lesson_title} | [{name}.ipynb]({repo.colab_url(student_path(published_at, name))}) |")
    return "\n".join(lines) + "\n"
