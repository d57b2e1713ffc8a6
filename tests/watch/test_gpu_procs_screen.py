"""The GPU panel lists GPU processes no run owns and kills one after a confirmation.

Real processes: a live run (the stand-in trainer of test_daemon, its worker a child of
the run's wrapper) and a stray `sleep`. Only the GPU reading is given, at the engine's
seam (`tui_ft.watch.gpuprocs.read_gpus`, what NVML would answer on a GPU box), as
tests/watch/test_engine.py does; without it this machine's real reading is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

import psutil

import tui_ft.watch.gpuprocs
from screens.widgets.gpu_procs import ConfirmKill, GpuProcs
from tests.apps import local_app, until
from tests.watch.test_daemon import setup, start_run, wait  # noqa: F401 - fixture
from tests.watch.test_engine import gpu
from tui_ft.gpu import gpu_unavailable_reason


def line_text(app) -> str:
    return str(app.screen.query_one("#strays-line").render())


async def test_without_a_gpu_the_panel_says_so(tmp_path):
    app = local_app(tmp_path, "train")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")  # the monitor tab
        await until(pilot, lambda: "…" not in line_text(app), "the first look")
        reason = gpu_unavailable_reason()
        if reason:  # this machine: no NVIDIA GPU
            assert line_text(app) == f"GPU processes: none to list ({reason.split(':')[0]})"
        else:  # a GPU box with nothing stray
            assert "every one belongs to a run" in line_text(app)
        assert not app.screen.query_one("#strays-table").display


async def test_a_stray_is_listed_and_killed_after_yes(setup, monkeypatch):  # noqa: F811
    ws, trainer, _hooks, _cfg, _env, procs = setup
    _, run_pid = start_run(ws, "live", -1, 0, trainer)
    procs.append(run_pid)
    stray = psutil.Popen(["sleep", "600"], start_new_session=True)
    procs.append(stray.pid)
    worker = wait(lambda: psutil.Process(run_pid).children(recursive=True), "the trainer")[0]

    def read_gpus():  # what NVML shows: the run's worker on GPU 0, the stray on 1 and 2
        alive = [p for p in (worker.pid, stray.pid) if psutil.pid_exists(p)]
        alive = [p for p in alive if psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        return [gpu(90, *[p for p in alive if p == worker.pid]),
                gpu(0, *[p for p in alive if p == stray.pid], index=1),
                gpu(0, *[p for p in alive if p == stray.pid], index=2)]  # fmt: skip

    monkeypatch.setattr(tui_ft.watch.gpuprocs, "read_gpus", read_gpus)
    app = local_app(ws, "train")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")
            panel = app.screen.query_one(GpuProcs)
            table = panel.query_one("#strays-table")
            await until(pilot, lambda: panel.strays, "the stray listed")
            assert [s.pid for s in panel.strays] == [stray.pid]  # the run's worker is not
            assert "1 GPU process no run owns" in line_text(app)
            assert str(table.get_row_at(0)[1]) == "1,2"
            for _ in range(40):  # keys only: tab to the table
                if app.focused is table:
                    break
                await pilot.press("tab")
            assert app.focused is table
            assert app.screen.active_bindings["K"].binding.description == "Kill stray"
            await pilot.press("K")
            await until(pilot, lambda: isinstance(app.screen, ConfirmKill), "the question")
            await pilot.press("n")  # keep it
            await until(pilot, lambda: not isinstance(app.screen, ConfirmKill), "the answer")
            await asyncio.sleep(0.5)
            assert stray.poll() is None
            await pilot.press("K")
            await until(pilot, lambda: isinstance(app.screen, ConfirmKill), "the question")
            assert str(stray.pid) in str(app.screen.query_one("#kill-title").render())
            await pilot.press("y")
            assert await asyncio.to_thread(stray.wait, 30) == -signal.SIGTERM
            await until(pilot, lambda: not panel.strays, "the list without it")
            assert psutil.pid_exists(worker.pid)  # the run goes on
            assert any(n.message == f"killed {stray.pid}" for n in app._notifications)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(stray.pid, signal.SIGKILL)
