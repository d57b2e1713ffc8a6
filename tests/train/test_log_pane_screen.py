"""The Monitor's log pane by keys: `/` filters, `e` jumps to the traceback, `o` toggles
follow, `y` copies the traceback (OSC 52)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.widgets import Input, Log

from tests.apps import local_app, settle, until
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace

RUN = "20261125-101500-broken"
TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "train.py", line 3, in <module>',
    "ValueError: dataset identity_demo has no column `output`",
]


def broken_run(ws: Path) -> None:
    Workspace(LocalHost(), str(ws)).ensure()
    root = ws / "runs" / RUN
    (root / "output").mkdir(parents=True)
    (root / "training_args.yaml").write_text("model_name_or_path: /m\ndataset: identity_demo\n")
    status = {"run_id": RUN, "created_at": 1.0, "launches": [{"started_at": 1.0, "pid": 1}]}
    (root / "status.json").write_text(json.dumps(status))
    lines = [f"[INFO] loading step {i}" for i in range(30)] + TRACEBACK
    (root / "output" / "running_log.txt").write_text("\n".join(lines) + "\n")
    (root / "exit_code").write_text("1\n")


@asynccontextmanager
async def failed_run_on_train(tmp_path: Path) -> AsyncIterator[tuple[Any, Any, Any]]:
    """The app on Train, monitoring the failed run (its log ends in a traceback)."""
    broken_run(tmp_path / "ws")
    app = local_app(tmp_path / "ws", "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        app.active_run = RUN
        await pilot.press("3")
        await settle(app, pilot)
        yield app, pilot, app.screen


async def test_filter_jump_follow_copy(tmp_path: Path):
    async with failed_run_on_train(tmp_path) as (app, pilot, screen):
        log = screen.query_one("#mon-log", Log)
        await until(pilot, lambda: log.line_count >= 33, "the run's log in the pane")
        assert log.line_count == 33

        await pilot.press("slash")
        box = screen.query_one("#mon-filter", Input)
        assert box.display and app.focused is box
        await pilot.press(*"ERROR")
        # case-insensitive; the search runs in a worker
        await until(pilot, lambda: [str(x) for x in log.lines] == [TRACEBACK[-1]], "the match")
        await pilot.press(*["backspace"] * 5, "escape")
        await until(pilot, lambda: log.line_count == 33, "the tail again")
        assert not box.display  # an empty filter closes

        await pilot.press("e")
        await pilot.pause()
        top = int(log.scroll_y)
        assert top <= 30 < top + log.size.height and not log.auto_scroll
        await pilot.press("o")
        assert log.auto_scroll

        await pilot.press("y")
        assert app.clipboard == "\n".join(TRACEBACK)


async def test_attaching_again_shows_the_log_again(tmp_path: Path):
    """The Train screen may attach its run twice (on mount, then on resume): the second
    attach clears the pane, and the next status read must fill it again."""
    from screens.train_monitor import RunMonitor
    from tui_ft.train import RunPaths

    async with failed_run_on_train(tmp_path) as (_app, pilot, screen):
        log = screen.query_one("#mon-log", Log)
        await until(pilot, lambda: log.line_count >= 33, "the run's log in the pane")
        monitor = screen.query_one(RunMonitor)
        monitor.attach(RunPaths(str(tmp_path / "ws" / "runs" / RUN)))
        assert log.line_count == 0
        await until(pilot, lambda: log.line_count == 33, "the log after attaching again")
        assert [str(x) for x in log.lines][-1] == TRACEBACK[-1]


async def test_an_ended_runs_monitor_samples_nothing(tmp_path: Path):
    """No work behind it, no timer: the Monitor of an ended run stops the GPU/CPU sampler."""
    async with failed_run_on_train(tmp_path) as (_app, pilot, screen):
        monitor = screen.query_one("#train-monitor")
        await until(
            pilot,
            lambda: monitor.info is not None and screen.sampler._thread is None,
            "the ended run's monitor to stop sampling",
        )
        assert monitor.info.state == "failed"
        assert screen.sampler._thread is None  # the sampler thread has stopped
        assert not screen._gpu_timer._active.is_set()  # and the panel's tick is paused
