"""The Train monitor on a live remote run: the link is cut, then frozen, while the demo
trains on the box; the monitor says "reconnecting…", and after each return the loss curve
goes on with every step exactly once (followed from the last byte offset)."""

# ruff: noqa: F811 - the fixtures imported below are test parameters
from __future__ import annotations

import json
import time

import pytest

from screens.train_monitor import RunMonitor
from tests.ssh.proxy import link_proxy, proxied_host  # noqa: F401
from tests.ssh.test_link_tui import SIZE, banner_shown, box_app, until
from tests.ssh.test_remote_training import BOX_RUN_ENV
from tests.train.conftest import demo_config
from tui_ft.train import start_run
from tui_ft.workspace import Workspace

pytestmark = pytest.mark.train
STEPS = 600  # the run: 600 steps, a record every step


async def test_monitor_resumes_every_step_once(proxied_host, link_proxy, box_demo_copy):
    host = proxied_host
    ws = Workspace(host, str(box_demo_copy))
    cfg = demo_config(box_demo_copy, max_steps=STEPS)
    cfg.logging_steps, cfg.save_steps = 1, STEPS
    paths = start_run(ws, cfg, name="link", env=BOX_RUN_ENV)
    app = box_app(host, box_demo_copy, mode="train")
    changes: list[tuple[str, int, int]] = []
    host.on_link(lambda st: changes.append((st.state, st.attempt, host.generation)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.current_mode == "train", 60, "the Train area")
        await until(pilot, lambda: app.screen.query(RunMonitor), 60, "the monitor")
        monitor = app.screen.query_one(RunMonitor)

        def points() -> int:
            return len(monitor.log_state.loss.steps)

        await until(pilot, lambda: monitor.paths == paths, 60, "the monitor attached")
        times: dict[str, float] = {}  # printed for the "Measure" (never asserted)
        for how in ("cut", "freeze"):
            await until(pilot, lambda: points() >= 2, 300, "loss points")
            getattr(link_proxy, how)()
            t0 = time.monotonic()
            await until(pilot, lambda: banner_shown(app), 30, f"reconnecting after a {how}")
            times[f"{how} -> reconnecting shown"] = time.monotonic() - t0
            seen = points()
            link_proxy.restore()
            t0 = time.monotonic()
            if seen < STEPS - 20:  # the run still goes: the monitor is live again
                await until(pilot, lambda s=seen: points() > s, 120, "a new point after return")
                times[f"return after {how} -> live monitor"] = time.monotonic() - t0
            await until(pilot, lambda: host.link_state == "up", 60, "the link back")
            # the banner of this fault must be gone before the next one, or a loaded box
            # could read it as the next fault's and restore before anyone noticed that
            await until(pilot, lambda: not banner_shown(app), 30, "the banner gone")
        print("link times:", {k: round(v, 2) for k, v in times.items()})
        exit_code = box_demo_copy / "runs" / paths.run_id / "exit_code"
        await until(pilot, exit_code.exists, 600, "the run to finish")
        expected = list(range(1, STEPS + 1))
        await until(
            pilot,
            lambda: monitor.log_state.loss.steps[-1:] == [STEPS],
            120,
            "the last step on the monitor",
        )
        lines = (box_demo_copy / "runs" / paths.run_id / "output" / "trainer_log.jsonl").read_text()
        records = [json.loads(line) for line in lines.splitlines()]
        assert [r["current_steps"] for r in records if "loss" in r] == expected
        # every line fed once: no duplicate (a repeat would count as a resume), none lost
        assert monitor.log_state.lines == len(records)
        assert monitor.log_state.resumes == 0
        assert monitor.log_state.loss.steps == expected
        assert host.generation >= 3, changes  # two reconnects really happened
        assert app.is_running
