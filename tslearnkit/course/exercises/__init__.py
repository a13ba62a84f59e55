"""Checks for the lessons' exercises: each says in plain words whether an answer is right.

Every exercise in a lesson has a cell the student fills in (in the committed lesson, the
solution, tagged ``solution``) and a *check* cell that calls one function of this package,
e.g. ``course.exercises.lesson03.check_valid_triplets(predicted_valid_triplets, labels)``. A check prints
``✓ ...`` when the answer is right and raises :class:`NotYet` saying what to look at when it
is not. In a student notebook (``tslearnkit workshop``) the solution is replaced by
``raise course.exercises.YourTurn("3.1")``, so running it unchanged stops there, kindly.

One module per lesson (``lesson01`` ... ``lesson06``); the shared pieces live in ``_core``.
"""

from __future__ import annotations

import importlib

from ._core import NotYet, YourTurn, passed

__all__ = ["NotYet", "YourTurn", "passed", *(f"lesson0{i}" for i in range(1, 8))]


def __getattr__(name: str):
    if name in __all__[3:]:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tslearnkit.course.exercises' has no attribute {name!r}")
