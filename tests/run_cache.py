"""Folders built once per test run and shared by its pytest-xdist workers.

Each xdist worker is its own pytest session, so a session fixture runs once per worker.
What is expensive to build (the demo workspace, the trained demo adapter) is built by the
first worker that needs it, under a file lock in the run's base temp folder (the parent of
every worker's own), and read by the others. Without xdist it is an ordinary session folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def run_root(factory: pytest.TempPathFactory) -> Path:
    """The folder this run's workers share (`pytest-N/`; a worker's own is `pytest-N/gwK`)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def is_built(factory: pytest.TempPathFactory, name: str) -> bool:
    """Whether a worker of this run has already made `name` (no lock needed to read it)."""
    return (run_root(factory) / "shared" / f"{name}.built").exists()


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """`run_root/shared/name`, made by `build(folder)` unless a worker already made it.

    A build that fails leaves no marker, so the next worker tries again (and fails with its
    own error) instead of reading half a folder."""
    shared = run_root(factory) / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    target = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / f"{name}.built"  # beside the folder: tests see its exact content
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            build(target)
            done.touch()
    return target
