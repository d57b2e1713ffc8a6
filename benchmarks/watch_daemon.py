"""The watch daemon: its CPU and memory while it watches 3 live runs, and the time from a
stall to its webhook.

Runs are the stand-in trainer of tests/watch (a real process writing trainer_log lines
through the launch wrapper); the webhook is a loopback server.

- CPU and RSS of the daemon over `--seconds`, at the default 10 s interval and at 1 s;
  baseline: a bare Python interpreter's RSS (what any Python daemon costs).
  Target: < 1% of a core at the default interval.
- Stall -> notification: SIGSTOP a run whose stall threshold is 3 s; the figure is the
  time to the webhook minus the threshold; baseline: the scan interval (0.5 s).
  Target: ratio <= 2 (the stall is told at the first or second look after it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import report, scratch_dir
from tests.watch.hookserver import HookServer
from tests.watch.test_daemon import TRAINER, start_run


def tui_ft(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "tui_ft", *args], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip


def setup(root: Path, config: dict, runs: int, hooks: HookServer) -> tuple[dict, list[int]]:
    ws = root / "ws"
    (ws / "runs").mkdir(parents=True)
    trainer = root / "trainer.py"
    trainer.write_text(TRAINER)
    cfg = root / "config.yaml"
    cfg.write_text(json.dumps(config))
    env = dict(os.environ, TUI_FT_CONFIG=str(cfg), TUI_FT_WORKSPACE=str(ws),
               NO_PROXY="127.0.0.1")  # fmt: skip
    tui_ft(env, "watch")
    pids = [start_run(ws, f"run{i}", -1, 0, trainer)[1] for i in range(runs)]
    return env, pids


def cleanup(env: dict, pids: list[int]) -> None:
    tui_ft(env, "watch", "--stop")
    for pid in pids:
        for sig in (signal.SIGCONT, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)


def daemon_load(interval: float, seconds: float) -> tuple[float, float]:
    root = Path(scratch_dir())
    with HookServer() as hooks:
        env, pids = setup(root, {"watch": {"interval": interval}}, 3, hooks)
        try:
            time.sleep(min(3.0, interval))
            pid = int((root / "ws" / ".tui-ft" / "watch" / "pid").read_text())
            proc = psutil.Process(pid)
            c0, t0 = proc.cpu_times(), time.time()
            time.sleep(seconds)
            c1, t1 = proc.cpu_times(), time.time()
            cpu = (c1.user + c1.system - c0.user - c0.system) / (t1 - t0) * 100
            return cpu, proc.memory_info().rss / 2**20
        finally:
            cleanup(env, pids)


def bare_python_rss() -> float:
    proc = psutil.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    time.sleep(1.0)
    rss = proc.memory_info().rss / 2**20
    proc.kill()
    return rss


def stall_latency(threshold: float = 3.0, interval: float = 0.5) -> float:
    root = Path(scratch_dir())
    with HookServer() as hooks:
        config = {
            "notify": {"webhooks": [{"url": hooks.url("/json"), "format": "json"}]},
            "watch": {"interval": interval, "stall_factor": threshold, "stall_min_seconds": 1},
        }
        env, pids = setup(root, config, 1, hooks)
        try:
            time.sleep(2.0)  # a few log lines: the median is 1 s (the trainer's clock)
            stopped = time.time()
            os.killpg(pids[0], signal.SIGSTOP)
            _, _, arrived = hooks.wait_for(lambda p: p[1].get("kind") == "stalled", 120)
            return arrived - stopped - threshold
        finally:
            cleanup(env, pids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    base = bare_python_rss()
    for interval in (10.0, 1.0):
        cpu, rss = daemon_load(interval, args.seconds)
        print(f"interval {interval:g}s, 3 runs: CPU {cpu:.2f}% of one core, RSS {rss:.1f} MiB")
        report(f"daemon RSS vs a bare interpreter (interval {interval:g}s)", [rss], [base],
               unit=" MiB", target="CPU < 1% of a core at 10 s")  # fmt: skip
    late = [stall_latency() for _ in range(3)]
    report("stall -> webhook, beyond the 3 s threshold", late, [0.5], target="ratio <= 2")


if __name__ == "__main__":
    main()
