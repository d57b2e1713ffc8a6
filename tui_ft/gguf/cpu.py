"""llama.cpp on CPUs with AMX: the build flags that avoid GCC 12's AMX bug, and the guard
for a library tui-ft did not build.

GCC 12 declares `_tile_loadconfig` as reading 8 bytes, so it drops the writes of the tile
config's row and column sizes; llama.cpp's AMX matmul then faults at `ldtilecfg` (SIGSEGV
or SIGILL) as soon as a quantised matmul has two rows (llama.cpp issue #20824). Explicit
`-mno-amx-*` flags override `-march=native` (GGML_AMX_*=OFF does not while GGML_NATIVE is
on), so every build tui-ft makes gets `SAFE_CFLAGS`, and the wheel setup.sh builds gets a
marker beside its libraries. Elsewhere (the user's own llama-cpp-python, a box) on a CPU
with AMX, models load without the CPU's extra buffer types (the AMX and repack paths):
slower, never a crash. `guard_needed` is the one decision.
"""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui_ft.host.base import Host

AMX_OFF = ("-mno-amx-tile", "-mno-amx-int8", "-mno-amx-bf16")
SAFE_CFLAGS = " ".join(AMX_OFF)
"""scripts/setup.sh holds the same string (a test keeps them equal)."""
MARKER = ".tui-ft-build.json"
"""Beside the llama_cpp package's libraries: the flags they were built with and their
sizes and times, so a library replaced later (pip, the user) no longer counts as safe."""
NO_REPACK = "--no-repack"
"""The llama.cpp tools' switch for the same guard."""


def build_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """CFLAGS and CXXFLAGS for a llama.cpp build: the user's own (from `env`, default this
    process's), then the safe flags, which win over -march=native."""
    env = os.environ if env is None else env
    return {k: f"{env.get(k, '')} {SAFE_CFLAGS}".strip() for k in ("CFLAGS", "CXXFLAGS")}


