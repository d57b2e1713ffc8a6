"""The Runs screen over fixed run folders: states, loss, duration, size; the plot."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable

from screens.app import TuiFtApp
from tests.apps import local_app, settle
from tests.train.conftest import DATA
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace

T0 = 1_795_000_000.0
ARGS = "model_name_or_path: /models/tiny-llama-demo\ntemplate: default\ndataset: identity_demo\n"


def make_run(runs: Path, run_id: str, log_lines: list[str], *, code: int | None, ck: int | None):
    root = runs / run_id
    (root / "output").mkdir(parents=True)
    (root / "training_args.yaml").write_text(ARGS)
    status = {"run_id": run_id, "created_at": T0, "launches": [{"started_at": T0, "pid": 1}]}
    (root / "status.json").write_text(json.dumps(status))
    log = root / "output" / "trainer_log.jsonl"
    log.write_text("".join(x + "\n" for x in log_lines))
    os.utime(log, (T0 + 95, T0 + 95))
    if ck:
        (root / "output" / f"checkpoint-{ck}").mkdir()
        (root / "output" / f"checkpoint-{ck}" / "trainer_state.json").write_text("{}")
    if code is not None:
        (root / "exit_code").write_text(f"{code}\n")
        os.utime(root / "exit_code", (T0 + 125, T0 + 125))
    return root


@pytest.fixture
def runs_ws(tmp_path) -> Path:
    ws = tmp_path / "ws"
    Workspace(LocalHost(), str(ws)).ensure()
    lines = (DATA / "resumed_trainer_log.jsonl").read_text().splitlines()
    make_run(ws / "runs", "20261124-101500-demo", lines, code=0, ck=60)
    make_run(ws / "runs", "20261124-090000-killed", lines[:6], code=None, ck=10)
    return ws


def make_app(ws) -> TuiFtApp:
    return local_app(ws, "runs")


async def test_runs_table_states_and_delete(runs_ws):
    app = make_app(runs_ws)
    async with app.run_test(size=(130, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[1] for r in rows] == ["20261124-101500-demo", "20261124-090000-killed"]
        assert rows[0][2] == "finished" and rows[0][3] == "60/60"
        assert rows[0][4] == "2.9723" and rows[0][5] == "2:05"
        assert rows[1][2] == "dead, resumable from checkpoint-10" and rows[1][5] == "1:35"
        # mark the second run too: both curves in the plot
        await pilot.press("down", "space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        labels = [c.label for c in app.screen.query_one("#runs-plot")._curves]
        assert labels == ["20261124-101500-demo", "20261124-090000-killed"]
        await pilot.click("#runs-delete")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not (runs_ws / "runs" / "20261124-090000-killed").exists()
        assert table.row_count == 1


async def test_cost_is_on_screen_at_80_columns(runs_ws):
    """At 80x24 the cost column lies inside the table's visible region (no scrolling right);
    widened, the table shows every column again."""
    app = local_app(runs_ws, "runs", hourly_price=3.6, currency="¥")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        *before, cost = table.ordered_columns
        assert str(cost.label) == "cost→end"
        start = sum(c.get_render_width(table) for c in before)
        assert table.scroll_x == 0
        assert start + cost.get_render_width(table) <= table.scrollable_content_region.width
        shown = [table.render_line(y).text for y in (1, 2)]  # as drawn; the header is y=0
        assert "20261124-101500-demo" in shown[0] and "¥0.1" in shown[0]
        assert "dead ↻10" in shown[1]
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.resize_terminal(130, 45)
        deadline = time.monotonic() + 30  # the resize reaches the screen after a few hops
        while len(table.ordered_columns) < 8 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[-3:] == ["duration", "size", "cost→end"]
        assert table.cursor_row == 1  # the same run under the cursor
        assert table.get_row_at(1)[2] == "dead, resumable from checkpoint-10"


def test_runs_screen_snapshot(runs_ws, snap_compare):
    async def settle(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.2)  # the table sizes its columns on the refresh after its rows

    assert snap_compare(make_app(runs_ws), terminal_size=(130, 45), run_before=settle)
