"""Fixtures: the laptop's base-install venv, and the SSH box of tests/ssh (same fixtures)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import tests.ssh.conftest as _ssh
from tests.laptop.venv import LaptopEnv, base_env
from tests.ssh.box import BoxAccount

# The box of the SSH tests: another user behind a real sshd, with the full install.
box, box_demo, box_tmp, sshd, ssh_keys = (
    _ssh.box,
    _ssh.box_demo,
    _ssh.box_tmp,
    _ssh.sshd,
    _ssh.ssh_keys,
)
ssh_home, ssh_host = _ssh.ssh_home, _ssh.ssh_host

pytestmark = pytest.mark.ssh

Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def laptop() -> LaptopEnv:
    return base_env()


@pytest.fixture
def laptop_env(ssh_home: Path, laptop: LaptopEnv) -> dict[str, str]:
    """The laptop's environment: its HOME, its venv only on PATH (not the dev venv)."""
    keep = ("TUI_FT_CONFIG", "TUI_FT_WORKSPACE", "LANG", "LC_ALL", "TERM")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(HOME=str(ssh_home), PATH=f"{laptop.root / 'bin'}:/usr/bin:/bin")
    return env


@pytest.fixture
def tui_ft(laptop: LaptopEnv, laptop_env: dict[str, str], tmp_path: Path) -> Run:
    """Run `tui-ft ARGS` from the base install, outside the checkout, as a user would."""

    def run(*args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [laptop.tui_ft, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=laptop_env,
            cwd=tmp_path,
        )
        if check and out.returncode != 0:
            said = out.stderr[-3000:]
            raise AssertionError(f"tui-ft {' '.join(args)} -> {out.returncode}\n{said}")
        return out

    return run


@pytest.fixture(scope="session")
def local_converter() -> Path:
    """llama.cpp's converter in this machine's cache (made once per machine, vendor.py).
    Session-scoped, so it is made before a test's `ssh_home` points HOME at the laptop."""
    from importlib.metadata import version

    from tui_ft.gguf.vendor import ensure_vendored
    from tui_ft.host import LocalHost

    return Path(ensure_vendored(LocalHost(), sys.executable, version("llama_cpp_python")))


@pytest.fixture
def box_converter(box: BoxAccount, local_converter: Path) -> Path:
    """llama.cpp's converter in the box's cache, as after the box's first `gguf`: that one
    downloads the ~70 MB llama-cpp-python sdist from the package index, and the box is a
    new user every session."""
    dest = box.home / ".cache" / "tui-ft" / "llama-cpp-src" / local_converter.name
    if not dest.exists():
        box.mkdir(dest.parent)
        shutil.copytree(local_converter, dest)
        box.chown(dest)
    return dest
