"""The TUI tells the desktop when a run it sees finishes or stalls: bell, OSC 9, OSC 777.

Real runs (the stand-in trainer of test_daemon), the real app under Pilot; what the app
writes to the terminal is captured at Textual's driver, where the escapes go out.
"""

from __future__ import annotations

import os
import signal

import pytest

import screens.notifier
from screens.notifier import sequences
from tests.apps import local_app, until
from tests.watch.test_daemon import setup, start_run, wait  # noqa: F401 - fixture

WATCH = {"stall_factor": 3, "stall_min_seconds": 2, "startup_seconds": 20}


@pytest.fixture(autouse=True)
def quick_looks(monkeypatch):
    monkeypatch.setattr(screens.notifier, "TICK", 0.5)  # a look every half second


def capture(app) -> list[str]:
    written: list[str] = []
    real = app._driver.write

    def write(data: str) -> None:
        written.append(data)
        real(data)

    app._driver.write = write
    return written


async def test_finished_and_stalled_runs_ring_and_notify_the_desktop(setup):  # noqa: F811
    ws, trainer, _hooks, _cfg, _env, procs = setup
    procs.append(start_run(ws, "old-run", 2, 0, trainer)[1])  # ends before the TUI opens
    wait(lambda: (ws / "runs" / "old-run" / "exit_code").exists(), "old-run to end")
    procs.append(start_run(ws, "ok-run", 20, 0, trainer)[1])
    procs.append(start_run(ws, "stuck-run", -1, 0, trainer)[1])
    app = local_app(ws, "env", watch=WATCH, hourly_price=3.6, currency="¥")
    async with app.run_test(size=(100, 30)) as pilot:
        written = capture(app)
        notifier = app.notifier
        await until(pilot, lambda: notifier.seen.get("stuck-run") == "running", "a first look")
        os.killpg(procs[2], signal.SIGSTOP)  # stuck-run: alive, its log silent
        await until(pilot, lambda: len(notifier.sent) >= 2, "two notifications", 120)
        kinds = {e.run: e.kind for e in notifier.sent}
        assert kinds == {"ok-run": "finished", "stuck-run": "stalled"}  # old-run is old news
        out = "".join(written)
        assert out.count("\x07\x1b]9;") == 2  # a bell before each
        ok = next(e for e in notifier.sent if e.run == "ok-run")
        assert f"\x1b]9;tui-ft: ok-run finished: loss {ok.last_loss:.4f}" in out
        assert "\x1b]777;notify;tui-ft: stuck-run stalled;" in out
        assert "cost ¥" in out and "ran 0m" in out
        notes = [n.message for n in app._notifications]
        assert any("stuck-run stalled" in m and "log silent" in m for m in notes)


async def test_desktop_false_keeps_the_toast_but_writes_no_escape(setup):  # noqa: F811
    ws, trainer, _hooks, _cfg, _env, procs = setup
    procs.append(start_run(ws, "ok-run", 12, 0, trainer)[1])
    app = local_app(ws, "env", watch=WATCH, notify={"desktop": False})
    async with app.run_test(size=(100, 30)) as pilot:
        written = capture(app)
        notifier = app.notifier
        await until(pilot, lambda: notifier.seen.get("ok-run") == "running", "a first look")
        await until(pilot, lambda: notifier.sent, "the finished notification")
        await pilot.pause()
        assert not any("\x1b]9;" in w or "\x1b]777;" in w for w in written)
        assert any("ok-run finished" in n.message for n in app._notifications)


def test_escapes_are_clean_and_wrapped_inside_tmux():
    seq = sequences("tui-ft: a;b finished", "loss 1.0\x1b[31m\x07 · ran 1m")
    assert seq.startswith("\x07\x1b]9;tui-ft: a;b finished: loss 1.0 [31m")
    assert "\x1b]777;notify;tui-ft: a,b finished;loss" in seq  # ';' separates 777's fields
    assert seq.count("\x1b") == 2 and seq.count("\x07") == 3  # nothing injected ends them
    wrapped = sequences("t", "b", tmux=True)
    assert "\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\\" in wrapped


def test_the_desktop_switch_is_checked():
    from tui_ft.notify import parse_notify

    assert parse_notify({"desktop": False}).desktop is False
    assert parse_notify({}).desktop is True
    with pytest.raises(ValueError, match=r"notify\.desktop must be true or false"):
        parse_notify({"desktop": "no"})
