"""Shared fixtures: an isolated config and workspace per test, and one demo workspace.

The demo workspace (tiny model + datasets) is built once per session; tests that
change files copy it first (`demo_copy`).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's config or workspace."""
    home = tmp_path_factory.mktemp("cfg")
    monkeypatch.setenv("TUI_FT_CONFIG", str(home / "config.yaml"))
    monkeypatch.setenv("TUI_FT_WORKSPACE", str(home / "workspace"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "2"))
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    # Make the venv's console scripts (llamafactory-cli, tui-ft) findable by subprocesses.
    monkeypatch.setenv("PATH", f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace built once for the whole session; treat it as read-only."""
    from tui_ft.demo.build import create_demo_workspace

    root = tmp_path_factory.mktemp("demo")
    create_demo_workspace(root)
    return root


@pytest.fixture
def demo_model(demo_workspace: Path) -> Path:
    return demo_workspace / "models" / "tiny-llama-demo"


@pytest.fixture
def demo_copy(demo_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace that a test may change."""
    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target)
    return target
