#!/usr/bin/env bash
# The Colab legs of CI: the kit on a Colab runtime as it is (Python 3.13 and Colab's package
# versions), not on the development venv.
#
#   1. a Python 3.13 venv (.venvs/colab313[-tpu]) with Colab's pip, setuptools and wheel and Colab's
#      versions of the kit's dependency closure:
#      pip names the closure (a dry run of `.[tensorflow,aeon,lessons,test]`), and the names that
#      Colab's published `pip freeze` holds are installed at exactly its versions (the freeze as
#      constraints; on the TPU runtime, which has no TensorFlow, none is installed);
#   2. tests/test_colab_install.py: each pip command of the lessons' install cell, run plainly (pip's
#      dry-run report, no constraints), would change no package Colab has (fails on any upgrade or
#      downgrade, and on TensorFlow downloaded onto a runtime without it);
#   3. the install cell itself, run for real (the kit from this checkout): it changes nothing here;
#      then papermill for the lesson runs, under the runtime's versions;
#   4. the notebook checks that do not execute every lesson, and lessons 03 and 04 in quick mode;
#      on the TPU runtime also the tests of what differs there: the install cell's, the samplers'
#      (the PyDataset pipeline) and the baselines' (aeon's DTW and MiniRocket on numba 0.67).
#
#   bash scripts/colab-leg.sh            # Colab's CPU/GPU runtime: what .ci/run runs after the main leg
#   bash scripts/colab-leg.sh tpu        # Colab's TPU runtime (no TensorFlow, numba 0.67) under
#                                        # KERAS_BACKEND=jax on this CPU (see the README's Colab section)
#
# TSLEARNKIT_COLAB_LESSONS="03" runs fewer lessons (default "03 04").
# Colab's package lists: ../shared/colab/ (TSLEARNKIT_COLAB_DIR). Python 3.13: PYTHON313, else
# python3.13 on PATH, else pyenv's 3.13. The venv is rebuilt when the freeze or pyproject.toml is
# newer than it; pip's wheel cache (PIP_CACHE_DIR) keeps a rebuild to a few minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNTIME="${1:-cpu-gpu}"
case "$RUNTIME" in
  cpu-gpu) suffix="" ;;
  tpu)
    suffix="-tpu"
    export KERAS_BACKEND=jax JAX_PLATFORMS=cpu # no TensorFlow on that runtime; JAX on this CPU
    ;;
  *)
    echo "usage: bash scripts/colab-leg.sh [cpu-gpu|tpu]" >&2
    exit 2
    ;;
esac
COLAB_DIR="${TSLEARNKIT_COLAB_DIR:-$ROOT/../shared/colab}"
VENV="${TSLEARNKIT_COLAB_VENV:-$ROOT/.venvs/colab313$suffix}"
FREEZE="$(ls "$COLAB_DIR"/colab-"$RUNTIME"-freeze-*.txt 2>/dev/null | sort | tail -n 1 || true)"
if [ -z "$FREEZE" ]; then
  echo "colab-leg: no colab-$RUNTIME-freeze-*.txt in $COLAB_DIR (set TSLEARNKIT_COLAB_DIR)" >&2
  exit 1
fi

find_python313() {
  local candidate
  for candidate in "${PYTHON313:-}" "$(command -v python3.13 || true)" \
    "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.13*/bin/python3; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "colab-leg: no Python 3.13 found (set PYTHON313=/path/to/python3.13)" >&2
  return 1
}

started=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Colab's pins as constraints: comments and `name @ url` lines (Colab-internal builds) left out.
grep -vE '^[[:space:]]*(#|$)| @ ' "$FREEZE" >"$work/colab-constraints.txt"
PIP=("$VENV/bin/python" -m pip)
stamp="$VENV/.colab-closure-installed"
if [ ! -f "$stamp" ] || [ "$FREEZE" -nt "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  PY313="$(find_python313)"
  echo "colab-leg: building $VENV ($("$PY313" --version), Colab's versions from $(basename "$FREEZE"))"
  rm -rf "$VENV"
  "$PY313" -m venv "$VENV"
  # Colab's own pip (24.1.2) and setuptools (75.2.0), and wheel where it has one.
  "${PIP[@]}" install -qq -c "$work/colab-constraints.txt" $(grep -ioE '^(pip|setuptools|wheel)==' "$work/colab-constraints.txt" | tr -d =)
  "${PIP[@]}" install -qq --dry-run --ignore-installed --report "$work/closure.json" "$ROOT[tensorflow,aeon,lessons,test]"
  "$VENV/bin/python" - "$work/closure.json" "$work/colab-constraints.txt" >"$work/closure.txt" <<'EOF'
import json, re, sys
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
colab = {norm(line.split("==")[0]) for line in open(sys.argv[2]) if "==" in line}
names = sorted({norm(i["metadata"]["name"]) for i in json.load(open(sys.argv[1]))["install"]} & colab)
print("\n".join(names))
EOF
  if [ "$RUNTIME" = tpu ]; then printf 'jax\njaxlib\n' >>"$work/closure.txt"; fi # the Keras backend there
  echo "colab-leg: installing Colab's versions of $(wc -l <"$work/closure.txt") packages of the kit's closure"
  "${PIP[@]}" install -qq -c "$work/colab-constraints.txt" -r "$work/closure.txt"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
echo "colab-leg: environment ready after $((SECONDS - started)) s"

# pytest runs with --noconftest: tests/conftest.py imports TensorFlow, which the TPU runtime lacks.
PYTEST=(python -m pytest -q -p no:cacheprovider --noconftest --disable-warnings)
export TSLEARNKIT_COLAB_LEG=1 TSLEARNKIT_COLAB_FREEZE="$FREEZE"
# 2. Would the install cell's pip commands change a Colab package? (Before the kit is installed here.)
"${PYTEST[@]}" -rA tests/test_colab_install.py -k changes_no_colab_package

# 3. The install cell itself (the runtime's own versions as constraints), then papermill the same way.
"${PYTEST[@]}" -rA tests/test_colab_install.py -k installs_the_kit_and_changes_nothing
python -m pip list --format=freeze --exclude tslearnkit >"$work/runtime-constraints.txt"
python -m pip install -qq -c "$work/runtime-constraints.txt" "$ROOT[lessons]"
echo "colab-leg: kit installed after $((SECONDS - started)) s"

# 4. The notebook checks, less those that execute every lesson (the main leg runs them), then
# lessons 03 and 04 in quick mode. On the TPU runtime, first the tests of what differs there.
if [ "$RUNTIME" = tpu ]; then
  "${PYTEST[@]}" tests/test_colab_install.py tests/test_sampling.py tests/test_baselines.py
fi
"${PYTEST[@]}" tests/test_notebooks.py \
  -k "not (every_lesson_runs_in_quick_mode or instructor_answer or executed_quick or kernel_stderr or writes_records_and_figures)"
read -r -a lessons <<<"${TSLEARNKIT_COLAB_LESSONS:-03 04}"
tslearnkit run --quick --lessons "${lessons[@]}" --out "$work/run"
# The records say which Keras backend made them.
python - "$work/run" "${KERAS_BACKEND:-tensorflow}" <<'EOF'
import json, pathlib, sys
backends = []
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.json")):
    record = json.loads(path.read_text())
    if isinstance(record, dict) and "versions" in record:
        backends.append(record["versions"].get("keras_backend"))
print(f"colab-leg: {len(backends)} records, Keras backends: {sorted(set(map(str, backends)))}")
assert backends and set(backends) == {sys.argv[2]}, backends
EOF
echo "colab-leg: done in $((SECONDS - started)) s"
