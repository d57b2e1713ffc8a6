"""Checks of this machine that need no torch: Python, CPU/RAM, tooling, hub env."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import metadata

from tui_ft.checks.base import CheckResult, fail, ok, warn
from tui_ft.units import human_bytes

MIN_PYTHON = (3, 10)  # LLaMA-Factory 0.9.2/0.9.3 boxes made with python=3.10
LOW_RAM = 4 * 1024**3
HUB_ENV = (
    "USE_MODELSCOPE_HUB",
    "HF_ENDPOINT",
    "MODELSCOPE_DOMAIN",
    "HF_HOME",
    "HF_HUB_CACHE",
    "MODELSCOPE_CACHE",
    "HF_HUB_OFFLINE",
)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def python_check() -> CheckResult:
    v = sys.version_info
    text = f"Python {v.major}.{v.minor}.{v.micro} ({sys.executable})"
    if v[:2] < MIN_PYTHON:
        return fail("python", text, "use Python >= 3.10 (a conda env or the box's python3)")
    return ok("python", text)


def cpu_ram_checks() -> list[CheckResult]:
    import psutil

    mem = psutil.virtual_memory()
    cores = f"{psutil.cpu_count(logical=False) or '?'} cores / {psutil.cpu_count()} threads"
    out = [ok("cpu", cores, data={"threads": psutil.cpu_count()})]
    text = f"{human_bytes(mem.available)} available of {human_bytes(mem.total)}"
    data = {"available": mem.available, "total": mem.total}
    if mem.available < LOW_RAM:
        out.append(warn("ram", text, "close other jobs: loading a model needs RAM", data=data))
    else:
        out.append(ok("ram", text, data=data))
    return out


def llama_cpp_check(llama_cpp_dir: str | None) -> CheckResult:
    """A configured llama.cpp checkout, else the Python-side tooling (gguf + llama-cpp-python)."""
    if llama_cpp_dir:
        converter = os.path.join(llama_cpp_dir, "convert_hf_to_gguf.py")
        quantize = next(
            (
                p
                for sub in ("build/bin", "bin", ".")
                if os.access(p := os.path.join(llama_cpp_dir, sub, "llama-quantize"), os.X_OK)
            ),
            None,
        )
        if not os.path.isfile(converter):
            return fail(
                "llama.cpp",
                f"{converter} not found",
                "set llama_cpp_dir to a llama.cpp checkout",
                path=llama_cpp_dir,
            )
        if quantize is None:
            return warn(
                "llama.cpp",
                f"converter found but no built llama-quantize in {llama_cpp_dir}",
                "cmake -B build && cmake --build build --target llama-quantize",
                path=llama_cpp_dir,
            )
        return ok("llama.cpp", f"checkout with converter and {quantize}", path=llama_cpp_dir)
    gguf, lcp = _version("gguf"), _version("llama_cpp_python")
    if gguf and lcp:
        quant = shutil.which("llama-quantize")
        extra = f", llama-quantize {quant}" if quant else ""
        return ok("llama.cpp", f"gguf {gguf} and llama-cpp-python {lcp}{extra}")
    missing = " and ".join(n for n, v in (("gguf", gguf), ("llama-cpp-python", lcp)) if not v)
    return warn(
        "llama.cpp",
        f"no llama.cpp checkout configured and {missing} not installed (needed for GGUF export)",
        "pip install 'tui-ft[gguf]' or set llama_cpp_dir in the config",
    )


def hub_check() -> CheckResult:
    """What the environment tells the hubs' libraries (endpoint, caches, offline)."""
    found = {k: os.environ[k] for k in HUB_ENV if os.environ.get(k)}
    hub = (
        "ModelScope" if found.get("USE_MODELSCOPE_HUB") in ("1", "true", "True") else "Hugging Face"
    )
    text = ", ".join(f"{k}={v}" for k, v in found.items()) or "no hub settings (library defaults)"
    if hub == "ModelScope" and _version("modelscope") is None:
        return warn(
            "hub",
            "USE_MODELSCOPE_HUB is set but modelscope is not installed",
            "pip install modelscope",
        )
    return ok("hub", f"LLaMA-Factory hub: {hub}; {text}", data=found)
