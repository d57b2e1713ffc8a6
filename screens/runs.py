"""Runs area: every run with status, last loss, duration and size; control; compare curves.

Space marks runs for the comparison plot; Enter (or Attach) opens one in the Train
monitor. The status is the watch daemon's classification (running, stalled, dead,
finished, failed) and the cost column shows the cost so far and projected to the end
when an hourly price is set. A scheduled power-off is counted down and `p` cancels it.
Reading runs and their logs happens in a thread worker; the old rows stay until the new
ones are ready.

This module lays the screen out; its parts: `runs_columns` (the table's columns, wide
or narrow), `runs_load` (the loading worker), `runs_control` (what the keys do to a run)
and `runs_poweroff` (the countdown).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from screens.runs_control import RunsControl
from screens.runs_load import load_curve
from screens.widgets.loss_plot import LossPlot
from tui_ft.train import RunInfo

__all__ = ["LIVE_RELOAD", "RunsScreen", "load_curve"]

LIVE_RELOAD = 10.0  # seconds between reloads while a run lives or a power-off is pending


class RunsScreen(RunsControl):
    AREA_TITLE = "Runs"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("a", "press('#runs-attach')", "Attach"),
        Binding("s", "press('#runs-stop')", "Stop"),
        Binding("u", "press('#runs-resume')", "Resume"),
        Binding("space", "mark", "Mark"),
        Binding("r", "reload", "Reload"),
        Binding("p", "cancel_poweroff", "Cancel power-off"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[RunInfo] = []
        self.marked: set[str] = set()
        self.poweroff_at: float | None = None  # local clock: when the box powers off
        self.poweroff_command = ""

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="runs-buttons"):
            yield Button("Attach", id="runs-attach", variant="primary")
            yield Button("Stop", id="runs-stop", variant="error")
            yield Button("Resume", id="runs-resume")
            yield Button("Delete", id="runs-delete")
        yield Static("", id="runs-poweroff")
        yield Static("", id="runs-message")
        yield LossPlot("loss of the marked runs (space to mark)", id="runs-plot")

    def on_mount(self) -> None:
        self.set_columns(self.app.size.width)
        # No load here: ScreenResume follows on the first show too, and two loads racing
        # would clear and refill the table twice.
        self.query_one("#runs-poweroff").display = False
        self._live = self.set_interval(LIVE_RELOAD, self.reload, pause=True)
        self._countdown = self.set_interval(1.0, self._show_poweroff, pause=True)

    def on_resize(self, event: events.Resize) -> None:
        self.set_columns(event.size.width)  # narrow columns on a small terminal

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.reload()

    def on_screen_suspend(self) -> None:
        super().on_screen_suspend()
        self._live.pause()  # polls only while in front

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_poweroff":
            return self.poweroff_at is not None  # in the footer only while one is pending
        return True
