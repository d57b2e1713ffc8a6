"""The Train screen with Pilot, on a real CPU training of the demo model.

One training: launched from the form, the sparkline fills; the TUI exits while it
trains (the run goes on); a new TUI finds it and shows the whole history; Stop ends it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.widgets import Input, Label, Sparkline, Static

from screens.app import TuiFtApp
from screens.train_form import TrainForm
from screens.train_monitor import RunMonitor
from tests.train.conftest import demo_config
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.train import list_runs, run_info
from tui_ft.workspace import Workspace


def make_app(root: Path) -> TuiFtApp:
    host = LocalHost()
    return TuiFtApp(
        config=Config(workspace=str(root), hourly_price=2.0),
        host=host,
        workspace=Workspace(host, str(root)),
        start_mode="train",
    )


async def wait_until(pilot, pred, timeout: float, what: str):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if pred():
            return
        await pilot.pause(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def under(form: TrainForm, name: str) -> str:
    """The error line under a field ('' when hidden)."""
    label = form.query_one(f"#err-{name}", Label)
    return str(label.render()) if label.display else ""


async def test_invalid_form_is_rejected_before_launch(demo_copy):
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        form = app.screen.query_one(TrainForm)
        form.set_config(demo_config(demo_copy))
        form.query_one("#f-learning_rate", Input).value = "-0.5"
        form.query_one("#f-dataset", Input).value = "identity_demo,nope"
        await pilot.click("#train-launch")
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = str(app.screen.query_one("#train-errors", Static).render())
        assert "2 field(s) need a fix" in errors
        assert "must be > 0" in under(form, "learning_rate")  # beside the field, not a toast
        assert "'nope' is not in dataset_info.json" in under(form, "dataset")
        form.query_one("#f-lora_rank", Input).value = "eight"
        await pilot.click("#train-launch")
        await pilot.pause()
        assert "not a whole number" in under(form, "lora_rank")
    assert list_runs(Workspace(LocalHost(), str(demo_copy))) == []


@pytest.mark.train
async def test_launch_watch_exit_reattach_and_stop(train_root, run_env):
    app = make_app(train_root)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        # long enough that it is still running when we stop it, fast box or slow
        cfg = demo_config(train_root, max_steps=3000)
        cfg.save_steps = 500
        app.screen.query_one(TrainForm).set_config(cfg)
        await pilot.pause()
        assert "llamafactory-cli train" in str(
            app.screen.query_one("#train-command", Static).render()
        )
        await pilot.click("#train-launch")
        await wait_until(pilot, lambda: app.active_run is not None, 30, "the launch")
        spark = app.screen.query_one("#mon-spark", Sparkline)
        await wait_until(pilot, lambda: len(spark.data or []) >= 3, 240, "3 sparkline points")
        run_id = app.active_run
    # the TUI is gone; the run is not
    ws = Workspace(LocalHost(), str(train_root))
    (info,) = list_runs(ws)
    assert info.run_id == run_id and info.state == "running"
    await asyncio.sleep(3)

    app = make_app(train_root)
    async with app.run_test(size=(120, 60)) as pilot:
        monitor = app.screen.query_one(RunMonitor)
        await wait_until(pilot, lambda: app.active_run == run_id, 30, "reattach")

        def file_steps() -> list[int]:
            text = Path(info.paths.trainer_log).read_text()
            # complete lines only: the run may be half-way through writing the last one
            return [json.loads(x)["current_steps"] for x in text.split("\n")[:-1] if x]

        logged_before = len(set(file_steps()))  # what was written while no TUI looked

        def whole_history() -> bool:
            # The run still writes: compare with the file as read now, as a prefix, so a
            # line logged between two reads cannot fail a monitor that has every step once.
            steps, written = list(monitor.log_state.loss.steps), sorted(set(file_steps()))
            return len(steps) >= logged_before and steps == written[: len(steps)]

        await wait_until(pilot, whole_history, 30, "the whole history")
        assert monitor.log_state.loss.steps[:3] == [2, 4, 6]
        # Redraws are coalesced to one a second: wait for the panel to catch up.
        await wait_until(
            pilot,
            lambda: "/3000" in str(monitor.query_one("#mon-metrics", Static).render()),
            10,
            "the metrics panel",
        )
        assert "cost" in str(monitor.query_one("#mon-metrics", Static).render())
        await pilot.click("#mon-stop")
        await wait_until(
            pilot, lambda: run_info(ws.host, info.paths).state == "stopped", 120, "the stop"
        )
        await wait_until(
            pilot,
            lambda: "stopped" in str(monitor.query_one("#mon-title", Static).render()),
            10,
            "the stopped title",
        )
