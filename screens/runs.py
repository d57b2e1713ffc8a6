"""Runs area: every run with status, last loss, duration and size; control; compare curves.

Space marks runs for the comparison plot; Enter (or Attach) opens one in the Train
monitor. The status is the watch daemon's classification (running, stalled, dead,
finished, failed) and the cost column shows the cost so far and projected to the end
when an hourly price is set. A scheduled power-off is counted down and `p` cancels it.
Reading runs and their logs happens in a thread worker; the old rows stay until the new
ones are ready.
"""

from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from screens.base import AreaScreen
from screens.run_watch import RunRow, cost_text, watch_rows
from screens.widgets.loss_plot import Curve, LossPlot
from tui_ft.remote.runs_table import runs_table
from tui_ft.train import (
    RunInfo,
    TrainerLog,
    catch_up,
    delete_run,
    resume_run,
    stop_run,
)
from tui_ft.units import human_bytes, human_duration
from tui_ft.watch import WatchFiles
from tui_ft.watch.control import cancel_poweroff, read_state
from tui_ft.workspace import Workspace

COLUMNS = (("", 1), ("run", 21), ("status", 18), ("step", 6), ("last loss", 9),
           ("duration", 8), ("size", 6), ("cost→end", 13))  # fmt: skip
"""Fixed widths: auto widths depend on what was shown before and on timing."""
LIVE_RELOAD = 10.0  # seconds between reloads while a run lives or a power-off is pending


def load_curve(host, info: RunInfo, max_points: int = 512) -> Curve:
    log = TrainerLog(max_points=max_points)
    for lines, _ in catch_up(host, info.paths.trainer_log):
        log.feed(lines)
    return Curve(info.run_id, list(log.loss.steps), list(log.loss.values))


class RunsScreen(AreaScreen):
    AREA_TITLE = "Runs"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("a", "press('#runs-attach')", "Attach"),
        Binding("s", "press('#runs-stop')", "Stop"),
        Binding("u", "press('#runs-resume')", "Resume"),
        Binding("space", "mark", "Mark"),
        Binding("r", "reload", "Reload"),
        Binding("p", "cancel_poweroff", "Cancel power-off"),
    ]

    class Loaded(Message):
        def __init__(
            self,
            rows: list[RunRow],
            sizes: dict[str, int | None],
            curves,
            poweroff: dict[str, Any] | None = None,
        ) -> None:
            super().__init__()
            self.rows, self.sizes, self.curves, self.poweroff = rows, sizes, curves, poweroff
            self.runs = [r.info for r in rows]

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
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        # No load here: ScreenResume follows on the first show too, and two loads racing
        # would clear and refill the table twice.
        self.query_one("#runs-poweroff").display = False
        self._live = self.set_interval(LIVE_RELOAD, self.reload, pause=True)
        self._countdown = self.set_interval(1.0, self._show_poweroff, pause=True)

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

    @work(thread=True, exclusive=True, group="runs-load")
    def reload(self) -> None:
        # runs, sizes, marked logs and watch files in one read (one round trip over SSH)
        table = runs_table(self.tui.workspace, self.marked)
        host, runs = table.host, table.runs
        ws = Workspace(host, self.tui.workspace.root)
        sizes = {r.run_id: table.sizes[r.root] for r in runs}
        marked = self.marked or ({runs[0].run_id} if runs else set())
        curves = [load_curve(host, r) for r in runs if r.run_id in marked]
        rows = watch_rows(ws, runs, self.tui.config)
        state = read_state(host, WatchFiles(ws.root)) or {}
        poweroff = state.get("poweroff")
        asked = host.exists(WatchFiles(ws.root).cancel_poweroff)  # cancelled, not yet seen
        if poweroff and poweroff.get("status") == "scheduled" and not asked:
            # the box's clock: what is left at its last look, counted down here
            left = float(poweroff["deadline"]) - float(state.get("updated_at") or 0)
            poweroff = {**poweroff, "left": left}
        else:
            poweroff = None
        self.post_message(self.Loaded(rows, sizes, curves, poweroff))

    def on_runs_screen_loaded(self, msg: Loaded) -> None:
        self.runs = msg.runs
        self._set_poweroff(msg.poweroff)
        if any(r.alive for r in msg.runs) or msg.poweroff:
            self._live.resume()
        else:
            self._live.pause()
        if not self.marked and msg.runs:
            self.marked = {msg.runs[0].run_id}
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        currency = self.tui.config.currency
        for item in msg.rows:
            r = item.info
            size = msg.sizes.get(r.run_id)
            table.add_row(
                "●" if r.run_id in self.marked else "",
                r.run_id,
                item.status,
                f"{r.last_step or 0}/{r.total_steps or '?'}",
                "—" if r.last_loss is None else f"{r.last_loss:.4f}",
                human_duration(r.active_seconds),
                "—" if size is None else human_bytes(size),
                cost_text(item.cost, currency),
                key=r.run_id,
            )
        if msg.runs:
            table.move_cursor(row=min(row, len(msg.runs) - 1))
        self.query_one(LossPlot).set_curves(msg.curves)
        if not msg.runs:
            self._say(f"no runs yet in {self.tui.workspace.runs}: launch one from Train (3)")

    # -- the power-off countdown ------------------------------------------------------
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

    def _say(self, text: str) -> None:
        self.query_one("#runs-message", Static).update(text)

    def selected(self) -> RunInfo | None:
        table = self.query_one(DataTable)
        if not self.runs or table.cursor_row < 0 or table.cursor_row >= len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def action_mark(self) -> None:
        run = self.selected()
        if run is None:
            return
        self.marked ^= {run.run_id}
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.attach()

    def attach(self) -> None:
        run = self.selected()
        if run is None:
            return
        self.tui.active_run = run.run_id  # the Train screen attaches to the active run
        self.app.switch_mode("train")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        run = self.selected()
        if run is None:
            return
        action = (event.button.id or "").removeprefix("runs-")
        if action == "attach":
            self.attach()
        else:
            self._say(f"{action} {run.run_id}…")
            self.control(action, run)

    @work(thread=True, exclusive=True, group="runs-control")
    def control(self, action: str, run: RunInfo) -> None:
        host = self.tui.host
        try:
            if action == "stop":
                info = stop_run(host, run.paths)
                text = f"{run.run_id}: {info.detail}"
            elif action == "resume":
                info = resume_run(host, run.paths)
                text = f"{run.run_id}: resumed from checkpoint-{info.checkpoint}"
            else:
                delete_run(host, run.paths)
                self.marked.discard(run.run_id)
                text = f"deleted {run.run_id}"
        except Exception as exc:
            text = f"{action} failed: {exc}"
        self.app.call_from_thread(self._say, text)
        self.reload()
