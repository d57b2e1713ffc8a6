#!/usr/bin/env bash
# Set up tui-ft for development and the demo on a CPU-only machine, in ./.venv.
# Idempotent: a second run with unchanged requirements returns in a second.
# The versions come from requirements/constraints.txt (bash scripts/update-pins.sh).
# GPU boxes: use `pip install 'tui-ft[train]'` next to your own CUDA torch instead.
#   TUI_FT_VENV=DIR     build the venv there instead of ./.venv
#   TUI_FT_UNPINNED=1   ignore the constraints (scripts/update-pins.sh uses it)
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

VENV=${TUI_FT_VENV:-.venv}
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
VPY=$VENV/bin/python
stamp=$VENV/.tui-ft-setup
want=$(cat pyproject.toml requirements/* scripts/setup.sh scripts/llama-cpp-lean.cmake scripts/unpinned.py \
  <(echo "${TUI_FT_UNPINNED:-}") | sha256sum | cut -d' ' -f1)
pinned=$(grep -iE '^llama[-_]cpp[-_]python==' requirements/constraints.txt | cut -d= -f3 || true)
# GCC 12 miscompiles llama.cpp's AMX matmul (llama.cpp issue #20824): every quantised GGUF
# crashes on a CPU with AMX. Explicit -mno-amx-* flags win over -march=native. The same
# string is tui_ft.gguf.cpu.SAFE_CFLAGS (tests/export/test_amx_guard.py keeps them equal).
SAFE_CFLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
lean="-DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF"
lean+=" -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF"
lean+=" -DCMAKE_PROJECT_llama.cpp_INCLUDE=$PWD/scripts/llama-cpp-lean.cmake"
build_cmake="${CMAKE_ARGS:-} $lean"
build_cflags="${CFLAGS:-} $SAFE_CFLAGS"
build_cxxflags="${CXXFLAGS:-} $SAFE_CFLAGS"
# What the installed wheel was built from: a change of version, flags or compiler rebuilds
# it (a wheel from before the safe flags included).
llama_key=$VENV/.tui-ft-llama-build
# The lean include is named by its content, not its path: clones share one built wheel.
want_llama=$(printf '%s\n' "${pinned:-unpinned}" "$build_cflags" "$build_cxxflags" \
  "${build_cmake//$PWD\//}" "$(sha256sum < scripts/llama-cpp-lean.cmake)" \
  "$(${CXX:-c++} --version 2>/dev/null | head -1)" "$(${CC:-cc} --version 2>/dev/null | head -1)" \
  | sha256sum | cut -d' ' -f1)
# Wheels built here, keyed by all of the above (pip's own cache is keyed by the sdist alone).
wheel_cache=${XDG_CACHE_HOME:-$HOME/.cache}/tui-ft/llama-wheels/$want_llama
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ "$(cat "$llama_key" 2>/dev/null)" = "$want_llama" ] \
  && "$VPY" -c 'import tui_ft, llamafactory' 2>/dev/null; then
  exit 0
fi

pins=(-c requirements/constraints.txt)
[ -z "${TUI_FT_UNPINNED:-}" ] || pins=()
# pip's own exit status decides (pipefail); the filter only hides noise, including pip's
# resolver note on what LLaMA-Factory is installed without on purpose (see train-cpu.txt).
quiet='^WARNING: Location|^ERROR: pip.s dependency resolver does not|^llamafactory .* requires (gradio|torchaudio|torchvision)'
pip_install() {
  "$VPY" -m pip install --disable-pip-version-check -q "${pins[@]}" "$@" 2>&1 \
    | { grep -vE "$quiet" || true; }
}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
t0=$SECONDS

# llama-cpp-python compiles llama.cpp: the long pole, so its wheel is built first, in the
# background, while the downloads below run. tui-ft loads only libllama and ggml (see
# scripts/llama-cpp-lean.cmake): the multimodal and common libraries and every program
# are left out. The user's own CMAKE_ARGS (e.g. -DGGML_CUDA=on) are kept.
have=$("$VPY" -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))' \
  2>/dev/null || true)
build_pid=
wheels=
if [ -z "$have" ] || { [ -z "${TUI_FT_UNPINNED:-}" ] && [ "$have" != "$pinned" ]; } \
  || [ "$(cat "$llama_key" 2>/dev/null)" != "$want_llama" ]; then
  if [ -n "${TUI_FT_UNPINNED:-}" ] || ! compgen -G "$wheel_cache/llama_cpp_python-*.whl" >/dev/null; then
    echo "setup: llama-cpp-python: compiling llama.cpp in the background ..." >&2
    wheels=$(mktemp -d)
    log=$wheels/build.log
    # pip's wheel cache would hand back a wheel built from the same sdist with other flags:
    # the sdist comes through pip's download cache, the wheel is built with no cache at all.
    if ! "$VPY" -m pip download --disable-pip-version-check --no-deps --no-binary llama-cpp-python \
      -d "$wheels/sdist" "${pins[@]}" "llama-cpp-python>=0.3.16" >"$log" 2>&1; then
      tail -20 "$log" >&2
      echo "setup: could not download the llama-cpp-python sources (log: $log)" >&2
      exit 1
    fi
    CFLAGS=$build_cflags CXXFLAGS=$build_cxxflags CMAKE_ARGS=$build_cmake \
      CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
      "$VPY" -m pip wheel --disable-pip-version-check --no-cache-dir -v --no-deps \
      -w "$wheels" "$wheels"/sdist/llama_cpp_python-*.tar.gz >>"$log" 2>&1 &
    build_pid=$!
    trap 'kill "$build_pid" 2>/dev/null || true' EXIT
    # A heartbeat every 30 s with the compiler's progress ("[41/83]"): a slow machine
    # must not look hung.
    (
      next=$((SECONDS + 30))
      while kill -0 "$build_pid" 2>/dev/null; do
        sleep 1
        if [ "$SECONDS" -ge "$next" ]; then
          next=$((next + 30))
          step=$(grep -oE '\[[0-9]+/[0-9]+\]' "$log" | tail -1 || true)
          echo "setup:   building llama.cpp ${step:-(preparing)} $((SECONDS - t0)) s" >&2
        fi
      done
    ) &
  else
    echo "setup: llama-cpp-python: the wheel built earlier with these flags ($wheel_cache)" >&2
    wheels=$wheel_cache
  fi
fi

echo "setup: torch (CPU wheel) ..." >&2
pip_install torch==2.13.0
echo "setup: LLaMA-Factory without torchvision/torchaudio ..." >&2
pip_install --no-deps llamafactory==0.9.5
pip_install -r requirements/train-cpu.txt

if [ -n "$build_pid" ]; then
  if ! wait "$build_pid"; then
    tail -40 "$log" >&2
    echo "setup: llama-cpp-python failed to build (full log: $log)" >&2
    exit 1
  fi
  trap - EXIT
  echo "setup: llama-cpp-python built ($((SECONDS - t0)) s)" >&2
  if [ -z "${TUI_FT_UNPINNED:-}" ]; then  # kept for the next venv or clone (renamed: whole)
    rm -rf "$wheel_cache.partial" && mkdir -p "$wheel_cache.partial" \
      && cp "$wheels"/llama_cpp_python-*.whl "$wheel_cache.partial/" \
      && rm -rf "$wheel_cache" && mv "$wheel_cache.partial" "$wheel_cache" \
      || echo "setup: warning: could not keep the built wheel in $wheel_cache" >&2
  fi
fi
if [ -n "$wheels" ]; then
  # --force-reinstall --no-deps: the rebuilt wheel of the same version replaces the old one.
  pip_install --force-reinstall --no-deps "$wheels"/llama_cpp_python-*.whl
  pip_install "$wheels"/llama_cpp_python-*.whl  # its dependencies, on a new venv
  [ "$wheels" = "$wheel_cache" ] || rm -rf "$wheels"
  rm -f "$llama_key"  # written once the marker beside the libraries is (below)
fi

echo "setup: tui-ft with its dev and gguf extras ..." >&2
pip_install -e ".[dev,gguf]"
"$VPY" -c 'import tui_ft, textual, llamafactory, llama_cpp' >/dev/null
if [ ! -f "$llama_key" ]; then
  # The marker beside the libraries tells tui-ft they need no load-time AMX guard.
  "$VPY" -m tui_ft.gguf.cpu mark >/dev/null
  echo "$want_llama" > "$llama_key"
fi
"$VPY" -m tui_ft setup textonly >/dev/null
if [ ${#pins[@]} -gt 0 ]; then
  loose=$("$VPY" scripts/unpinned.py requirements/constraints.txt)
  [ -z "$loose" ] || echo "setup: not pinned (run bash scripts/update-pins.sh and commit): $loose" >&2
fi
# llama.cpp's imatrix/quantize/perplexity tools (gguf --imatrix) compile against this venv's
# llama-cpp-python once, here, rather than in the middle of the first export or test run.
echo "setup: llama.cpp's tools for gguf --imatrix ..." >&2
if ! "$VPY" -m tui_ft setup llama-tools --jobs "$(nproc)" | sed 's/^/setup:   /' >&2; then
  echo "setup: warning: llama.cpp's tools did not build; gguf --imatrix builds them on first use" >&2
fi
echo "$want" > "$stamp"
echo "setup: done ($VENV, $((SECONDS - t0)) s)" >&2
