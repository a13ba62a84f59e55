#!/usr/bin/env bash
# The test command: set up .venv if needed, then run the whole suite (unit tests, golden
# comparisons, notebook checks and the quick lesson runs). Extra arguments go to pytest.
# Two pytest-xdist workers (TSLEARNKIT_TEST_WORKERS=N for another count, 0 for one process); the
# groups in tests/conftest.py keep each file, and each long quick-lesson fixture, on one worker.
# On 2 cores: 13 min with two workers, 24.5 min in one process (2026-12-07, the same tests).
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
python -m pytest -n "${TSLEARNKIT_TEST_WORKERS:-2}" --dist loadgroup "$@"
