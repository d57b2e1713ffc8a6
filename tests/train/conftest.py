"""Fixtures of the training tests: the demo config that learns (tests/demo_training.py)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest

from tests.demo_training import demo_args
from tui_ft.train import TrainConfig

DATA = Path(__file__).parent / "data"
VENV_BIN = Path(sys.executable).parent
RUN_ENV = {
    "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"),
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}


def demo_config(root: Path, max_steps: int = 30) -> TrainConfig:
    """The demo LoRA that really learns (loss ~6 -> ~3) in a few dozen CPU steps."""
    args = demo_args(root, "", max_steps=max_steps, logging_steps=2, save_steps=10)
    del args["output_dir"]  # start_run gives each run its own
    typed = {f.name for f in fields(TrainConfig)}
    return TrainConfig(
        **{k: v for k, v in args.items() if k in typed},
        extra={k: v for k, v in args.items() if k not in typed},
    )


def wait_for(pred: Callable[[], object], timeout: float, what: str, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module")
def train_root(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A module-private copy of the demo workspace (runs are written into it)."""
    root = tmp_path_factory.mktemp("trainws") / "ws"
    shutil.copytree(demo_workspace, root)
    return root


@pytest.fixture(scope="module")
def run_env():
    with pytest.MonkeyPatch.context() as mp:
        for key, value in RUN_ENV.items():
            mp.setenv(key, value)
        yield RUN_ENV
