"""Checking and installing tui-ft on a box, so heavy work can run there as
`python3 -m tui_ft <command> --json` (hashing, tokenising and training stay on the box).

The install goes into the box's own `python3` (rented images ship CUDA torch there) with
pip; a wheel built here can be copied over SFTP for boxes that should get this exact
version, or that cannot reach the package index.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tui_ft import __version__
from tui_ft.gguf.cpu import build_env
from tui_ft.host.base import Host, HostError
from tui_ft.host.call import json_tail

MIN_PYTHON = (3, 10)

PROBE = r"""
import json, sys, importlib.util as u
out = {"python": sys.version.split()[0], "executable": sys.executable, "tui_ft": None,
       "llamafactory": u.find_spec("llamafactory") is not None,
       "torch": u.find_spec("torch") is not None}
try:
    import tui_ft
    out["tui_ft"] = tui_ft.__version__
except Exception as exc:
    out["tui_ft_error"] = str(exc)
print(json.dumps(out))
"""


@dataclass
class RemoteStatus:
    host: str
    python: str
    python_version: str | None = None
    executable: str | None = None
    tui_ft: str | None = None
    local_version: str = __version__
    llamafactory: bool = False
    torch: bool = False
    nvidia_smi: str | None = None
    problems: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # the box's stack, kept (setup)
    installed: list[str] = field(default_factory=list)  # requirements setup added

    @property
    def ready(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {**asdict(self), "ready": self.ready}


def probe(host: Host, python: str | None = None) -> RemoteStatus:
    """tui-ft, LLaMA-Factory and torch for `python` (default: the host profile's)."""
    python = python or host.python
    status = RemoteStatus(host.describe(), python)
    res = host.run([python, "-c", PROBE], timeout=60)
    if not res.ok:
        why = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        status.problems.append(
            f"{python} does not run on {host.describe()} (exit {res.returncode}: {why[0]}); "
            f"install Python >= {'.'.join(map(str, MIN_PYTHON))} or pass --python"
        )
        return status
    info = json_tail(res.stdout)
    status.python_version = info["python"]
    status.executable = info["executable"]
    status.tui_ft = info["tui_ft"]
    status.llamafactory = info["llamafactory"]
    status.torch = info["torch"]
    status.nvidia_smi = host.which("nvidia-smi")
    version = tuple(int(p) for p in info["python"].split(".")[:2])
    if version < MIN_PYTHON:
        status.problems.append(
            f"Python {info['python']} on the box is too old: tui-ft needs "
            f">= {'.'.join(map(str, MIN_PYTHON))}"
        )
    if status.tui_ft is None:
        status.problems.append(
            "tui-ft is not installed on the box: run `tui-ft remote setup --host ...`"
        )
    elif status.tui_ft != __version__:
        status.problems.append(
            f"tui-ft {status.tui_ft} on the box, {__version__} here: "
            "run `tui-ft remote setup --host ...` to match"
        )
    if not status.llamafactory:
        status.problems.append("LLaMA-Factory is missing on the box: install tui-ft[train]")
    return status


def build_wheel(out_dir: Path, source: Path | None = None) -> Path:
    """A wheel of this very tui-ft: built from its source checkout with `python -m build`,
    else (a pip install, as on most laptops) packed again from the installed files."""
    import importlib.util

    checkout = source or Path(__file__).resolve().parents[2]
    if not (checkout / "pyproject.toml").is_file():
        if source is not None:
            raise HostError(f"no tui-ft source checkout at {source}: pass --wheel FILE")
        from tui_ft.remote.wheel import repack_installed

        return repack_installed(out_dir)
    source = checkout
    if importlib.util.find_spec("build") is not None:
        cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir), str(source)]
    else:  # `build` is in the dev extra; pip builds the same wheel through hatchling
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out_dir),
               str(source)]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise HostError(f"building the wheel failed: {res.stderr.strip()[-400:]}")
    wheels = sorted(out_dir.glob("tui_ft-*.whl"))
    if not wheels:
        raise HostError(f"no wheel appeared in {out_dir}")
    return wheels[-1]


