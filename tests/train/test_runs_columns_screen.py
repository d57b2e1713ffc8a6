"""Runs columns never cut a number: each column is as wide as its widest value, at 80 and
120 columns, with long step counts and long run names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.apps import local_app, settle
from tests.train.test_runs_screen import make_run
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace

RUNS = {  # run id -> (last step, total steps)
    "20261201-093000-qwen2-lora-long-name": (552, 2000),
    "20261201-080000-llama3-sft-rank64": (1500, 10000),
    "20261130-230000-demo": (9, 9),
}


def trainer_log(last: int, total: int) -> list[str]:
    return [
        json.dumps(
            {
                "current_steps": step,
                "total_steps": total,
                "loss": 1.2345 + step / 1e4,
                "elapsed_time": "0:00:10",
                "remaining_time": "0:01:00",
            }
        )
        for step in range(1, last + 1, max(1, last // 5))
    ] + [json.dumps({"current_steps": last, "total_steps": total, "loss": 0.5})]


@pytest.fixture
def long_runs(tmp_path) -> Path:
    ws = tmp_path / "ws"
    Workspace(LocalHost(), str(ws)).ensure()
    for run_id, (last, total) in RUNS.items():
        make_run(ws / "runs", run_id, trainer_log(last, total), code=0, ck=None)
    return ws


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_runs_columns_show_whole_step_counts_and_run_names(long_runs, size):
    app = local_app(long_runs, "runs", hourly_price=3.6, currency="¥")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(RUNS)
        drawn = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        for run_id, (last, total) in RUNS.items():
            # Whole, or at 80 columns the longest name keeps its end (what tells runs apart).
            name = run_id if size[0] > 80 or len(run_id) < 36 else run_id[16:]
            line = next((x for x in drawn if name in x), None)
            assert line, f"{name} is cut on screen: {drawn}"
            assert f" {last}/{total} " in line, line
            assert "0.5000" in line, line
        *before, cost = table.ordered_columns
        assert str(cost.label) == "cost→end"  # and on screen, without scrolling right
        end = sum(c.get_render_width(table) for c in before) + cost.get_render_width(table)
        assert end <= table.scrollable_content_region.width, (end, size)
