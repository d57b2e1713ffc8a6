"""What does an open TUI cost? CPU of the `tui-ft` process per screen, in % of one core.

The TUI runs in a real terminal (a tmux session, 120x40) on a scratch workspace:
  idle:       each area 1-7 with nothing running;
  monitoring: the Train screen (and Runs) following a run that logs RATE lines a second
              (a writer process appending LLaMA-Factory trainer_log records);
  finished:   the Train screen on that run once it has ended.
CPU = (utime + stime) from /proc/PID/stat over WINDOW seconds, after SETTLE seconds.
Targets (issue 12): idle < 0.5 %, monitoring 20 lines/s < 3 %.
Run: .venv/bin/python benchmarks/tui_cpu.py [WINDOW (10)] [RATE (20)]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import BIN

SETTLE = 4.0
TICK = os.sysconf("SC_CLK_TCK")
WRITER = """
import json, sys, time
log, rate = sys.argv[1], float(sys.argv[3])  # argv[2]: training_args.yaml, for is_alive
step = 0
with open(log, "a") as f:
    while True:
        step += 1
        rec = {"current_steps": step, "total_steps": 100000, "loss": 3 + 1 / step,
               "lr": 1e-4, "epoch": step / 1000, "percentage": step / 1000,
               "elapsed_time": "0:00:01", "remaining_time": "0:10:00"}
        f.write(json.dumps(rec) + "\\n")
        f.flush()
        time.sleep(1 / rate)
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def percent(pid: int, window: float) -> float:
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(window)
    return 100 * (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


class Tui:
    """`tui-ft` in a detached tmux session; keys go in with send-keys."""

    def __init__(self, workspace: Path, config: Path) -> None:
        self.session = f"tui-cpu-{os.getpid()}"
        env = f"TUI_FT_WORKSPACE={workspace} TUI_FT_CONFIG={config}"
        subprocess.run(
            ["tmux", "new", "-d", "-s", self.session, "-x", "120", "-y", "40",
             f"env {env} {BIN / 'tui-ft'}"],
            check=True,
        )  # fmt: skip
        out = subprocess.run(
            ["tmux", "list-panes", "-t", self.session, "-F", "#{pane_pid}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.pid = int(out.stdout.split()[0])
        self.wait_for("Environment")

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-t", self.session, "-p"], capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen():
            if time.monotonic() > deadline:
                raise SystemExit(f"the TUI never showed {text!r}:\n{self.screen()}")
            time.sleep(0.3)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], check=False)


def fake_run(ws: Path, rate: float) -> tuple[Path, subprocess.Popen]:
    root = ws / "runs" / "20261125-120000-bench"
    (root / "output").mkdir(parents=True)
    args = root / "training_args.yaml"
    args.write_text("model_name_or_path: /models/demo\ntemplate: default\ndataset: demo\n")
    log = root / "output" / "trainer_log.jsonl"
    log.touch()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(log), str(args), str(rate)])
    (root / "pid").write_text(f"{writer.pid}\n")
    started = {"started_at": time.time(), "pid": writer.pid}
    status = {"run_id": root.name, "created_at": time.time(), "launches": [started]}
    (root / "status.json").write_text(json.dumps(status))
    return root, writer


def measure(tui: Tui, key: str, title: str, window: float) -> float:
    tui.keys(key)
    tui.wait_for(title)
    time.sleep(SETTLE)
    return percent(tui.pid, window)


def main() -> None:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    areas = [("1", "Environment"), ("2", "Datasets"), ("3", "Train"), ("4", "Runs"),
             ("5", "Evaluate & Chat"), ("6", "Export & GGUF"), ("7", "Recipes")]  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="tui-cpu-"))
    results: list[tuple[str, float]] = []
    try:
        ws, config = tmp / "ws", tmp / "config.yaml"
        for sub in ("models", "datasets", "runs", "exports"):
            (ws / sub).mkdir(parents=True)
        tui = Tui(ws, config)
        try:
            time.sleep(SETTLE)  # the checks' subprocesses finish
            for key, title in areas:
                results.append((f"idle {title}", measure(tui, key, title, window)))
        finally:
            tui.close()
        root, writer = fake_run(ws, rate)
        tui = Tui(ws, config)
        try:
            time.sleep(SETTLE)
            results.append((f"monitor {rate:.0f}/s Train", measure(tui, "3", "run 2026", window)))
            results.append((f"monitor {rate:.0f}/s Runs", measure(tui, "4", "Runs", window)))
            writer.terminate()
            writer.wait()
            (root / "exit_code").write_text("0\n")
            results.append(("finished run Train", measure(tui, "3", "Train", window + SETTLE)))
        finally:
            writer.kill()
            tui.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"CPU of the tui-ft process, % of one core ({window:.0f} s windows, 120x40 tmux)")
    for name, value in results:
        print(f"  {name:<28} {value:6.2f} %")


if __name__ == "__main__":
    main()
