#!/usr/bin/env bash
# Set up tui-ft for development and the demo on a CPU-only machine, in ./.venv.
# Idempotent: a second run with unchanged requirements returns in a second.
# GPU boxes: use `pip install 'tui-ft[train]'` next to your own CUDA torch instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY=$cand; break
    fi
  done
fi
[ -n "$PY" ] || { echo "setup: Python >= 3.11 is needed" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
stamp=.venv/.tui-ft-setup
want=$(cat pyproject.toml requirements/*.txt scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$VPY" -c 'import tui_ft, llamafactory' 2>/dev/null; then
  exit 0
fi

pip_install() { "$VPY" -m pip install --disable-pip-version-check -q "$@" 2>&1 | grep -v "^WARNING: Location" || true; }
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

echo "setup: torch (CPU wheel) ..." >&2
pip_install torch==2.13.0
echo "setup: LLaMA-Factory without torchvision/torchaudio ..." >&2
pip_install --no-deps llamafactory==0.9.5
pip_install -r requirements/train-cpu.txt
echo "setup: tui-ft with its dev and gguf extras (llama-cpp-python builds once, then pip's cache keeps it) ..." >&2
pip_install -e ".[dev,gguf]"
"$VPY" -c 'import tui_ft, textual, llamafactory, llama_cpp' >/dev/null
"$VPY" -m tui_ft setup textonly >/dev/null
echo "$want" > "$stamp"
echo "setup: done (.venv)" >&2
