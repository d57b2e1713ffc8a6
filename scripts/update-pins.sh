#!/usr/bin/env bash
# Regenerate requirements/constraints.txt, the exact versions the tests run against.
# Updating the pins is a deliberate commit: run this, run the suite, commit the diff.
#   bash scripts/update-pins.sh            # newest releases: fresh venv, setup without pins
#   bash scripts/update-pins.sh .venv      # freeze an existing venv as it is
set -euo pipefail
cd "$(dirname "$0")/.."
out=requirements/constraints.txt

venv=${1:-}
if [ -z "$venv" ]; then
  venv=$(mktemp -d)/venv
  trap 'rm -rf "$(dirname "$venv")"' EXIT
  echo "update-pins: resolving the newest releases in $venv ..." >&2
  TUI_FT_VENV=$venv TUI_FT_UNPINNED=1 bash scripts/setup.sh
fi

{
  echo "# Exact versions the test suite runs against; scripts/setup.sh installs with -c this file."
  echo "# pyproject.toml keeps open ranges for users. Regenerate: bash scripts/update-pins.sh"
  # tui-ft itself is installed editable; local labels (torch's +cpu) are dropped so the
  # pin also matches the wheel a user's index serves.
  "$venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check \
    | grep -viE '^(tui-ft|tui_ft)[= ]|^-e ' | sed -E 's/^([^=]+==[^+]+)\+[A-Za-z0-9.]+$/\1/' \
    | LC_ALL=C sort -f
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "update-pins: wrote $out ($(grep -vc '^#' "$out") pins)" >&2
