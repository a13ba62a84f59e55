#!/usr/bin/env bash
# The test command: set up .venv if needed, then run the whole suite (unit tests, golden
# comparisons, notebook checks and the quick lesson runs). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
python -m pytest "$@"
