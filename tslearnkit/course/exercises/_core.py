"""What every exercise check shares: the two exceptions and the success message."""

from __future__ import annotations

import numpy as np


class YourTurn(NotImplementedError):
    """Raised by an exercise cell the student has not filled in yet."""

    def __init__(self, exercise: str):
        super().__init__(
            f"Exercise {exercise} is your turn: replace the `raise course.exercises.YourTurn(...)` line "
            "with your answer, run that cell, then run the check below it."
        )
        self.exercise = exercise


class NotYet(AssertionError):
    """An answer that runs but is not right yet; the message says what to look at."""


def passed(message: str) -> None:
    """Print the success line of a check."""
    print(f"✓ {message}")


def require(condition: bool, message: str) -> None:
    """Raise :class:`NotYet` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise NotYet(message)


def defined(value, name: str):
    """The student's ``value``, or :class:`NotYet` if it is still ``...`` or ``None``."""
    require(value is not ... and value is not None, f"`{name}` is not set yet: give it a value in the cell above.")
    return value


def close(actual, expected, *, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    """True when two arrays (or numbers) have the same shape and agree within tolerance."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    return actual.shape == expected.shape and bool(np.allclose(actual, expected, rtol=rtol, atol=atol))


def call(function, name: str, *args):
    """Call the student's ``function``; its :class:`YourTurn` propagates, anything else becomes NotYet."""
    require(callable(function), f"`{name}` must be a function; got {type(function).__name__}.")
    try:
        return function(*args)
    except (YourTurn, NotYet):
        raise
    except Exception as error:  # the student's code failed: say how, in their terms
        raise NotYet(f"`{name}` raised {type(error).__name__}: {error}") from error
