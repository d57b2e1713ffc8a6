"""Desktop notifications from the TUI: a run it can see finishes, fails, dies or stalls.

The app looks at the runs of its workspace (the watch daemon's classification, see
screens/run_watch.py) every few seconds while a run lives, and rarely otherwise. On a
change it rings the bell and sends OSC 9 (iTerm2, WezTerm, Windows Terminal, kitty) and
OSC 777 (VTE terminals, foot, Ghostty) desktop notifications. Both are written to the
terminal through Textual's driver, so over SSH they travel with the screen to the
laptop's terminal; inside tmux they are wrapped for its passthrough. `notify.desktop:
false` in the config turns them off (the toast in the TUI stays).
"""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING

from screens.run_watch import RunRow, look, watch_rows
from tui_ft.notify import Event, parse_notify, render_text
from tui_ft.watch import WatchFiles
from tui_ft.watch.control import read_state

if TYPE_CHECKING:
    from screens.app import TuiFtApp

NOTIFY_STATES = ("finished", "failed", "dead", "stalled")  # as the watch daemon tells them
TICK = 5.0  # seconds between looks while a run lives
IDLE_EVERY = 30.0  # ... and while none does (a run may be launched from a shell)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """No control characters: an ESC or BEL inside would end the sequence early."""
    return _CONTROL.sub(" ", text).strip()


def sequences(title: str, body: str, *, tmux: bool = False) -> str:
    """Bell + OSC 9 + OSC 777 for one notification (wrapped for tmux's passthrough)."""
    title, body = _clean(title), _clean(body)
    osc9 = f"\x1b]9;{title}: {body}\x07"
    osc777 = f"\x1b]777;notify;{title.replace(';', ',')};{body}\x07"
    if tmux:  # tmux passes a DCS-wrapped sequence through (allow-passthrough on)
        osc9, osc777 = (
            "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\" for seq in (osc9, osc777)
        )
    return "\x07" + osc9 + osc777


def event_for(row: RunRow, host: str, currency: str) -> Event:
    info = row.info
    return Event(
        kind=row.health.state,
        run=info.run_id,
        detail=row.health.reason,
        last_loss=info.last_loss,
        duration_s=info.active_seconds,
        cost=row.cost.so_far,
        currency=currency,
        host=host,
    )


class RunNotifier:
    """Owned by the app: `start()` once; it follows the app's current host and workspace."""

    def __init__(self, app: TuiFtApp) -> None:
        self.app = app
        self.seen: dict[str, str] = {}  # run_id -> its state at the last look
        self.where: tuple[str, str] | None = None  # (host, workspace) those states are of
        self.started_at = time.time()
        self.last_look = 0.0
        self.live = False
        self.sent: list[Event] = []  # what was told, newest last (for the tests and `?`)
        self.poweroff_told: float | None = None  # the deadline of the power-off told

    def start(self) -> None:
        self.app.set_interval(TICK, self.tick)
        self.tick()

    def tick(self) -> None:
        due = TICK if self.live else IDLE_EVERY
        if time.monotonic() - self.last_look < due - 0.5:
            return
        if any(w.group == "run-notifier" and w.is_running for w in self.app.workers):
            return
        self.last_look = time.monotonic()
        self.app.run_worker(self._look, thread=True, group="run-notifier", exit_on_error=False)

    def _look(self) -> None:
        app = self.app
        ws = app.workspace
        where = (ws.host.describe(), ws.root)
        try:
            view, runs = look(ws)  # one round trip over SSH
            rows = watch_rows(view, runs, app.config)
            poweroff = (read_state(view.host, WatchFiles(ws.root)) or {}).get("poweroff")
        except Exception:  # a lost link or a half-written run folder: the next look tells
            return
        app.call_from_thread(self._compare, where, rows)
        if poweroff and poweroff.get("status") == "scheduled":
            app.call_from_thread(self._poweroff, where[0], poweroff)

    def _poweroff(self, host: str, poweroff: dict) -> None:
        """The box's daemon will power it off: worth a desktop notification, once."""
        if poweroff.get("deadline") == self.poweroff_told:
            return
        self.poweroff_told = poweroff.get("deadline")
        detail = f"`{poweroff.get('command')}` soon: Runs (4), p cancels"
        self.tell(Event("poweroff", "all runs ended", detail=detail, host=host))

    def _compare(self, where: tuple[str, str], rows: list[RunRow]) -> None:
        first = where != self.where
        if first:  # another box or workspace: what it already shows is not news
            self.where, self.seen = where, {}
        self.live = any(r.info.alive for r in rows)
        for row in rows:
            run, state = row.info.run_id, row.health.state
            before = self.seen.get(run)
            self.seen[run] = state
            if state == before or state not in NOTIFY_STATES:
                continue
            if before is None and (first or (row.info.ended_at or 0) < self.started_at):
                continue  # ended before this TUI looked
            self.tell(event_for(row, where[0], self.app.config.currency))

    def tell(self, event: Event) -> None:
        self.sent.append(event)
        lines = render_text(event).splitlines()
        title = f"tui-ft: {event.run} {event.kind}" if event.kind != "poweroff" else lines[0]
        body = " · ".join(lines[1:]) or lines[0]
        severity = {"finished": "information", "poweroff": "warning"}.get(event.kind, "error")
        self.app.notify(f"{title}\n{body}", severity=severity, timeout=10)
        try:
            desktop = parse_notify(self.app.config.notify).desktop
        except ValueError:
            desktop = True  # a bad webhook entry is the CLI's to report
        driver = getattr(self.app, "_driver", None)
        if desktop and driver is not None:
            driver.write(sequences(title, body, tmux=bool(os.environ.get("TMUX"))))
            driver.flush()
