#!/usr/bin/env bash
# Run the linters and the whole test suite in ./.venv (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-sshd.sh
# Three pytest-xdist workers (TUI_FT_TEST_WORKERS=N; 0: none). On 2 cores two workers left
# a third of the CPU idle (tests wait on sockets, pauses and subprocesses); three keep both
# cores busy. `loadgroup` sends every training test to one worker, the others by module to
# whichever is free (tests/components.py: group_for_xdist). One OpenMP thread each: a 2-thread torch beside a
# busy core can crawl (2 s a demo step, seen in tests/lfold on a loaded 2-core box); set
# here, not inherited, so a shell's OMP_NUM_THREADS cannot bring the crawl back.
workers=${TUI_FT_TEST_WORKERS:-3}
threads=1
[ "$workers" != 0 ] || threads=2
export OMP_NUM_THREADS=$threads HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
.venv/bin/ruff check tui_ft screens tests benchmarks
.venv/bin/ruff format --check -q tui_ft screens tests benchmarks
xdist=(-n "$workers" --dist loadgroup)
[ "$workers" != 0 ] || xdist=()
.venv/bin/python -m pytest -q -p no:cacheprovider "${xdist[@]}" "$@"
