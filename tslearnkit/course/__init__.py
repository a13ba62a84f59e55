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
``open_set_benchmark`` (every method on several datasets), ``open_set_figure``, ``workshop``
(student and instructor copies) and ``cli`` (the ``tslearnkit`` command).
"""

from __future__ import annotations

from . import exercises, lesson, results

__all__ = ["exercises", "lesson", "results"]
