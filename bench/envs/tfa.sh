#!/usr/bin/env bash
# Creates (once) the virtual environment with the last tensorflow-addons release, used only to
# write the TFA goldens (tests/golden/make_tfa_goldens.py) and to benchmark TFA (bench/losses.py).
# TFA does not import with Keras 3, so it cannot live in the project environment.
#
#   usage:  TFA_PYTHON=$(bash bench/envs/tfa.sh)      # prints the venv's python path on stdout
#   env:    TFA_VENV  where to create it (default: .venvs/tfa under the repository root)
#           PYTHON    interpreter to build it from (default: python3.11; TF 2.15 needs <= 3.11)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=${TFA_VENV:-$repo_root/.venvs/tfa}
python=${PYTHON:-python3.11}
requirements=(tensorflow-cpu==2.15.1 tensorflow-addons==0.23.0)

if ! "$venv/bin/python" -c "import tensorflow_addons" >/dev/null 2>&1; then
    echo "creating $venv with ${requirements[*]}" >&2
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet "${requirements[@]}" >&2
fi
echo "$venv/bin/python"
