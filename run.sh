#!/usr/bin/env bash
# The main job: set up .venv if needed, then run every lesson end to end on the default
# (embedded, offline) dataset and write results/, figures/ and the results table.
# Extra arguments go to `tslearnkit run` (e.g. --quick, --seeds 0 1 2, --lessons 03_triplet_all).
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
if tslearnkit --help >/dev/null 2>&1; then
  tslearnkit run "$@"
else
  python -c "import tslearnkit as tk; print(tk.data.load_dataset().summary())"
fi
