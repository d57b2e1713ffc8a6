"""The real components behind the test markers, and what is missing on this machine.

A test marked `ssh`, `train`, `lf` or `gguf` runs against the real thing (OpenSSH's sshd,
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

TRAINS = "train"
"""A test that runs a real training (`train`) holds /tmp/tui-ft-heavy.lock from its set-up
to its teardown, and every such test goes to one xdist worker: one training at a time on
the machine, and no worker idles on the lock. A test that only uses LLaMA-Factory (`lf`:
merge, predict, chat) or llama.cpp (`gguf`) runs beside a training on another worker; the
shared trained adapter (`demo_adapter`) takes the lock only while it is built, once."""


def _missing_modules(*names: str) -> list[str]:
    return [n for n in names if importlib.util.find_spec(n) is None]


def missing(marker: str) -> str | None:
    """Why the component behind `marker` is unusable here, with the fix; None if fine."""
    if marker == "ssh" and not os.access(SSHD, os.X_OK):
        return f"{SSHD} missing: run `bash scripts/ensure-sshd.sh` (installs openssh-server)"
    if marker in ("train", "lf"):
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
    return [m for m in ("ssh", "train", "lf", "gguf") if item.get_closest_marker(m) is not None]


def require(item: pytest.Item) -> None:
    """Fail (not skip) a test whose component is missing, before its fixtures run."""
    for marker in needs(item):
        why = missing(marker)
        if why:
            pytest.fail(f"needs {marker}: {why}", pytrace=False)


def trains(item: pytest.Item) -> bool:
    return item.get_closest_marker(TRAINS) is not None


def group_for_xdist(items: list[pytest.Item]) -> None:
    """Groups for `pytest -n 3 --dist loadgroup` (scripts/test.sh): every training test
    goes to one worker, in collection order, so they never wait on each other's lock and
    their module fixtures are made once; the other tests go by module (a module fixture is
    made once) to whichever worker is free."""
    for item in items:
        group = "train" if trains(item) else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))


def adapter_first(items: list[pytest.Item]) -> None:
    """The training worker starts with a test that needs the shared demo adapter, so it is
    trained before the other worker's merge, chat and GGUF tests ask for it."""
    first = next((i for i in items if trains(i) and "demo_adapter" in i.fixturenames), None)
    if first is not None:
        items.remove(first)
        items.insert(0, first)
