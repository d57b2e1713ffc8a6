"""The Runs screen's power-off countdown: when the watch daemon will power the box off
after the last run, counted down each second, and `p` to cancel it."""

from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.timer import Timer
from textual.widgets import Static

from screens.base import AreaScreen
from tui_ft.watch.control import cancel_poweroff


class RunsPowerOff(AreaScreen):
    """The power-off part of `RunsScreen`, which sets the state below (`_countdown`: a
    paused 1 s interval calling `_show_poweroff`)."""

    poweroff_at: float | None  # local clock: when the box powers off
    poweroff_command: str
    _countdown: Timer

    def _say(self, text: str) -> None:
        """The screen's message line, under the buttons."""
        self.query_one("#runs-message", Static).update(text)

    def _set_poweroff(self, poweroff: dict[str, Any] | None) -> None:
        was = self.poweroff_at
        if poweroff is None:
            self.poweroff_at = None
        else:
            self.poweroff_at = time.monotonic() + max(0.0, poweroff["left"])
            self.poweroff_command = str(poweroff.get("command") or "")
        if (was is None) != (self.poweroff_at is None):
            self.refresh_bindings()
        if self.poweroff_at is None:
            self._countdown.pause()
        else:
            self._countdown.resume()
        self._show_poweroff()

    def _show_poweroff(self) -> None:
        line = self.query_one("#runs-poweroff", Static)
        line.display = self.poweroff_at is not None
        if self.poweroff_at is None:
            return
        left = max(0, round(self.poweroff_at - time.monotonic()))
        line.update(
            f"⏻ all runs ended: the box runs `{self.poweroff_command}` in "
            f"{left // 60}:{left % 60:02d} · p cancels"
        )

    def action_cancel_poweroff(self) -> None:
        if self.poweroff_at is not None:
            self._cancel_poweroff()

    @work(thread=True, exclusive=True, group="runs-control")
    def _cancel_poweroff(self) -> None:
        done = cancel_poweroff(self.tui.host, self.tui.workspace.root)
        text = (
            "power-off cancelled: the box keeps running"
            if done
            else "no power-off is scheduled any more"
        )
        self.app.call_from_thread(self._poweroff_cancelled, text)

    def _poweroff_cancelled(self, text: str) -> None:
        self._set_poweroff(None)
        self._say(text)
