"""The real components behind the test markers, and what is missing on this machine.

A test marked `ssh`, `train` or `gguf` runs against the real thing (OpenSSH's sshd,
LLaMA-Factory, llama.cpp through llama-cpp-python). Where one is missing the test FAILS
with one line naming it and the fix: skipping would let CI pass without ever running it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
SSHD = "/usr/sbin/sshd"

# Test folders whose every test needs a component; a `pytestmark` in a conftest.py
# marks nothing, so these are applied at collection.
FOLDER_MARKS = {"ssh": "ssh", "laptop": "ssh"}

HEAVY_MARKS = ("train", "gguf")
HEAVY_FIXTURES = {"demo_adapter", "trained", "demo_gguf"}
"""What makes a test heavy: a real training, or a llama.cpp conversion (both take every
core they get, so they run one at a time, under /tmp/tui-ft-heavy.lock)."""


def _missing_modules(*names: str) -> list[str]:
    return [n for n in names if importlib.util.find_spec(n) is None]


def missing(marker: str) -> str | None:
    """Why the component behind `marker` is unusable here, with the fix; None if fine."""
    if marker == "ssh" and not os.access(SSHD, os.X_OK):
        return f"{SSHD} missing: run `bash scripts/ensure-sshd.sh` (installs openssh-server)"
    if marker == "train":
        gone = _missing_modules("llamafactory", "torch")
        if gone or not (VENV_BIN / "llamafactory-cli").exists():
            what = ", ".join(gone) or f"{VENV_BIN / 'llamafactory-cli'}"
            return f"LLaMA-Factory not usable ({what} missing): run `bash scripts/setup.sh`"
    if marker == "gguf":
        gone = _missing_modules("llama_cpp", "gguf")
        if gone:
            return f"llama.cpp tooling missing ({', '.join(gone)}): run `bash scripts/setup.sh`"
    return None


def mark_folders(items: list[pytest.Item], tests_root: Path) -> None:
    for item in items:
        try:
            rel = Path(str(item.path)).resolve().relative_to(tests_root)
        except ValueError:  # collected outside tests/
            continue
        marker = FOLDER_MARKS.get(rel.parts[0]) if len(rel.parts) > 1 else None
        if marker and marker not in {m.name for m in item.iter_markers()}:
            item.add_marker(marker)


def needs(item: pytest.Item) -> list[str]:
    return [m for m in ("ssh", "train", "gguf") if item.get_closest_marker(m) is not None]


def require(item: pytest.Item) -> None:
    """Fail (not skip) a test whose component is missing, before its fixtures run."""
    for marker in needs(item):
        why = missing(marker)
        if why:
            pytest.fail(f"needs {marker}: {why}", pytrace=False)


def is_heavy(item: pytest.Item) -> bool:
    if any(item.get_closest_marker(m) is not None for m in HEAVY_MARKS):
        return True
    return bool(HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def group_for_xdist(items: list[pytest.Item]) -> None:
    """Groups for `pytest -n 2 --dist loadgroup` (scripts/test.sh): every heavy test goes
    to one worker, in collection order, so they never wait on each other's lock and the
    trained adapter and module fixtures are made once; the other tests go by module (a
    module fixture is made once) to whichever worker is free."""
    for item in items:
        group = "heavy" if is_heavy(item) else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
