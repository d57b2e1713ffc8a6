#!/usr/bin/env bash
# Build (once, cached) the test environments with an OLDER LLaMA-Factory release, for
# tests/lfold: the release installed from the registry, and the same release's unpacked
# sdist installed editable (standing in for a user's git checkout).
#
# No second torch: each venv gets a `.pth` that runs site.addsitedir() on the main venv's
# site-packages. A .pth line is processed AFTER the venv's own site-packages is on
# sys.path, so the old LLaMA-Factory and the transformers/peft/trl/datasets/accelerate it
# supports (installed into the new venv) win; torch, numpy, tui-ft and the rest come from
# the main venv. addsitedir (not a bare path line) also runs the main venv's own .pth
# files, so its editable tui-ft is importable. pip sees the same sys.path, so it installs
# only what the main venv lacks or holds at an unsupported version.
#
# Prints the environments' python paths on stdout (release, then editable); progress on
# stderr. Idempotent: a second run returns in a second.
#   LF_OLD_VERSION=0.9.3   the release       TUI_FT_CACHE=DIR   cache root (~/.cache/tui-ft)
set -euo pipefail
cd "$(dirname "$0")/.."

LF=${LF_OLD_VERSION:-0.9.3}
MAIN=${TUI_FT_MAIN_VENV:-$PWD/.venv}
# What LLaMA-Factory 0.9.3 supports (its setup.py / extras.misc.check_dependencies):
# transformers >=4.45,<=4.52.4; datasets <=3.6.0; accelerate <=1.7.0; peft <=0.15.2;
# trl <=0.9.6; tokenizers <=0.21.1. The newest of each is taken.
# 0.9.2: transformers >=4.41.2,<=4.49.0; datasets <=3.2.0; accelerate <=1.2.1;
# peft <=0.12.0; trl <=0.9.6; tokenizers <=0.21.0.
case "$LF" in
  0.9.3) PINS=(transformers==4.52.4 tokenizers==0.21.1 datasets==3.6.0 accelerate==1.7.0
               peft==0.15.2 trl==0.9.6) ;;
  0.9.2) PINS=(transformers==4.49.0 tokenizers==0.21.0 datasets==3.2.0 accelerate==1.2.1
               peft==0.12.0 trl==0.9.6) ;;
  *) echo "lf-old-env: no pin set for LLaMA-Factory $LF (add one to $0)" >&2; exit 2 ;;
esac

MPY=$MAIN/bin/python
[ -x "$MPY" ] || { echo "lf-old-env: $MPY missing: run scripts/setup.sh first" >&2; exit 1; }
pyver=$("$MPY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
torchver=$("$MPY" -c 'import importlib.metadata as m; print(m.version("torch"))')
main_site=$("$MPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# The main venv's path is not in the key: the release venv reaches it through
# $TUI_FT_MAIN_SITE (tests/lfold sets it), so a fresh clone (CI) reuses the cached build.
export TUI_FT_MAIN_SITE=$main_site
key=$(printf '%s\n' "$LF" "$pyver" "$torchver" "${PINS[@]}" | cat - "$0" | sha256sum | cut -c1-12)
ROOT=${TUI_FT_CACHE:-$HOME/.cache/tui-ft}/lf-old/lf$LF-py$pyver-torch$torchver-$key
REL=$ROOT/release
EDIT=$ROOT/editable
t0=$SECONDS

if [ -f "$ROOT/.done" ]; then
  echo "$REL/bin/python"
  echo "$EDIT/bin/python"
  exit 0
fi
mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock 9  # two builds at once would race on the same venvs

chain() {  # $1 venv, $2 site-packages to append behind the venv's own
  local site
  site=$("$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  printf 'import site; site.addsitedir(%s)\n' "'$2'" > "$site/zz_tui_ft_chain.pth"
  echo "$site"
}
pip_q() {
  "$1/bin/python" -m pip install --disable-pip-version-check -q "${@:2}" 2>&1 \
    | { grep -vE "^WARNING: Location|outside environment|resolver does not currently|^(llamafactory|trl) .* requires" || true; }
}

echo "lf-old-env: [1/4] venv for LLaMA-Factory $LF (Python $pyver, torch $torchver from $MAIN) ..." >&2
rm -rf "$REL" "$EDIT"
"$MPY" -m venv "$REL"
rel_site=$(chain "$REL" "$main_site")
# The main venv of whoever runs it, else the one it was built from.
printf 'import os, site; site.addsitedir(os.environ.get("TUI_FT_MAIN_SITE") or %s)\n' \
  "'$main_site'" > "$rel_site/zz_tui_ft_chain.pth"
echo "lf-old-env: [2/4] llamafactory==$LF and ${PINS[*]} ..." >&2
# --no-deps for LLaMA-Factory itself, as scripts/setup.sh does: its gradio/librosa/av pins
# are for the web UI and multimodal data, not text training. It and trl 0.9.6 also declare
# numpy<2, but the main venv's torch and pyarrow are built for numpy 2, so numpy stays the
# main venv's (constraint below) and trl goes in with --no-deps (its other needs are here).
numpy_pin=$ROOT/numpy.txt
echo "numpy==$("$MPY" -c 'import importlib.metadata as m; print(m.version("numpy"))')" > "$numpy_pin"
pip_q "$REL" --no-deps "llamafactory==$LF" "${PINS[@]}"
with_deps=()
for pin in "${PINS[@]}"; do [[ $pin == trl==* ]] || with_deps+=("$pin"); done
pip_q "$REL" -c "$numpy_pin" "${with_deps[@]}"
"$REL/bin/python" - "$LF" <<'EOF'
import importlib.metadata as m, sys
import torch, transformers, llamafactory.extras.misc as misc
assert m.version("llamafactory") == sys.argv[1], m.version("llamafactory")
assert torch.__file__.startswith(sys.prefix) is False, "torch was installed twice"
misc.check_dependencies()  # LLaMA-Factory's own version gate
print(f"lf-old-env:   llamafactory {m.version('llamafactory')}, transformers {transformers.__version__},"
      f" torch {torch.__version__}", file=sys.stderr)
EOF

echo "lf-old-env: [3/4] unpacked sdist of $LF, installed editable (a stand-in git checkout) ..." >&2
src=$ROOT/src
rm -rf "$src" && mkdir -p "$src"
"$REL/bin/python" -m pip download --disable-pip-version-check -q --no-deps --no-binary :all: \
  -d "$src" "llamafactory==$LF" 2>&1 | { grep -v "^WARNING: Location" || true; }
tar -xzf "$src"/llamafactory-"$LF".tar.gz -C "$src"
"$MPY" -m venv "$EDIT"
chain "$EDIT" "$rel_site" >/dev/null
pip_q "$EDIT" --no-deps -e "$src/llamafactory-$LF"

echo "lf-old-env: [4/4] checking the editable install ..." >&2
"$EDIT/bin/python" - "$src/llamafactory-$LF" <<'EOF'
import sys, llamafactory
where = llamafactory.__file__
assert where.startswith(sys.argv[1]), f"llamafactory imported from {where}, not the checkout"
EOF
touch "$ROOT/.done"
for stale in "$(dirname "$ROOT")"/lf"$LF"-*; do  # builds of an older key (script, torch)
  [ "$stale" = "$ROOT" ] || rm -rf "$stale"
done
echo "lf-old-env: done in $((SECONDS - t0)) s ($ROOT)" >&2
echo "$REL/bin/python"
echo "$EDIT/bin/python"
