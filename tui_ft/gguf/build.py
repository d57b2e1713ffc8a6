"""llama.cpp's imatrix, quantize and perplexity tools, built once from the vendored sources.

The llama-cpp-python wheel holds the library, not these programs. The sdist of the same
version has the whole llama.cpp tree: it is unpacked (without the vocab files and docs)
under the host's cache, configured with cmake without tests, examples, server or curl,
and only the three targets are built with two jobs (the box may be small and shared).
The binaries stay in the cache: later calls return at once. Progress comes from cmake's
`[ 42%]` lines.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from tui_ft.gguf.vendor import cache_root, download_sdist, extract
from tui_ft.host.base import Host, HostError

TARGETS = ("llama-imatrix", "llama-quantize", "llama-perplexity")
SKIP = ("models/", "docs/", "media/", "tests/", "benches/", "examples/", "app/")
"""Parts of the tree no target needs: 120 MB of vocab files, docs and test data."""
BUILT = ".built"
_PERCENT = re.compile(r"^\[\s*(\d+)%\]")
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
)

Progress = Callable[[str, float | None], None]


@dataclass(frozen=True)
class BuiltTools:
    imatrix: str
    quantize: str
    perplexity: str


def built_tools(host: Host, version: str) -> BuiltTools | None:
    """The tools when already built for `version`, else None (never builds)."""
    bin_dir = posixpath.join(cache_root(host), f"{version}-tools", "build", "bin")
    if not host.exists(posixpath.join(bin_dir, BUILT)):
        return None
    return BuiltTools(*(posixpath.join(bin_dir, t) for t in TARGETS))


def ensure_built(
    host: Host, python: str, version: str, progress: Progress | None = None, jobs: int = 2
) -> BuiltTools:
    """Build (once) and return the tools of llama-cpp-python `version`. Raises HostError."""
    say = progress or (lambda _line, _frac: None)
    found = built_tools(host, version)
    if found is not None:
        return found
    if not host.which("cmake") or not (host.which("c++") or host.which("g++")):
        raise HostError(
            f"building llama.cpp's imatrix tool needs cmake and a C++ compiler on "
            f"{host.describe()}: apt-get install cmake g++ (or set llama_cpp_dir to a built "
            "llama.cpp checkout)"
        )
    root = posixpath.join(cache_root(host), f"{version}-tools")
    src = posixpath.join(root, "src")
    if not host.exists(posixpath.join(src, "CMakeLists.txt")):
        tarball = download_sdist(host, python, version, lambda line: say(line, None))
        say(f"unpacking the llama.cpp sources into {src}", None)
        if host.exists(src):
            host.remove(src, recursive=True)
        extract(host, python, tarball, src, members=("",), skip=SKIP)
    build = posixpath.join(root, "build")
    say("configuring llama.cpp (cmake)", None)
    res = host.run(["cmake", "-S", src, "-B", build, *CMAKE_FLAGS], timeout=600)
    if not res.ok:
        raise HostError(f"cmake could not configure llama.cpp in {build}: {_tail(res)}")
    argv = ["cmake", "--build", build, "--target", *TARGETS, "-j", str(jobs)]
    lines: list[str] = []
    try:
        for line in host.stream(argv):
            lines.append(line)
            m = _PERCENT.match(line.strip())
            say(line, int(m.group(1)) / 100 if m else None)
    except HostError as exc:
        tail = " | ".join(ln.strip() for ln in lines[-3:] if ln.strip())
        raise HostError(f"building llama.cpp's tools failed: {exc}: {tail}") from exc
    bin_dir = posixpath.join(build, "bin")
    host.write_text(posixpath.join(bin_dir, BUILT), version + "\n")
    return BuiltTools(*(posixpath.join(bin_dir, t) for t in TARGETS))


def _tail(res) -> str:
    return " | ".join((res.stderr or res.stdout).strip().splitlines()[-3:])
