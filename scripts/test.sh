#!/usr/bin/env bash
# Run the linters and the whole test suite in ./.venv (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-sshd.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
.venv/bin/ruff check tui_ft screens tests benchmarks
.venv/bin/ruff format --check -q tui_ft screens tests benchmarks
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
