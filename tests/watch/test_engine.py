"""The watchdog's engine functions the TUI uses too: health, cost, stray GPU processes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.watch.test_daemon import TRAINER, start_run, wait
from tui_ft.gpu import GPUInfo, GPUProcess, gpu_unavailable_reason
from tui_ft.host.local import LocalHost
from tui_ft.train.discover import RunInfo, run_info
from tui_ft.train.rundir import RunPaths
from tui_ft.watch import WatchSettings, health, run_cost
from tui_ft.watch.gpuprocs import kill_stray, stray_gpu_processes
from tui_ft.workspace import Workspace


@dataclass
class Sample:
    t: float
    gpus: tuple = field(default_factory=tuple)


def gpu(util: int, *pids: int, index: int = 0) -> GPUInfo:
    procs = tuple(GPUProcess(p, 2 << 30) for p in pids)
    return GPUInfo(index, "H800", f"GPU-{index}", 80 << 30, 40 << 30, util, 50, 100.0, 700.0, procs)


def fake_run(tmp_path: Path, records: int, now: float) -> RunInfo:
    paths = RunPaths(str(tmp_path / "runs" / "r1"))
    Path(paths.output).mkdir(parents=True)
    lines = [json.dumps({"current_steps": i, "total_steps": 100, "loss": 1.0,
                         "elapsed_time": f"0:00:{i:02d}", "remaining_time": "0:01:00"})
             for i in range(1, records + 1)]  # fmt: skip
    Path(paths.trainer_log).write_text("".join(ln + "\n" for ln in lines))
    Path(paths.launch_log).write_text("step\n")
    for p in (paths.trainer_log, paths.launch_log):
        os.utime(p, (now - 5, now - 5))  # the last write: 5 s ago
    return RunInfo("r1", paths.root, "running", pid=4242, started_at=now - 600,
                   active_seconds=3600.0)  # fmt: skip


def test_log_silence_and_startup_stalls(tmp_path):
    host, now = LocalHost(), time.time()
    info = fake_run(tmp_path, 5, now)  # median 1 s between lines, silent for 5 s
    loose = WatchSettings(stall_factor=10, stall_min_seconds=2)
    assert health(host, info, loose, now=now).state == "running"  # 5 s < 10 x 1 s
    tight = WatchSettings(stall_factor=3, stall_min_seconds=2)
    h = health(host, info, tight, now=now)
    assert h.state == "stalled" and "log silent for 5s" in h.reason and h.median_interval_s == 1
    empty = fake_run(tmp_path / "b", 0, now)  # still loading: no log line yet
    assert health(host, empty, WatchSettings(startup_seconds=60), now=now).state == "running"
    h = health(host, empty, WatchSettings(startup_seconds=3), now=now)
    assert h.state == "stalled" and "no training log line" in h.reason


def test_gpu_idle_stalls_except_while_saving_or_evaluating(tmp_path):
    host, now = LocalHost(), time.time()
    info = fake_run(tmp_path, 5, now)
    settings = WatchSettings(stall_factor=1000, gpu_idle_percent=5, gpu_idle_minutes=1)
    idle = [Sample(now - 120 + 10 * i, (gpu(1, 4242), gpu(90, 999, index=1))) for i in range(13)]
    h = health(host, info, settings, now=now, gpu_samples=idle, run_pids={4242})
    assert h.state == "stalled" and "GPU under 5% for 2 min" in h.reason
    busy = [*idle[:-1], Sample(now, (gpu(60, 4242),))]
    assert health(host, info, settings, now=now, gpu_samples=busy, run_pids={4242}).state == (
        "running"
    )
    # Another job's idle GPU is not this run's problem.
    assert health(host, info, settings, now=now, gpu_samples=idle, run_pids={7}).state == (
        "running"
    )
    ck = Path(info.paths.output) / "checkpoint-10"
    ck.mkdir()  # being written: no trainer_state.json yet
    assert health(host, info, settings, now=now, gpu_samples=idle, run_pids={4242}).state == (
        "running"
    )
    (ck / "trainer_state.json").write_text("{}")
    Path(info.paths.launch_log).write_text("***** Running Evaluation *****\n")
    assert health(host, info, settings, now=now, gpu_samples=idle, run_pids={4242}).state == (
        "running"
    )


def test_cost_so_far_and_projected_to_the_end(tmp_path):
    host, now = LocalHost(), time.time()
    info = fake_run(tmp_path, 5, now)
    cost = run_cost(host, info, hourly_price=6.0)
    assert cost.so_far == 6.0 and cost.remaining_s == 60
    assert cost.projected == pytest.approx(6.1)
    assert run_cost(host, info, None).projected is None
    info.state = "finished"
    assert run_cost(host, info, 6.0).projected == 6.0


def test_stray_gpu_processes_are_listed_and_only_they_can_be_killed(tmp_path):
    ws = Workspace(LocalHost(), str(tmp_path / "ws"))
    trainer = tmp_path / "trainer.py"
    trainer.write_text(TRAINER)
    _, run_pid = start_run(Path(ws.root), "live", -1, 0, trainer)
    stray = psutil.Popen(["sleep", "600"], start_new_session=True)
    try:
        # Until its exec, the forked child has no command line yet (a busy machine shows it)
        wait(lambda: "sleep" in stray.cmdline(), "the stray's exec")
        worker = wait(lambda: psutil.Process(run_pid).children(recursive=True), "the trainer")
        worker_pid = worker[0].pid
        assert run_info(ws.host, RunPaths(f"{ws.runs}/live")).alive
        gpus = [gpu(0, worker_pid), gpu(0, stray.pid, index=1), gpu(0, stray.pid, index=2)]
        (found,) = stray_gpu_processes(ws, gpus)
        assert found.pid == stray.pid and found.gpus == (1, 2) and "sleep" in found.command
        assert found.used_memory == 4 << 30
        assert not kill_stray(ws, worker_pid, gpus=gpus)  # a run's worker is not stray
        assert psutil.pid_exists(worker_pid)
        assert kill_stray(ws, stray.pid, gpus=gpus)
        assert stray.wait(timeout=30) == -signal.SIGTERM
        if gpu_unavailable_reason():  # no GPU here: an empty list, no error
            assert stray_gpu_processes(ws) == []
    finally:
        for pid in (stray.pid, run_pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def test_daemon_tells_a_gpu_idle_stall_of_a_live_run(tmp_path):
    """The daemon's own look: GPU readings matched to the run's process tree."""
    from tests.watch.hookserver import HookServer
    from tui_ft.notify import NotifySettings, Webhook
    from tui_ft.watch.daemon import Watcher

    ws = Workspace(LocalHost(), str(tmp_path / "ws"))
    trainer = tmp_path / "trainer.py"
    trainer.write_text(TRAINER)
    _, run_pid = start_run(Path(ws.root), "idle-gpu", -1, 0, trainer)
    try:
        worker = wait(lambda: psutil.Process(run_pid).children(recursive=True), "the trainer")
        readings = lambda: Sample(time.time(), (gpu(0, worker[0].pid),))  # noqa: E731
        settings = WatchSettings(stall_factor=1000, gpu_idle_percent=5, gpu_idle_minutes=0.02)
        with HookServer() as hooks:
            notify = NotifySettings([Webhook(hooks.url("/json"), "json")])
            watcher = Watcher(ws, settings, notify, read_sample=readings)

            def stalled():
                state = watcher.scan()
                return state["runs"][0]["state"] == "stalled" and state

            state = wait(stalled, "a GPU-idle stall", timeout=60)
            (body,) = hooks.bodies("/json")
        assert body["kind"] == "stalled" and "GPU under 5%" in body["detail"]
        assert "GPU under 5%" in state["runs"][0]["reason"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run_pid, signal.SIGKILL)
