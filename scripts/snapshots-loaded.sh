#!/usr/bin/env bash
# Run the snapshot and Pilot tests RUNS times in a row (default 5) while a busy loop keeps
# another core loaded, as on a shared 2-core CI box. Fails if any run fails.
#   bash scripts/snapshots-loaded.sh                    # the test files that drive an app
#   bash scripts/snapshots-loaded.sh tests/env/test_screen.py -k snapshot
#   RUNS=10 BUSY=2 bash scripts/snapshots-loaded.sh     # more runs, two busy loops
# Tests that train for real take /tmp/tui-ft-heavy.lock themselves; to share the
# machine politely run the whole script under `flock /tmp/tui-ft-heavy.lock`.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
busy=${BUSY:-1}

if [ $# = 0 ]; then
  # Every test module that drives an app under Pilot (snapshot tests included), less
  # those that only check an installed app starts (packaging, import hygiene, laptop).
  mapfile -t targets < <(grep -rlE --include='test_*.py' 'run_test\(|snap_compare' tests \
    | grep -vE '^tests/(laptop/|test_packaging\.py|test_import_hygiene\.py)' | sort)
  [ ${#targets[@]} -gt 0 ] || { echo "snapshots-loaded: no Pilot tests found under tests/" >&2; exit 1; }
  set -- "${targets[@]}"
fi

pids=()
stop_busy() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop_busy EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$busy"); do
  yes >/dev/null &
  pids+=($!)
done

export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
logs=$(mktemp -d)
failed=0
echo "snapshots-loaded: $runs runs, $busy busy loop(s), load $(cut -d' ' -f1-3 /proc/loadavg): $*" >&2
for i in $(seq "$runs"); do
  start=$SECONDS
  if .venv/bin/python -m pytest -q -p no:cacheprovider "$@" >"$logs/run$i.log" 2>&1; then
    verdict=passed
  else
    verdict=FAILED
    failed=$((failed + 1))
  fi
  summary=$(grep -E '^(FAILED|ERROR) ' "$logs/run$i.log" | tail -5; grep -v '^\s*$' "$logs/run$i.log" | tail -1)
  echo "run $i/$runs: $verdict in $((SECONDS - start)) s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  [ "$verdict" = passed ] || echo "$summary" | sed 's/^/    /' >&2
done
if [ "$failed" -gt 0 ]; then
  echo "snapshots-loaded: $failed of $runs runs failed (logs: $logs)" >&2
  exit 1
fi
rm -rf "$logs"
echo "snapshots-loaded: all $runs runs passed" >&2
