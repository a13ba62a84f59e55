"""Every exercise check has a test that feeds it a plausible wrong answer and expects NotYet
(the per-lesson tests live in tests/test_exercises_lessonNN.py)."""

import importlib
import inspect
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
LESSONS = [f"lesson{n:02d}" for n in range(1, 8)]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_check_is_tested_against_a_wrong_answer(lesson):
    module = importlib.import_module(f"tslearnkit.course.exercises.{lesson}")
    checks = [name for name, fn in inspect.getmembers(module, inspect.isfunction) if name.startswith("check_")]
    assert len(checks) >= 3, f"{lesson} has {len(checks)} checks; every lesson has three exercises"
    test_file = TESTS / f"test_exercises_{lesson}.py"
    assert test_file.is_file(), f"{test_file.name} is missing"
    source = test_file.read_text()
    assert "NotYet" in source
    for name in checks:
        assert source.count(name) >= 2, f"{test_file.name} should call {name} with a wrong and a right answer"
