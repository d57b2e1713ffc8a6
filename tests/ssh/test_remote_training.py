"""The demo model trained on the box through SSH; the connection dies mid-run, the
training goes on, and after the reconnect the loss curve is complete (no gap, no repeat)."""

from __future__ import annotations

import contextlib
import json
import time

import pytest

from tests.train.conftest import RUN_ENV, demo_config, wait_for
from tui_ft.host.heartbeat import ResumingFollower
from tui_ft.host.ssh import ConnectionLost
from tui_ft.train import run_info, start_run
from tui_ft.workspace import Workspace

pytestmark = pytest.mark.train


def test_remote_training_survives_a_dropped_connection(ssh_host, sshd, demo_copy):
    ssh_host.start_heartbeat(interval=0.5, timeout=1.5)
    ws = Workspace(ssh_host, str(demo_copy))
    paths = start_run(ws, demo_config(demo_copy, max_steps=20), name="remote", env=RUN_ENV)
    follower = ResumingFollower(ssh_host, paths.trainer_log)
    records: list[dict] = []
    cut = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        records += [json.loads(line) for line in follower.wait(1.0)]
        if not cut and len(records) >= 2:
            victims = sshd.kill_sessions()  # every sshd process of our connections
            assert victims
            cut = True
        if records and records[-1]["current_steps"] == 20:
            break
        state = "unknown"
        with contextlib.suppress(ConnectionLost):  # the heartbeat may not have reconnected
            state = run_info(ssh_host, paths).state
        if cut and state not in ("running", "stopping", "unknown"):
            records += [json.loads(line) for line in follower.wait(2.0)]
            break
    follower.close()
    assert cut and ssh_host.generation >= 2  # we reconnected
    steps = [r["current_steps"] for r in records]
    assert steps == list(range(2, 21, 2)), steps  # logging_steps=2: every point, once
    losses = [r["loss"] for r in records]
    assert losses[-1] < losses[0] - 1.0  # it really learned while we were away
    # the last step is logged before the final save: give the run time to end
    info = wait_for(
        lambda: (i := run_info(ssh_host, paths)).state not in ("running", "stopping") and i,
        120,
        "the run to end",
    )
    assert info.state == "finished", info
    assert not ssh_host.is_alive(int((demo_copy / "runs" / paths.run_id / "pid").read_text()))
