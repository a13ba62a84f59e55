#!/usr/bin/env bash
# Create (idempotently) the side virtual environments that hold PyTorch and
# pytorch-metric-learning (PML). tslearnkit itself never needs them: they only produce the
# golden values in tests/golden/ and the PML column of bench/metrics.py.
#
#   bash bench/envs/torch.sh            # -> .venvs/torch (PML 2.x) and .venvs/torch-pml0999
#   TORCH_VENV=/tmp/t bash bench/envs/torch.sh
#
# It prints TORCH_PYTHON=... and TORCH_LEGACY_PYTHON=..., the interpreters that
# tests/golden/make_pml_goldens.py and bench/metrics.py look for (those paths by default).
#
# Environment:
#   TORCH_VENV         venv with torch + pytorch-metric-learning 2.x (default .venvs/torch)
#   TORCH_LEGACY_VENV  venv with torch + pytorch-metric-learning 0.9.99, the version the study
#                      used (default .venvs/torch-pml0999); SKIP_LEGACY=1 skips it
#   TORCH_BASE_PYTHON  interpreter the venvs are made from (default: python3.11, the only
#                      Python the local CPU wheel of torch 2.13.0 is built for)
#
# torch is pinned to 2.13.0 (a CPU wheel on local disk here). Nothing may pull in another torch:
# PML 2.x accepts any torch >= 1.6, and PML 0.9.99 (which also names torchvision) is installed
# with --no-deps plus its real runtime dependencies listed by hand. The script checks the
# installed torch version at the end and fails if it is not 2.13.0.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TORCH_VERSION="2.13.0"
PML_VERSION="2.9.0"
PML_LEGACY_VERSION="0.9.99"
TORCH_VENV="${TORCH_VENV:-$REPO_ROOT/.venvs/torch}"
TORCH_LEGACY_VENV="${TORCH_LEGACY_VENV:-$REPO_ROOT/.venvs/torch-pml0999}"
BASE_PYTHON="${TORCH_BASE_PYTHON:-$(command -v python3.11 || true)}"

if [[ -z "$BASE_PYTHON" ]]; then
    echo "torch.sh: python3.11 not found; set TORCH_BASE_PYTHON" >&2
    exit 1
fi

_make_venv() {  # $1 = venv dir
    [[ -x "$1/bin/python" ]] || "$BASE_PYTHON" -m venv "$1"
}

_torch_is_pinned() {  # $1 = venv dir; true if it imports torch $TORCH_VERSION (any local tag)
    "$1/bin/python" - "$TORCH_VERSION" <<'PY' 2>/dev/null
import sys
import torch
sys.exit(torch.__version__.split("+")[0] != sys.argv[1])
PY
}

_install_torch() {  # $1 = venv dir; torch first, pinned, so nothing later can swap it
    _torch_is_pinned "$1" || "$1/bin/python" -m pip install --quiet "torch==$TORCH_VERSION"
}

_check_torch() {  # $1 = venv dir
    if ! _torch_is_pinned "$1"; then
        echo "torch.sh: $1 lacks torch $TORCH_VERSION: stop and check why" >&2
        return 1
    fi
}

_have() {  # $1 = venv dir, $2 = distribution, $3 = version
    "$1/bin/python" - "$2" "$3" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(version(sys.argv[1]) != sys.argv[2])
PY
}

# --- PML 2.x ---------------------------------------------------------------------------------
_make_venv "$TORCH_VENV"
_install_torch "$TORCH_VENV"
if ! _have "$TORCH_VENV" pytorch-metric-learning "$PML_VERSION"; then
    "$TORCH_VENV/bin/python" -m pip install --quiet "torch==$TORCH_VERSION" \
        "pytorch-metric-learning==$PML_VERSION" numpy scikit-learn faiss-cpu
fi
_check_torch "$TORCH_VENV"

# --- PML 0.9.99 (the study's version) -------------------------------------------------------
if [[ "${SKIP_LEGACY:-0}" != "1" ]]; then
    _make_venv "$TORCH_LEGACY_VENV"
    _install_torch "$TORCH_LEGACY_VENV"
    if ! _have "$TORCH_LEGACY_VENV" pytorch-metric-learning "$PML_LEGACY_VERSION"; then
        "$TORCH_LEGACY_VENV/bin/python" -m pip install --quiet --no-deps \
            "pytorch-metric-learning==$PML_LEGACY_VERSION"
        # its runtime needs; numpy < 1.24 still has the `np.int` alias 0.9.99 uses
        "$TORCH_LEGACY_VENV/bin/python" -m pip install --quiet "torch==$TORCH_VERSION" \
            "numpy<1.24" scikit-learn faiss-cpu tqdm
    fi
    _check_torch "$TORCH_LEGACY_VENV"
fi

echo "TORCH_PYTHON=$TORCH_VENV/bin/python"
[[ "${SKIP_LEGACY:-0}" == "1" ]] || echo "TORCH_LEGACY_PYTHON=$TORCH_LEGACY_VENV/bin/python"
