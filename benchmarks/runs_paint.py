"""The Runs screen over a slow link: time until its rows are painted, driven by Pilot.

60 finished runs on a loopback sshd behind the test proxy (benchmarks/_common.SlowBox),
the TUI opened on the Runs area with `--host` to it (the app keeps the connection: a
heartbeat, so refreshes go through the box's agent). Measured: the first paint (app
start to all rows in the table), then a refresh (`r`: from the key to the new rows), with
the round trips each costs, counted at the transport.

Baseline: `tui-ft runs --json` run on the box through one SSH command at the same RTT
(what issue 18 compares with). Target: rows painted within 2 s at 50 ms.

    .venv/bin/python benchmarks/runs_paint.py [--runs 60] [--rtt 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SlowBox, report
from tests.ssh.proxy import count_round_trips
from tests.ssh.runs_factory import make_runs
from tui_ft.config import Config
from tui_ft.workspace import Workspace


async def until(pilot, cond, timeout: float = 120.0) -> float:
    """Seconds until `cond()` holds while the app runs."""
    t0 = time.perf_counter()
    while not cond():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the Runs table did not fill")
        await pilot.pause(0.01)
    return time.perf_counter() - t0


async def paint(box: SlowBox, root: Path, rtt: float, runs: int) -> tuple[float, int, float, int]:
    """(first paint s, its round trips, refresh s, its round trips)."""
    from textual.widgets import DataTable

    from screens.app import TuiFtApp

    host = box.connect(rtt)
    app = TuiFtApp(
        config=Config(workspace=str(root)),
        host=host,
        workspace=Workspace(host, str(root)),
        start_mode="runs",
    )
    try:
        with count_round_trips() as first_rt:
            t0 = time.perf_counter()
            async with app.run_test(size=(160, 48)) as pilot:

                def table() -> DataTable:
                    return app.screen.query_one(DataTable)

                await until(
                    pilot, lambda: app.screen.id != "_default" and table().row_count >= runs
                )
                first = time.perf_counter() - t0
                first_n = first_rt.total
                await pilot.pause(1.0)  # the screen's other loads settle
                old = app.screen.runs
                with count_round_trips() as rt:
                    t1 = time.perf_counter()  # the press itself may see the reload through
                    await pilot.press("r")
                    await until(pilot, lambda: app.screen.runs is not old)
                    refresh = time.perf_counter() - t1
                return first, first_n, refresh, rt.total
    finally:
        host.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--rtt", default="50", help="round trips to test, in ms")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        box = SlowBox(d)
        root = d / "ws"
        make_runs(root / "runs", args.runs)
        for area in ("models", "datasets", "exports"):
            (root / area).mkdir()
        os.environ["TUI_FT_CONFIG"] = str(d / "none.yaml")
        try:
            for rtt in (float(x) for x in args.rtt.split(",")):
                ours, refreshes, base = [], [], []
                for _ in range(args.repeat):
                    first, n1, refresh, n2 = asyncio.run(paint(box, root, rtt, args.runs))
                    ours.append(first)
                    refreshes.append(refresh)
                    print(f"RTT {rtt:.0f} ms: rows painted {first:.2f} s ({n1} round trips), "
                          f"refresh {refresh:.3f} s ({n2} round trips)")  # fmt: skip
                    host = box.connect(rtt)
                    argv = [host.python, "-m", "tui_ft", "runs", "--json", "--workspace", str(root)]
                    t0 = time.perf_counter()
                    host.run(argv).check()
                    base.append(time.perf_counter() - t0)
                    host.close()
                report(
                    f"Runs screen first paint, {args.runs} runs, RTT {rtt:.0f} ms, "
                    "vs `runs --json` run on the box in one SSH command",
                    ours,
                    base,
                    target="rows painted within 2 s at 50 ms",
                )
                report(f"Runs screen refresh (r), RTT {rtt:.0f} ms, vs the same", refreshes, base)
        finally:
            box.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
