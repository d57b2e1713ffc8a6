"""Real detached runs of the demo model on CPU: kill -9 mid-run, resume, one curve.

One training for the whole module (~1 min on 2 cores): it is killed after its first
checkpoint, found "killed, resumable from checkpoint-10", resumed to the end; the
headless commands are then checked against that finished run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.train.conftest import demo_config, wait_for
from tui_ft.host import LocalHost
from tui_ft.train import (
    ResumeError,
    TrainerLog,
    find_run,
    list_runs,
    output_size,
    resume_run,
    run_info,
    start_run,
)
from tui_ft.workspace import Workspace

pytestmark = pytest.mark.train


def _trainer_steps(paths) -> list[int]:
    try:
        text = Path(paths.trainer_log).read_text()
    except FileNotFoundError:
        return []
    return [json.loads(x)["current_steps"] for x in text.splitlines()]


@pytest.fixture(scope="module")
def resumed_run(train_root, run_env):
    """A run killed with SIGKILL after checkpoint-10, then resumed to the end."""
    ws = Workspace(LocalHost(), str(train_root))
    cfg = demo_config(train_root, max_steps=20)
    # Steps long enough (8 micro-batches each) that checkpoint-10 is seen before the end,
    # however fast the machine: the demo's steps alone take a few milliseconds.
    cfg.gradient_accumulation_steps = 8
    paths = start_run(ws, cfg, name="killme", env=run_env)
    host = ws.host
    wait_for(lambda: run_info(host, paths).checkpoint == 10, 240, "checkpoint-10")
    wait_for(lambda: max(_trainer_steps(paths), default=0) >= 12, 60, "step 12")
    before_kill = _trainer_steps(paths)
    wrapper = psutil.Process(int(Path(paths.pid).read_text()))
    trainer = wrapper.children()[0]
    assert "llamafactory-cli" in " ".join(trainer.cmdline())
    os.kill(trainer.pid, signal.SIGKILL)  # what the OOM killer or a crash does
    killed = wait_for(lambda: (i := run_info(host, paths)).state == "killed" and i, 20, "killed")
    resumed = resume_run(host, paths, env=run_env)
    finished = wait_for(
        lambda: (i := run_info(host, paths)).state not in ("running", "stopping") and i,
        240,
        "the resumed run to end",
    )
    return {
        "ws": ws,
        "paths": paths,
        "before": before_kill,
        "killed": killed,
        "resumed": resumed,
        "finished": finished,
    }


def test_killed_run_is_resumable_from_its_checkpoint(resumed_run):
    killed = resumed_run["killed"]
    assert killed.detail == "killed, resumable from checkpoint-10"
    assert killed.resumable and killed.exit_code == 137
    assert resumed_run["resumed"].state == "running" and resumed_run["resumed"].launches == 2


def test_resume_reaches_the_end_with_one_continuous_curve(resumed_run):
    paths, finished = resumed_run["paths"], resumed_run["finished"]
    assert finished.state == "finished", Path(paths.launch_log).read_text()[-2000:]
    raw = _trainer_steps(paths)
    assert max(resumed_run["before"]) >= 12 and raw.count(12) == 2, "steps repeat in the file"
    log = TrainerLog()
    log.feed(Path(paths.trainer_log).read_text().splitlines())
    steps = log.loss.steps
    assert steps == sorted(set(steps)) and steps[-1] == 20 == log.total_steps
    assert steps == list(range(2, 21, 2))
    assert log.loss.values[-1] < log.loss.values[0] - 1.0, "the demo LoRA learned"
    assert finished.checkpoint == 20 and not finished.resumable
    assert finished.active_seconds > 0 and finished.launches == 2


def test_finished_run_cannot_be_resumed(resumed_run):
    with pytest.raises(ResumeError, match="finished"):
        resume_run(LocalHost(), resumed_run["paths"])


def test_discovery_and_size(resumed_run):
    ws, paths = resumed_run["ws"], resumed_run["paths"]
    runs = list_runs(ws)
    assert [r.run_id for r in runs] == [paths.run_id]
    assert runs[0].last_step == 20 and runs[0].last_loss is not None
    assert find_run(ws, "killme") == paths
    assert output_size(ws.host, paths) > 100_000


def _cli(*args, ws) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(ws.root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_headless_runs_attach_delete(resumed_run, train_root):
    ws, paths = resumed_run["ws"], resumed_run["paths"]
    out = _cli("runs", "--json", ws=ws)
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["run_id"] == paths.run_id and row["state"] == "finished"
    out = _cli("attach", "killme", ws=ws)
    assert out.returncode == 0, out.stderr
    assert "history: " in out.stdout and "finished at step 20/20" in out.stdout
    out = _cli("stop", "killme", ws=ws)
    assert "finished" in out.stdout
    bad = train_root / "bad.yaml"
    cfg = demo_config(train_root)
    cfg.learning_rate = -1
    bad.write_text(cfg.to_yaml())
    out = _cli("train", str(bad), ws=ws)
    assert out.returncode == 2 and "learning_rate: must be > 0" in out.stderr
    assert len(list_runs(ws)) == 1, "a rejected config starts nothing"
    out = _cli("delete", paths.run_id, ws=ws)
    assert out.returncode == 0 and not os.path.exists(paths.root)
