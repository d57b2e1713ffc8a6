"""llama.cpp's imatrix, quantize and perplexity tools, built at most once per machine.

The llama-cpp-python wheel holds the libraries, not these programs. The sdist of the same
version has the whole llama.cpp tree: it is unpacked (without vocab files and docs) under
the host's cache, and `build_plan` picks the cheapest build (only the tools, against the
wheel's own libraries, where it can). The result lives in a folder keyed by the version,
the cmake flags and CFLAGS (with `tui_ft.gguf.cpu`'s flags against GCC 12's AMX bug).
It is built as `KEY.partial` and renamed when all three programs linked, under a lock,
so a half build or a second process never counts as done. Progress comes from cmake's
`[ 42%]` (make) or `[12/40]` (ninja) lines.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from tui_ft.gguf.build_plan import TARGETS, WRAPPER, Plan, plan_build
from tui_ft.gguf.toolrun import last_lines
from tui_ft.gguf.vendor import cache_root, download_sdist, extract
from tui_ft.host.base import Host, HostError

SKIP = ("models/", "docs/", "media/", "tests/", "benches/", "examples/", "app/")
"""Parts of the tree no target needs: 120 MB of vocab files, docs and test data."""
BUILT = ".built"
_PERCENT = re.compile(r"^\[\s*(\d+)%\]")
_STEPS = re.compile(r"^\[\s*(\d+)/(\d+)\]")

Progress = Callable[[str, float | None], None]

# One shell script under flock: a second tui-ft waits, then finds the folder done.
_SCRIPT = """set -e
if [ -f "$DONE/bin/{built}" ]; then exit 0; fi
rm -rf "$PART"
cmake -S "$SRC" -B "$PART" "$@"
cmake --build "$PART" --target $TARGET -j "$JOBS"
find "$PART" -mindepth 1 -maxdepth 1 ! -name bin -exec rm -rf {{}} +
echo "$VERSION" > "$PART/bin/{built}"
rm -rf "$DONE"
mv "$PART" "$DONE"
echo "tools ready in $DONE"
"""


@dataclass(frozen=True)
class BuiltTools:
    imatrix: str
    quantize: str
    perplexity: str
    lib_dir: str | None = None
    """The llama-cpp-python libraries they load (`Plan.lib_dir`); None: llama and ggml are
    linked in, built here with the safe flags."""


def source_dir(host: Host, version: str) -> str:
    return posixpath.join(cache_root(host), f"{version}-tools-src")


def tools_dir(host: Host, version: str, plan: Plan) -> str:
    return posixpath.join(cache_root(host), f"{version}-tools-{plan.key(version)}")


def _found(host: Host, done: str, plan: Plan) -> BuiltTools | None:
    bin_dir = posixpath.join(done, "bin")
    if not host.exists(posixpath.join(bin_dir, BUILT)):
        return None
    return BuiltTools(*(posixpath.join(bin_dir, t) for t in TARGETS), lib_dir=plan.lib_dir)


def ensure_built(
    host: Host, python: str, version: str, progress: Progress | None = None, jobs: int = 2
) -> BuiltTools:
    """Build (once) and return the tools of llama-cpp-python `version`. Raises HostError."""
    say = progress or (lambda _line, _frac: None)
    src = source_dir(host, version)
    plan = plan_build(host, python, src)
    done = tools_dir(host, version, plan)
    if (found := _found(host, done, plan)) is not None:
        return found
    if not host.which("cmake") or not (host.which("c++") or host.which("g++")):
        raise HostError(
            f"building llama.cpp's imatrix tool needs cmake and a C++ compiler on "
            f"{host.describe()}: apt-get install cmake g++ (or set llama_cpp_dir to a built "
            "llama.cpp checkout)"
        )
    _ensure_source(host, python, version, src, say)
    cmake_src = src
    if plan.wrapped:
        cmake_src = done + ".cmake"
        host.write_text(posixpath.join(cmake_src, "CMakeLists.txt"), WRAPPER)
    say(f"building {', '.join(TARGETS)} ({plan.mode}, {jobs} jobs) into {done}", 0.0)
    env = {
        "DONE": done, "PART": done + ".partial", "SRC": cmake_src, "VERSION": version,
        "JOBS": str(jobs), "TARGET": " ".join(plan.target),
        **dict(plan.env),  # CFLAGS, CXXFLAGS: without llama.cpp's AMX bug of GCC 12
    }  # fmt: skip
    flags = [*plan.flags, *(["-G", "Ninja"] if host.which("ninja") else [])]
    script = ["sh", "-c", _SCRIPT.format(built=BUILT), "sh", *flags]
    argv = ["flock", done + ".lock", *script] if host.which("flock") else script
    lines: list[str] = []
    try:
        with closing(host.stream(argv, env=env)) as output:  # closed: the build is killed
            for line in output:
                lines.append(line)
                say(line, _fraction(line.strip()))
    except HostError as exc:
        raise HostError(f"building llama.cpp's tools failed: {exc}: {last_lines(lines)}") from exc
    if (found := _found(host, done, plan)) is None:
        raise HostError(f"building llama.cpp's tools left no {BUILT} in {done}/bin")
    return found


def _fraction(line: str) -> float | None:
    if m := _STEPS.match(line):
        return int(m.group(1)) / max(int(m.group(2)), 1)
    m = _PERCENT.match(line)
    return int(m.group(1)) / 100 if m else None


def _ensure_source(host: Host, python: str, version: str, src: str, say: Progress) -> None:
    """The sdist's llama.cpp tree in `src`, unpacked once (as `src.partial`, then renamed)."""
    if host.exists(posixpath.join(src, "CMakeLists.txt")):
        return
    tarball = download_sdist(host, python, version, lambda line: say(line, None))
    say(f"unpacking the llama.cpp sources into {src}", None)
    tmp = src + ".partial"
    if host.exists(tmp):
        host.remove(tmp, recursive=True)
    extract(host, python, tarball, tmp, members=("",), skip=SKIP)
    host.rename(tmp, src)
    host.remove(tarball)  # 70+ MB; the unpacked tree is all the build reads
