"""The Runs table shows the watch daemon's states and the cost; `p` cancels a power-off.

Real processes in run folders (the stand-in trainer of test_daemon): one finishes, one
fails, one is SIGKILLed (dead) and one SIGSTOPped (stalled); the power-off test runs the
real daemon, whose command only writes a file.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path

import yaml
from textual.widgets import DataTable, Static

from tests.apps import local_app, until
from tests.watch.test_daemon import setup, start_run, tui_ft, wait  # noqa: F401 - fixture

WATCH = {"interval": 0.5, "stall_factor": 3, "stall_min_seconds": 2, "startup_seconds": 20}


def rows(app) -> dict[str, tuple]:
    table = app.screen.query_one(DataTable)
    return {str(r[1]): r for r in (table.get_row_at(i) for i in range(table.row_count))}


async def test_runs_table_shows_watch_states_and_cost(setup):  # noqa: F811
    ws, trainer, _hooks, _cfg, _env, procs = setup
    for name, steps, code in (("ok-run", 8, 0), ("bad-run", 5, 3), ("dead-run", -1, 0),
                              ("stuck-run", -1, 0)):  # fmt: skip
        procs.append(start_run(ws, name, steps, code, trainer)[1])
    log = ws / "runs" / "stuck-run" / "output" / "trainer_log.jsonl"
    wait(lambda: log.exists() and len(log.read_text().splitlines()) >= 3, "stuck-run logging")
    os.killpg(procs[2], signal.SIGKILL)  # dead-run: gone, no exit code
    os.killpg(procs[3], signal.SIGSTOP)  # stuck-run: alive, its log silent

    app = local_app(ws, "runs", watch=WATCH, hourly_price=3.6, currency="¥")
    async with app.run_test(size=(150, 40)) as pilot:
        want = {"ok-run": "finished", "bad-run": "failed (exit 3)", "dead-run": "dead",
                "stuck-run": "stalled"}  # fmt: skip

        def states() -> bool:
            got = {k: str(v[2]) for k, v in rows(app).items()}
            return got == want

        async def reloaded() -> bool:
            if not states():
                await pilot.press("r")  # the live-run timer reloads too; r is quicker
            return states()

        deadline = time.monotonic() + 90
        while not await reloaded():
            assert time.monotonic() < deadline, f"states: {rows(app)}"
            await asyncio.sleep(0.5)
            await pilot.pause()
        table = rows(app)
        assert str(table["ok-run"][-1]).startswith("¥")  # ended: the cost so far, no projection
        assert "→" not in str(table["ok-run"][-1])
        so_far, projected = str(table["stuck-run"][-1]).removeprefix("¥").split("→")
        assert float(projected) > float(so_far)  # ~1000 s left at ¥3.6/h


async def test_power_off_countdown_and_cancel_by_key(setup, tmp_path):  # noqa: F811
    ws, trainer, _hooks, cfg, env, procs = setup
    marker = tmp_path / "powered-off"
    watch = {"interval": 0.3, "power_off": True, "power_off_grace": 600,
             "power_off_command": f"echo off > {marker}"}  # fmt: skip
    cfg.write_text(yaml.safe_dump({"watch": watch}))
    assert tui_ft(env, "watch").returncode == 0
    procs.append(start_run(ws, "short", 3, 0, trainer)[1])
    state = ws / ".tui-ft" / "watch" / "state.json"

    def poweroff() -> dict:
        try:
            return json.loads(state.read_text()).get("poweroff") or {}
        except (OSError, ValueError):
            return {}

    wait(lambda: poweroff().get("status") == "scheduled", "a power-off after the run")
    app = local_app(ws, "runs", watch=watch)
    async with app.run_test(size=(100, 30)) as pilot:
        line = app.screen.query_one("#runs-poweroff", Static)
        await until(pilot, lambda: line.display, "the countdown")
        text = str(line.render())
        assert f"echo off > {marker}" in text and "p cancels" in text
        assert re.search(r"in (10:00|9:[0-5]\d) ", text)  # 600 s of grace, counted down
        shown = app.screen.active_bindings.get("p")  # in the footer only while pending
        assert shown is not None and shown.binding.description == "Cancel power-off"
        told = await until(pilot, lambda: app.notifier.sent, "the desktop notification")
        assert told[-1].kind == "poweroff" and f"echo off > {marker}" in told[-1].detail
        await pilot.press("p")
        await until(pilot, lambda: not line.display, "the countdown to go")
        wait(lambda: poweroff().get("status") == "cancelled", "the daemon to cancel")
        assert poweroff()["reason"] == "cancelled by the user"
        assert "cancelled" in str(app.screen.query_one("#runs-message", Static).render())
        assert "p" not in app.screen.active_bindings
    assert not Path(marker).exists()
