"""A laptop's Python: a venv with only the base install of this checkout's wheel.

Built once and cached under `$TUI_FT_TEST_CACHE` (default /tmp/tui-ft-test-cache):
the venv is keyed by the hash of pyproject.toml (the dependencies), and the wheel
of tui-ft is re-installed (`--no-deps`) when the hash of its sources changes, so a
repeat run costs a wheel build at most. A lock keeps two sessions from building at
once. pip's own cache makes a rebuild from scratch quick too.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("tui_ft", "screens", "styles", "recipes")


@dataclass
class LaptopEnv:
    root: Path
    install_seconds: float | None  # None: reused from the cache

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    @property
    def tui_ft(self) -> str:
        return str(self.root / "bin" / "tui-ft")


def _hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files() -> list[Path]:
    files = [REPO / "pyproject.toml", REPO / "README.md"]
    for top in SOURCES:
        files += [
            p
            for p in (REPO / top).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        ]
    return files


def _pip(python: str, *args: str, cwd: Path) -> None:
    subprocess.run(
        [python, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        capture_output=True,
        cwd=cwd,
    )


def base_env() -> LaptopEnv:
    cache = Path(os.environ.get("TUI_FT_TEST_CACHE", "/tmp/tui-ft-test-cache"))
    cache.mkdir(parents=True, exist_ok=True)
    deps = _hash([REPO / "pyproject.toml"])
    root = cache / f"laptop-{deps}"
    stamp = root / ".tui-ft-source"
    want = _hash(_source_files())
    with open(cache / "laptop.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == want:
            return LaptopEnv(root, None)
        work = cache / f"build-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        dist = work / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
            check=True,
            capture_output=True,
        )
        wheel = str(next(dist.glob("tui_ft-*.whl")))
        fresh = not (root / "bin" / "python").exists()
        started = time.monotonic()
        if fresh:
            shutil.rmtree(root, ignore_errors=True)
            venv.create(root, with_pip=True)
            _pip(str(root / "bin" / "python"), "install", wheel, cwd=work)
        else:  # same dependencies: only tui-ft itself changed
            _pip(str(root / "bin" / "python"), "install", "--no-deps", "--force-reinstall", wheel,
                 cwd=work)  # fmt: skip
        seconds = time.monotonic() - started
        shutil.rmtree(work, ignore_errors=True)
        stamp.write_text(want)
        return LaptopEnv(root, seconds if fresh else None)
