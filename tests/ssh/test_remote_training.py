"""The demo model trained on the box through SSH; the connection dies mid-run, the
training goes on, and after the reconnect the loss curve is complete (no gap, no repeat)."""

from __future__ import annotations

import contextlib
import json
import time

import pytest

from tests.train.conftest import RUN_ENV, demo_config
from tui_ft.host.heartbeat import ResumingFollower
from tui_ft.host.ssh import ConnectionLost
from tui_ft.train import run_info, start_run
from tui_ft.workspace import Workspace

pytestmark = pytest.mark.train
# The box's own PATH (its sshd session's) finds its python and llamafactory-cli.
BOX_RUN_ENV = {k: v for k, v in RUN_ENV.items() if k != "PATH"}


def test_remote_training_survives_a_dropped_connection(ssh_host, sshd, box_demo_copy):
    demo_copy = box_demo_copy  # on the box, owned by the box user
    ssh_host.start_heartbeat(interval=0.5, timeout=1.5)
    ws = Workspace(ssh_host, str(demo_copy))
    paths = start_run(ws, demo_config(demo_copy, max_steps=20), name="remote", env=BOX_RUN_ENV)
    follower = ResumingFollower(ssh_host, paths.trainer_log)
    lines: list[str] = []
    cut = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        lines += follower.wait(1.0)
        if not cut and len(lines) >= 2:
            victims = sshd.kill_sessions()  # every sshd process of our connections
            assert victims
            cut = True
        done = False
        with contextlib.suppress(ConnectionLost):  # the heartbeat may not have reconnected
            done = ssh_host.exists(paths.exit_code)  # the wrapper writes it at the very end
        if cut and done:
            lines += follower.wait(2.0)
            break
    follower.close()
    assert cut and ssh_host.generation >= 2  # we reconnected
    # every line of the log, in order, exactly once
    assert (
        lines
        == (demo_copy / "runs" / paths.run_id / "output" / "trainer_log.jsonl")
        .read_text()
        .splitlines()
    )
    points = [r for r in map(json.loads, lines) if "loss" in r]
    assert [r["current_steps"] for r in points] == list(range(2, 21, 2))  # logging_steps=2
    assert points[-1]["loss"] < points[0]["loss"] - 1.0  # it really learned while we were away
    # (run_info reads exit_code before checking the pid, so just at the end it could say
    # "killed" for a run whose code lands a moment later: hence waiting for exit_code.)
    info = run_info(ssh_host, paths)
    assert info.state == "finished", info
    assert not ssh_host.is_alive(int((demo_copy / "runs" / paths.run_id / "pid").read_text()))