def install_plan(
    python: str, spec: str = "tui-ft", extras: str = "train", no_deps: bool = False
) -> list[str]:
    target = f"{spec}[{extras}]" if extras else spec
    argv = [python, "-m", "pip", "install", "--upgrade", target]
    if no_deps:
        argv.insert(4, "--no-deps")
    return argv


def ensure_venv(host: Host, venv: str, python: str, log: Callable[[str], None]) -> str:
    """The venv's interpreter, creating the venv with `python -m venv` when missing."""
    py = posixpath.join(venv, "bin", "python")
    if not host.exists(py):
        log(f"creating a venv at {host.describe()}:{venv}")
        res = host.run([python, "-m", "venv", venv], timeout=300)
        if not res.ok:
            raise HostError(
                f"`{python} -m venv {venv}` failed: {(res.stderr or res.stdout)[-300:]}"
            )
    return py


def install(
    host: Host,
    *,
    python: str | None = None,
    wheel: Path | None = None,
    build: bool = False,
    extras: str = "train",
    no_deps: bool = False,
    log: Callable[[str], None] = print,
) -> RemoteStatus:
    """Install (or upgrade) tui-ft on the box without replacing what the box has.

    tui-ft itself goes in with `--no-deps`; then only the requirements the box lacks,
    under constraints that pin its torch / LLaMA-Factory / transformers stack (keep.py).
    `python`: the box's interpreter (default: the host profile's).
    """
    python = python or host.python
    from tui_ft.remote.keep import plan, probe_box, requirements

    with tempfile.TemporaryDirectory() as tmp:
        if build and wheel is None:
            log("building a wheel of this tui-ft ...")
            wheel = build_wheel(Path(tmp))
        reqs = requirements([e for e in extras.split(",") if e], wheel)
        spec = "tui-ft"
        if wheel is not None:
            remote = posixpath.join(host.home(), ".cache", "tui-ft", "wheels", wheel.name)
            log(f"copying {wheel.name} to {host.describe()}:{remote}")
            host.write_bytes(remote, wheel.read_bytes())
            spec = remote
    # --no-deps: the extras are read for the missing pieces below, never resolved by pip.
    argv = install_plan(python, spec, "" if wheel else extras, no_deps=True)
    if wheel is not None:  # a rebuilt wheel of the same version still replaces the old one
        argv.insert(argv.index("--upgrade") + 1, "--force-reinstall")
    log("$ " + " ".join(argv))
    for line in _stream(host, argv):
        log(line)
    keep = plan(probe_box(host, python, reqs))
    for line in keep.kept:
        log(f"left alone: {line}")
    if keep.missing and not no_deps:
        constraints = posixpath.join(host.home(), ".cache", "tui-ft", "keep-constraints.txt")
        host.write_text(constraints, keep.constraints())
        argv = [python, "-m", "pip", "install", "-c", constraints, *keep.missing]
        # llama-cpp-python compiles llama.cpp here: with the flags that avoid GCC 12's AMX
        # bug, and never from pip's cached wheel of the same sdist built without them.
        llama = any(re.match(r"llama[-_.]cpp[-_.]python", m, re.I) for m in keep.missing)
        if llama:
            argv.insert(4, "--no-cache-dir")
        log("$ " + " ".join(argv))
        for line in _stream(host, argv, build_env({}) if llama else None):
            log(line)
    elif keep.missing:
        log(f"not installed (--no-deps): {', '.join(keep.missing)}")
    status = probe(host, python)
    status.left_alone = keep.kept
    status.installed = [] if no_deps else keep.missing
    return status


def _stream(host: Host, argv: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    try:
        yield from host.stream(argv, env={"PIP_DISABLE_PIP_VERSION_CHECK": "1", **(env or {})})
    except HostError as exc:
        raise HostError(
            f"pip failed on {host.describe()}: {exc}. If the box's Python is "
            "externally managed, make a venv there and pass --python VENV/bin/python"
        ) from exc
