"""`tui-ft watch` end to end: a detached daemon watching real processes in run folders.

Each run is launched the way training is (`spawn_detached`, the exit-code wrapper of
tui_ft.train.launch) with a small stand-in trainer that writes LLaMA-Factory's
trainer_log.jsonl lines: one finishes, one fails, one is SIGKILLed (dead: no exit code)
and one is SIGSTOPped (stalled: alive, log silent). Notifications go to a loopback
webhook; the power-off command only writes a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.watch.hookserver import HookServer
from tui_ft.host.local import LocalHost
from tui_ft.train.launch import WRAPPER
from tui_ft.train.rundir import RunPaths

TRAINER = r"""
import datetime, json, sys, time
log, steps, code = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
i = 0
while steps < 0 or i < steps:
    i += 1
    rec = {"current_steps": i, "total_steps": 1000, "loss": round(2.0 - i / 1000, 4),
           "elapsed_time": str(datetime.timedelta(seconds=i)),
           "remaining_time": str(datetime.timedelta(seconds=1000 - i))}
    with open(log, "a") as fh:
        fh.write(json.dumps(rec) + "\n")
    time.sleep(0.2)
sys.exit(code)
"""


def start_run(ws: Path, name: str, steps: int, code: int, trainer: Path) -> tuple[RunPaths, int]:
    paths = RunPaths(str(ws / "runs" / name))
    Path(paths.output).mkdir(parents=True)
    Path(paths.args).write_text("model_name_or_path: tiny\ndataset: demo\n")
    argv = ["sh", "-c", WRAPPER, "tui-ft-run", paths.exit_code, sys.executable, str(trainer),
            paths.trainer_log, str(steps), str(code), paths.args]  # fmt: skip
    pid = LocalHost().spawn_detached(
        argv, cwd=paths.root, log_path=paths.launch_log, pid_path=paths.pid
    )
    status = {"run_id": name, "launches": [{"started_at": time.time(), "pid": pid}]}
    Path(paths.status).write_text(json.dumps(status))
    return paths, pid


def tui_ft(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_ft", *args], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def wait(predicate, what: str, timeout: float = 90.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def setup(tmp_path):
    ws = tmp_path / "ws"
    (ws / "runs").mkdir(parents=True)
    trainer = tmp_path / "trainer.py"
    trainer.write_text(TRAINER)
    procs: list[int] = []
    with HookServer() as hooks:
        cfg = tmp_path / "config.yaml"
        env = dict(os.environ, TUI_FT_CONFIG=str(cfg), TUI_FT_WORKSPACE=str(ws),
                   NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")  # fmt: skip
        yield ws, trainer, hooks, cfg, env, procs
        tui_ft(env, "watch", "--stop")
        for pid in procs:
            for sig in (signal.SIGCONT, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, sig)


def test_daemon_reports_finished_failed_dead_and_stalled_runs(setup):
    ws, trainer, hooks, cfg, env, procs = setup
    cfg.write_text(yaml.safe_dump({
        "hourly_price": 3.6, "currency": "¥",
        "notify": {"webhooks": [{"url": hooks.url("/feishu"), "format": "feishu"},
                                {"url": hooks.url("/json"), "format": "json"}]},
        # median 1 s between log lines (the trainer's clock): stalled after 3 s of silence
        "watch": {"interval": 0.5, "stall_factor": 3, "stall_min_seconds": 2,
                  "startup_seconds": 20},
    }))  # fmt: skip
    started = tui_ft(env, "watch")
    assert started.returncode == 0, started.stderr
    assert "watching" in started.stdout
    again = tui_ft(env, "watch")
    assert "already watching" in again.stdout  # one daemon per box
    for name, steps, code in (("ok-run", 15, 0), ("bad-run", 5, 3), ("dead-run", -1, 0),
                              ("stuck-run", -1, 0)):  # fmt: skip
        procs.append(start_run(ws, name, steps, code, trainer)[1])

    def status() -> dict:
        res = tui_ft(env, "watch", "--status", "--json")
        data = json.loads(res.stdout)
        return {r["run_id"]: r for r in (data["state"] or {}).get("runs", [])}

    wait(lambda: status().get("stuck-run", {}).get("state") == "running", "stuck-run running")
    # Two log lines each: dead-run's last loss, and the median stuck-run's stall limit
    # scales with. Stopped before them, stuck-run would be judged by the start-up allowance
    # instead (a busy machine starts the trainers late).
    for name in ("dead-run", "stuck-run"):
        log = Path(RunPaths(str(ws / "runs" / name)).trainer_log)
        wait(lambda log=log: log.exists() and len(log.read_text().splitlines()) >= 2,
             f"two log lines of {name}")  # fmt: skip
    os.killpg(procs[2], signal.SIGKILL)  # dead-run: gone, no exit code
    stopped_at = time.time()
    os.killpg(procs[3], signal.SIGSTOP)  # stuck-run: alive, silent

    def post_for(run: str):
        return lambda p: p[0] == "/json" and p[1]["run"] == run

    dead = hooks.wait_for(post_for("dead-run"))[1]
    assert dead["kind"] == "dead" and dead["last_loss"] is not None
    _stuck_path, stuck, arrived = hooks.wait_for(post_for("stuck-run"))
    assert stuck["kind"] == "stalled" and "log silent" in stuck["detail"]
    print(f"stall -> notification: {arrived - stopped_at:.1f}s (3 s of silence allowed)")
    assert hooks.wait_for(post_for("ok-run"))[1]["kind"] == "finished"
    bad = hooks.wait_for(post_for("bad-run"))[1]
    assert bad["kind"] == "failed" and "exit code 3" in bad["detail"]
    assert bad["cost"] is not None and bad["currency"] == "¥" and bad["duration_s"] > 0
    feishu = hooks.bodies("/feishu")
    assert any("stuck-run STALLED" in b["content"]["text"] for b in feishu)

    states = wait(lambda: (s := status()) and s["ok-run"]["state"] == "finished" and s, "status")
    assert states["bad-run"]["state"] == "failed"
    assert states["dead-run"]["state"] == "dead"
    assert states["stuck-run"]["state"] == "stalled"
    text = tui_ft(env, "watch", "--status").stdout
    assert "stuck-run" in text and "stalled" in text and "¥" in text
    # Each state is told once, however many looks the daemon takes.
    kinds = [(b["run"], b["kind"]) for b in hooks.bodies("/json")]
    assert len(kinds) == len(set(kinds)) == 4


def test_power_off_after_the_last_run_and_its_cancel(setup, tmp_path):
    ws, trainer, hooks, cfg, env, procs = setup
    marker = tmp_path / "powered-off"
    cfg.write_text(yaml.safe_dump({
        "notify": {"webhooks": [{"url": hooks.url("/json"), "format": "json"}]},
        "watch": {"interval": 0.3, "power_off": True, "power_off_grace": 1.5,
                  "power_off_command": f"echo off > {marker}"},
    }))  # fmt: skip
    assert tui_ft(env, "watch").returncode == 0
    procs.append(start_run(ws, "short", 3, 0, trainer)[1])
    hooks.wait_for(lambda p: p[1]["kind"] == "poweroff")
    wait(marker.exists, "the power-off command")
    assert marker.read_text() == "off\n"

    # Another run ends, with a longer grace period; this time the user keeps the box.
    marker.unlink()
    assert "stopped" in tui_ft(env, "watch", "--stop").stdout
    data = yaml.safe_load(cfg.read_text())
    data["watch"]["power_off_grace"] = 120
    cfg.write_text(yaml.safe_dump(data))
    assert tui_ft(env, "watch").returncode == 0
    procs.append(start_run(ws, "second", 3, 0, trainer)[1])
    state = ws / ".tui-ft" / "watch" / "state.json"

    def poweroff() -> dict:
        return json.loads(state.read_text()).get("poweroff") or {}

    wait(lambda: poweroff().get("status") == "scheduled", "a power-off after the second run")
    assert "in 1" in tui_ft(env, "watch", "--status").stdout  # "... in 11Xs"
    assert tui_ft(env, "watch", "--cancel-poweroff").returncode == 0
    wait(lambda: poweroff().get("status") == "cancelled", "the cancel")
    assert "cancelled by the user" in tui_ft(env, "watch", "--status").stdout
    assert not marker.exists()
