"""Shared fixtures: an isolated config and workspace per test, one demo workspace, and
one demo adapter trained for real.

The demo workspace (tiny model + datasets) is built once per session; tests that
change files copy it first (`demo_copy`). The trained adapter (`demo_adapter`) is
also built once per session, for every test that needs a model that learnt.
Tests marked `ssh`, `train`, `lf` or `gguf` fail, never skip, where that component is
missing (tests/components.py).
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests import components
from tests.demo_training import demo_args, train
from tests.heavy_lock import HEAVY_LOCK, heavy_lock, inherited_fd
from tests.run_cache import built_once, is_built
from tui_ft.cli import GC_THRESHOLDS
from tui_ft.demo.settings import demo_recipe_training

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def pytest_collection_finish(session: pytest.Session) -> None:
    """A worker holds textual, torch, transformers and LLaMA-Factory: hundreds of thousands
    of objects that each full collection walks, while Pilot tests allocate fast. With the
    default thresholds test_app.py spent 10 of its 32 CPU seconds in the collector; frozen
    imports and larger generations (as `tui_ft.cli.main` sets) make that 2."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_configure(config: pytest.Config) -> None:
    """Under `flock /tmp/tui-ft-heavy.lock pytest -n 2` the lock is this process's, and the
    xdist workers (which inherit no descriptors) would wait on it for ever: they take a
    lock of this run instead, while the machine-wide one stays held for them."""
    if hasattr(config, "workerinput") or os.environ.get("TUI_FT_HEAVY_LOCK"):
        return
    if inherited_fd(HEAVY_LOCK) is not None:
        os.environ["TUI_FT_HEAVY_LOCK"] = f"{HEAVY_LOCK}.{os.getpid()}"


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    components.mark_folders(items, Path(__file__).resolve().parent)
    components.group_for_xdist(items)
    components.adapter_first(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """A training test holds /tmp/tui-ft-heavy.lock from its set-up (module and session
    fixtures included) to its teardown: one training at a time on the machine."""
    if not components.trains(item):
        yield
        return
    with heavy_lock():
        yield


def pytest_runtest_setup(item: pytest.Item) -> None:
    components.require(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In CI (CI=true) a real-component test that skipped anyway is a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() in ("", "0", "false") or not report.skipped:
        return
    if hasattr(report, "wasxfail") or not components.needs(item):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"CI: a test of a real component skipped: {reason}"


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

    return built_once(tmp_path_factory, "demo", create_demo_workspace)


@pytest.fixture
def demo_model(demo_workspace: Path) -> Path:
    return demo_workspace / "models" / "tiny-llama-demo"


@pytest.fixture
def demo_copy(demo_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace that a test may change."""
    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target)
    return target


@pytest.fixture(scope="session")
def demo_adapter(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo model trained once per test run (shared by xdist workers) with the settings
    that learn (it answers "TinyFT" by "tui-ft"): {'model', 'adapter', 'datasets', 'log'}.
    Read-only for tests."""

    def build(root: Path) -> None:
        args = demo_args(
            demo_workspace,
            root / "adapter",
            per_device_train_batch_size=8,
            max_steps=demo_recipe_training()["max_steps"],
            logging_steps=5,
            save_strategy="no",
            overwrite_output_dir=True,
        )
        train(args, root / "train.yaml")

    if is_built(tmp_path_factory, "trained"):
        root = built_once(tmp_path_factory, "trained", build)
    else:
        with heavy_lock():  # taken before the build's own lock, as every training test does
            root = built_once(tmp_path_factory, "trained", build)
    adapter = root / "adapter"
    return {
        "model": demo_workspace / "models" / "tiny-llama-demo",
        "adapter": adapter,
        "datasets": demo_workspace / "datasets",
        "log": adapter / "trainer_log.jsonl",
    }
