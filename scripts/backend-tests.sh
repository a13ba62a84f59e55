#!/usr/bin/env bash
# The backend-neutral part of the suite on another Keras 3 backend: the loss, metric and model
# tests (TFA goldens, brute-force and NumPy references, JAX's keras.distribution data
# parallelism on two virtual CPU devices) and one lesson in quick mode.
#
#   bash scripts/backend-tests.sh jax      # what CI runs after test.sh
#   bash scripts/backend-tests.sh torch    # by hand (see bench/README.md for its time)
#
# Installs the backend's optional extra from pyproject.toml into .venv first (torch is pinned to
# the CPU build 2.13.0). Extra arguments go to pytest.
set -euo pipefail
BACKEND="${1:-}"
case "$BACKEND" in
  jax | torch) shift ;;
  *)
    echo "usage: bash scripts/backend-tests.sh jax|torch [pytest arguments]" >&2
    exit 2
    ;;
esac
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
stamp="$VENV/.tslearnkit-$BACKEND-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "Installing the $BACKEND extra into $VENV"
  python -m pip install --quiet -e "$ROOT[lessons,test,$BACKEND]"
  touch "$stamp"
fi
export KERAS_BACKEND="$BACKEND"
python -m pytest tests/test_losses_*.py tests/test_metrics_*.py tests/test_models.py "$@"
lesson_out="$(mktemp -d)"
tslearnkit run --lessons 04 --quick --out "$lesson_out"
rm -rf "$lesson_out"
