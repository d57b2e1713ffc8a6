"""How to build llama.cpp's imatrix, quantize and perplexity tools as cheaply as possible.

The llama-cpp-python wheel already holds libllama and libggml (and, in most builds,
libllama-common) of the very sources in its sdist. So a small CMake project (`WRAPPER`)
takes those libraries as imported targets and compiles only the tools (about 25 s on two
busy cores), plus the common library when the wheel lacks it (about 2 min; setup.sh's lean
wheel leaves it out), instead of 13 min of compiling llama and ggml again. Where the
wheel's libraries can't be found, the whole tree is configured with everything but the
three tools switched off (`FULL_FLAGS`).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass

from tui_ft.gguf.cpu import build_env
from tui_ft.host.base import Host

TARGETS = ("llama-imatrix", "llama-quantize", "llama-perplexity")
LIBS = ("llama", "ggml", "ggml-base")

WRAPPER = """\
# Written by tui-ft: llama.cpp's tools against the llama-cpp-python wheel's libraries.
cmake_minimum_required(VERSION 3.14)
project(tui_ft_llama_tools C CXX)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
set(CMAKE_BUILD_RPATH ${WHEEL_LIB_DIRS})
# DT_RPATH, not RUNPATH: the wheel's libraries find each other through it as well.
set(CMAKE_EXE_LINKER_FLAGS "${CMAKE_EXE_LINKER_FLAGS} -Wl,--disable-new-dtags")
set(S ${LLAMA_SRC})
find_package(Threads REQUIRED)
function(llama_add_compile_flags)
endfunction()
function(license_add_file)
endfunction()
set(LLAMA_VERSION_BASE 0.0.0)
set(LLAMA_VERSION_MAJOR 0)
foreach(name llama ggml ggml-base)
  add_library(${name} SHARED IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES IMPORTED_LOCATION ${LIB_${name}}
    INTERFACE_INCLUDE_DIRECTORIES "${S}/include;${S}/ggml/include")
endforeach()
set_target_properties(llama PROPERTIES INTERFACE_LINK_LIBRARIES "ggml;ggml-base")
if (LIB_common)
  add_library(llama-common SHARED IMPORTED GLOBAL)
  set_target_properties(llama-common PROPERTIES IMPORTED_LOCATION ${LIB_common}
    INTERFACE_INCLUDE_DIRECTORIES "${S}/common;${S}/vendor"
    INTERFACE_COMPILE_DEFINITIONS LLAMA_SUBPROCESS
    INTERFACE_LINK_LIBRARIES "llama;Threads::Threads")
else()
  set(LLAMA_BUILD_COMMON ON)
  set(LLAMA_SUBPROCESS ON)
  set(LLAMA_BUILD_NUMBER 0)
  set(LLAMA_BUILD_COMMIT tui-ft)
  add_subdirectory(${S}/vendor vendor)
  add_subdirectory(${S}/common common)
  # Glue (arguments, logs, chat parsing): the hot loops live in the tools and the wheel's
  # libraries. -O1 compiles it in about 2/3 of -O3's time.
  target_compile_options(llama-common PRIVATE -O1)
  target_compile_options(cpp-httplib PRIVATE -O1)
endif()
foreach(tool quantize imatrix perplexity)
  add_subdirectory(${S}/tools/${tool} ${tool})
endforeach()
add_custom_target(tui-ft-tools DEPENDS llama-imatrix llama-quantize llama-perplexity)
"""

FULL_FLAGS = (
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_LLGUIDANCE=OFF",
)

_PROBE = """
import importlib.util, json, os
spec = importlib.util.find_spec("llama_cpp")
found = {}
if spec and spec.submodule_search_locations:
    pkg = list(spec.submodule_search_locations)[0]
    for name in ("llama", "ggml", "ggml-base", "common"):
        file = "libllama-common.so" if name == "common" else f"lib{name}.so"
        for folder in (os.path.join(pkg, "lib"), os.path.join(os.path.dirname(pkg), "lib")):
            if os.path.exists(os.path.join(folder, file)):
                found[name] = os.path.realpath(os.path.join(folder, file))
                break
print(json.dumps(found))
"""


@dataclass(frozen=True)
class Plan:
    mode: str
    """`wheel-libs` (only the tools compile) or `full` (llama and ggml compile too)."""
    flags: tuple[str, ...]
    """cmake -D flags besides -S/-B; the cache key hashes them."""
    target: tuple[str, ...]
    lib_dir: str | None = None
    """`wheel-libs`: the wheel's folder of libllama and ggml, which the tools load."""
    env: tuple[tuple[str, str], ...] = tuple(build_env({}).items())
    """CFLAGS and CXXFLAGS with the safe flags (`tui_ft.gguf.cpu`); in the key, so tools
    built before them are built again."""

    def key(self, version: str) -> str:
        wrapper = WRAPPER if self.wrapped else ""
        env = [f"{k}={v}" for k, v in self.env]
        text = "\n".join((version, self.mode, *self.flags, wrapper, *env))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def wrapped(self) -> bool:
        return self.mode == "wheel-libs"


def plan_build(host: Host, python: str, src: str = "SRC") -> Plan:
    """The cheapest build for this host's llama-cpp-python (`src`: the unpacked sources)."""
    res = host.run([python, "-c", _PROBE], timeout=60)
    libs = json.loads(res.stdout.strip().splitlines()[-1]) if res.ok and res.stdout else {}
    release = ("-DCMAKE_BUILD_TYPE=Release",)
    # The user's own CFLAGS count on this machine only; a box gets the safe flags alone.
    env = tuple(build_env(None if not host.is_remote else {}).items())
    if not all(libs.get(name) for name in LIBS):
        return Plan("full", release + FULL_FLAGS, TARGETS, env=env)
    dirs = sorted({posixpath.dirname(path) for path in libs.values()})
    flags = [f"-DLLAMA_SRC={src}", f"-DWHEEL_LIB_DIRS={';'.join(dirs)}"]
    flags += [f"-DLIB_{name}={path}" for name, path in sorted(libs.items())]
    lib_dir = posixpath.dirname(libs["ggml"])
    return Plan("wheel-libs", release + tuple(flags), ("tui-ft-tools",), lib_dir, env)