def cpu_has_amx(cpuinfo: str) -> bool:
    """Whether /proc/cpuinfo's text lists AMX tiles (`amx_tile` among a CPU's flags)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags" and "amx_tile" in value.split():
            return True
    return False


def read_cpuinfo(path: str = "/proc/cpuinfo") -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:  # not Linux: no AMX bug to guard against that we know of
        return ""


LibStats = Mapping[str, tuple[int, int]]
"""{library file name: (size, whole-second mtime)} of a lib folder."""


def marker_text(libs: LibStats, cflags: str = SAFE_CFLAGS) -> str:
    return json.dumps({"cflags": cflags, "libs": {k: list(v) for k, v in sorted(libs.items())}})


def guard_needed(cpuinfo: str, marker: str | None, libs: LibStats) -> bool:
    """Whether llama.cpp must run without its CPU extra buffer types here: the CPU has
    AMX and the libraries in use are not the ones tui-ft built with the safe flags
    (`marker`: the marker file's text, None when missing; `libs`: the libraries now)."""
    if not cpu_has_amx(cpuinfo):
        return False
    if not marker or not libs:
        return True
    try:
        data = json.loads(marker)
        flags = str(data["cflags"]).split()
        built = {k: tuple(v) for k, v in data["libs"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return True
    return not all(f in flags for f in AMX_OFF) or built != dict(libs)


def _is_lib(name: str) -> bool:
    return name.startswith("lib") and (name.endswith(".so") or ".so." in name)


def lib_stats_on(host: Host, lib_dir: str) -> dict[str, tuple[int, int]]:
    try:
        entries = host.listdir(lib_dir)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return {e.name: (e.size, int(e.mtime)) for e in entries if _is_lib(e.name)}


def guard_needed_on(host: Host, lib_dir: str | None) -> bool:
    """`guard_needed` for llama.cpp loaded from `lib_dir` on `host` (None: unknown)."""
    try:
        cpuinfo = host.read_text("/proc/cpuinfo")
    except (OSError, UnicodeDecodeError):
        return False
    if not cpu_has_amx(cpuinfo):  # the common case costs one read
        return False
    if not lib_dir:
        return True
    marker = posixpath.join(lib_dir, MARKER)
    text = host.read_text(marker) if host.exists(marker) else None
    return guard_needed(cpuinfo, text, lib_stats_on(host, lib_dir))


def llama_lib_dir() -> str | None:
    """The folder of the installed llama_cpp package's libraries (without importing it)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg = next(iter(spec.submodule_search_locations))
    lib = os.path.join(pkg, "lib")
    return lib if os.path.isdir(lib) else pkg


@lru_cache(maxsize=1)
def guard_needed_here() -> bool:
    """`guard_needed` for this process's llama-cpp-python (asked once)."""
    from tui_ft.host.local import LocalHost

    return guard_needed_on(LocalHost(), llama_lib_dir())


def write_marker(lib_dir: str | None = None) -> str:
    """Record that the libraries in `lib_dir` (default: the installed llama_cpp's) were
    built with the safe flags; scripts/setup.sh calls it right after installing them."""
    from tui_ft.atomic import atomic_write_bytes
    from tui_ft.host.local import LocalHost

    folder = lib_dir or llama_lib_dir()
    if not folder:
        raise FileNotFoundError("llama_cpp is not installed")
    stats = lib_stats_on(LocalHost(), folder)
    if not stats:
        raise FileNotFoundError(f"{folder}: no llama.cpp libraries")
    path = os.path.join(folder, MARKER)
    atomic_write_bytes(path, marker_text(stats).encode())
    return path


_LOAD_LOCK = threading.Lock()


@contextmanager
def _no_extra_bufts() -> Iterator[None]:
    """While a Llama is built: its model params come with `use_extra_bufts` off.

    llama-cpp-python's Llama fills `llama_model_default_params()` and loads at once, with
    no parameter for this field; the function it calls is wrapped for that moment only.
    """
    from llama_cpp import llama_cpp as lib

    original = lib.llama_model_default_params

    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    with _LOAD_LOCK:
        lib.llama_model_default_params = default_params
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def load_llama(path: str, *, guard: bool | None = None, **kwargs: Any) -> Any:
    """`llama_cpp.Llama(path, **kwargs)`, guarded where `guard_needed_here` says so
    (`guard`: force it on or off, for tests and benchmarks)."""
    from llama_cpp import Llama

    if not (guard_needed_here() if guard is None else guard):
        return Llama(path, **kwargs)
    with _no_extra_bufts():
        return Llama(path, **kwargs)


def tool_args(host: Host, lib_dir: str | None) -> list[str]:
    """Extra arguments for llama-imatrix / llama-perplexity using the libraries in
    `lib_dir` (None: libraries built into them by tui-ft with the safe flags)."""
    if lib_dir is None:
        return []
    return [NO_REPACK] if guard_needed_on(host, lib_dir) else []


def main(argv: list[str]) -> int:
    """`python -m tui_ft.gguf.cpu mark|check|cflags` (scripts/setup.sh)."""
    cmd = argv[0] if argv else "check"
    if cmd == "cflags":
        print(SAFE_CFLAGS)
    elif cmd == "mark":
        # Only a library that really left AMX out gets the marker: if the flags did not
        # reach the compiler, its CPU features still list AMX_INT8.
        import llama_cpp

        features = llama_cpp.llama_print_system_info().decode(errors="replace")
        if "AMX_INT8 = 1" in features:
            print(
                f"llama.cpp was built with AMX despite {SAFE_CFLAGS}: {features}", file=sys.stderr
            )
            return 1
        print(write_marker())
    elif cmd == "check":
        print("guard needed" if guard_needed_here() else "not needed")
    else:
        print("usage: python -m tui_ft.gguf.cpu [mark|check|cflags]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
