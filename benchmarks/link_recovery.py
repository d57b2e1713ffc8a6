"""How fast the TUI notices a dropped link and how fast the Train monitor is live again.

The app runs headless (Textual's Pilot) on a box (benchmarks/_common.SlowBox: a loopback
sshd behind the test proxy, tests/ssh/proxy.py) whose proxy cuts (closes every
connection) or freezes (stops passing bytes, closes nothing) the link. A stand-in run on
the box appends a trainer-log record every 0.1 s. Measured, per repetition: cut ->
"reconnecting…" on screen, freeze -> "reconnecting…" on screen, and link back -> a new
loss point on the monitor. Heartbeat: ping every 1 s, 2 s answer window (the TUI's
defaults).

    .venv/bin/python benchmarks/link_recovery.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SlowBox
from tests.ssh.proxy import LinkProxy
from tui_ft.host.ssh import SSHHost

WRITER = (
    'i=1; while [ $i -le 100000 ]; do printf \'{"current_steps": %d, "total_steps": 100000, '
    '"loss": 2.0}\\n\' $i >> "$1"; i=$((i+1)); sleep 0.1; done'
)


async def until(cond, timeout: float = 60.0) -> float:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError
        await asyncio.sleep(0.02)
    return time.monotonic() - t0


async def run(host: SSHHost, proxy: LinkProxy, ws: Path, repeat: int) -> dict[str, list[float]]:
    from screens.app import TuiFtApp
    from screens.link import LinkBanner
    from screens.train_monitor import RunMonitor
    from tui_ft.config import Config
    from tui_ft.workspace import Workspace

    app = TuiFtApp(
        config=Config(workspace=str(ws)),
        host=host,
        workspace=Workspace(host, str(ws)),
        start_mode="train",
    )
    times: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)):
        await until(lambda: app.current_mode == "train" and app.screen.query(RunMonitor), 60)
        monitor = app.screen.query_one(RunMonitor)
        await until(lambda: len(monitor.log_state.loss.steps) > 2, 60)

        def shown() -> bool:
            b = app.screen.query_one(LinkBanner)
            return b.display and "reconnecting" in str(b.render())

        for _ in range(repeat):
            for how in ("cut", "freeze"):
                getattr(proxy, how)()
                times.setdefault(f"{how} -> reconnecting shown", []).append(await until(shown))
                await asyncio.sleep(1.0)
                seen = monitor.log_state.latest or {}
                proxy.restore()
                t = await until(lambda s=seen: (monitor.log_state.latest or {}) != s, 120)
                times.setdefault(f"back after {how} -> live monitor", []).append(t)
                await until(lambda: not shown(), 30)
    return times


def main() -> int:
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # refused reconnects are expected
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlowBox(Path(tmp)) as box:
        d = Path(tmp)
        run_dir = d / "ws" / "runs" / "20260101-000000-bench"
        (run_dir / "output").mkdir(parents=True)
        (run_dir / "training_args.yaml").write_text("model_name_or_path: m\ndataset: d\n")
        (run_dir / "status.json").write_text(json.dumps({"launches": [{"started_at": 1.0}]}))
        host = box.connect(0, timeout=5.0)  # the proxy cuts and freezes; no added delay
        # the stand-in run: its command line names training_args.yaml, as a real one does
        pid = host.spawn_detached(
            ["sh", "-c", WRITER, str(run_dir / "training_args.yaml"), "output/trainer_log.jsonl"],
            cwd=str(run_dir),
            log_path=str(run_dir / "launch.log"),
            pid_path=str(run_dir / "pid"),
        )
        try:
            times = asyncio.run(run(host, box.proxy, d / "ws", args.repeat))
        finally:
            os.kill(pid, 9)
            host.close()
    print(f"seconds over {args.repeat} repetitions (heartbeat 1 s ping, 2 s window):")
    for name, xs in times.items():
        each = ", ".join(f"{x:.2f}" for x in xs)
        print(f"  {name:<34} median {statistics.median(xs):5.2f}  max {max(xs):5.2f}  ({each})")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
