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
  if [ "$BACKEND" = torch ]; then
    # Only the CPU build 2.13.0+cpu, from this machine's local wheels: PyPI's torch 2.13.0 is the
    # multi-gigabyte CUDA build. Ask pip what it would install (metadata only) before installing.
    report="$(mktemp)"
    python -m pip install --quiet --dry-run --report "$report" "$ROOT[torch]" >/dev/null
    chosen="$(python -c 'import json, sys
print(" ".join(i["metadata"]["version"] for i in json.load(open(sys.argv[1]))["install"] if i["metadata"]["name"] == "torch"))' "$report")"
    rm -f "$report"
    case "$chosen" in
      "" | *+cpu) ;;
      *)
        echo "pip would install torch $chosen, not the local CPU build 2.13.0+cpu: refusing." >&2
        exit 1
        ;;
    esac
  fi
  echo "Installing the $BACKEND extra into $VENV"
  python -m pip install --quiet -e "$ROOT[lessons,test,$BACKEND]"
  touch "$stamp"
fi
export KERAS_BACKEND="$BACKEND"
python -m pytest tests/test_losses_*.py tests/test_metrics_*.py tests/test_models.py "$@"
# Lesson 4 on JAX; lesson 3 on torch, where lesson 4's cell 7 calls np.asarray on a model output
# that requires grad (notebooks/04_triplet_semihard.py: use tk.training.embed there).
lesson="${TSLEARNKIT_BACKEND_LESSON:-$([ "$BACKEND" = jax ] && echo 04 || echo 03)}"
lesson_out="$(mktemp -d)"
tslearnkit run --lessons "$lesson" --quick --out "$lesson_out"
rm -rf "$lesson_out"
