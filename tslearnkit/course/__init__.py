"""Course tooling: what runs the lessons, checks their exercises, keeps their records and builds
the workshop, apart from the teaching API.

The teaching API (``tk.data``, ``tk.sampling``, ``tk.recipe``, ``tk.augment``, ``tk.models``,
``tk.losses``, ``tk.metrics``, ``tk.callbacks``, ``tk.training``, ``tk.search``, ``tk.plots``)
never imports this package; a test keeps it so. Lessons use it by name::

    from tslearnkit import course
    lesson = course.lesson.start("04_triplet_semihard", seed=seed, quick=quick, ...)
    course.exercises.lesson04.check_semi_hard_negatives(...)

Modules: ``lesson`` (a lesson's start and end), ``exercises`` (the exercise checks), ``results``
(JSON records and tables), ``runtimes`` (measured lesson run times), ``benchmark`` and
``open_set_benchmark`` (every method on several datasets), ``open_set_figure``,
``readme_sections`` (the README's generated tables), ``workshop`` and ``publishing`` (student and
instructor copies, Colab links), ``instructor``, ``dayplan``, ``lesson_notes``, ``diagrams``,
``drawing`` and ``runs`` (the instructor's kit), ``site``, ``site_pages`` and ``site_sphinx`` (the
course site) and ``cli`` (the ``tslearnkit`` command). Each loads on first use.
"""

from __future__ import annotations

import importlib

__all__ = [
    "lesson",
    "exercises",
    "results",
    "runtimes",
    "benchmark",
    "open_set_benchmark",
    "open_set_figure",
    "readme_sections",
    "workshop",
    "publishing",
    "instructor",
    "site",
    "cli",
]


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tslearnkit.course' has no attribute {name!r}")
