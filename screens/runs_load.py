"""Loading the Runs table: runs, sizes, watch states, the marked runs' loss curves and a
scheduled power-off, read in a thread worker in one go (one round trip over SSH); the old
rows stay until the new ones are ready."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable

from screens.run_watch import RunRow, watch_rows
from screens.runs_columns import Column, cells, fit_cells, fit_columns, is_wide
from screens.runs_poweroff import RunsPowerOff
from screens.widgets.loss_plot import Curve, LossPlot
from tui_ft.remote.runs_table import runs_table
from tui_ft.train import RunInfo, TrainerLog, catch_up
from tui_ft.watch import WatchFiles
from tui_ft.watch.control import read_state
from tui_ft.workspace import Workspace


def load_curve(host, info: RunInfo, max_points: int = 512) -> Curve:
    log = TrainerLog(max_points=max_points)
    for lines, _ in catch_up(host, info.paths.trainer_log):
        log.feed(lines)
    return Curve(info.run_id, list(log.loss.steps), list(log.loss.values))


class RunsLoading(RunsPowerOff):
    """The loading part of `RunsScreen`, which sets `runs`, `marked` and `_live` (a paused
    interval calling `reload` while a run lives or a power-off is pending)."""

    runs: list[RunInfo]
    marked: set[str]
    _live: Timer
    table_columns: tuple[Column, ...] = ()
    """The column set shown: wide, or narrow on a small terminal, sized to the rows."""
    _table_width = 80  # the terminal's, as `set_columns` last heard
    _shown: RunsLoading.Loaded | None = None

    class Loaded(Message, namespace="runs_screen"):
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
        self._shown = msg
        self._fill(msg)
        self.query_one(LossPlot).set_curves(msg.curves)
        if not msg.runs:
            self._say(f"no runs yet in {self.tui.workspace.runs}: launch one from Train (3)")

    def _fill(self, msg: Loaded) -> None:
        table = self.query_one(DataTable)
        currency = self.tui.config.currency
        shown = [
            (item, msg.sizes.get(item.info.run_id), item.info.run_id in self.marked)
            for item in msg.rows
        ]
        by_set = {
            wide: [cells(item, size, marked, currency, wide) for item, size, marked in shown]
            for wide in (True, False)
        }
        # Widths from the values shown: a new run, or a step count growing a digit, widens
        # its column (rebuilt only when a width changes).
        row = table.cursor_row  # before the columns change: rebuilding them resets it
        self._set_table_columns(fit_columns(self._table_width, by_set[True], by_set[False]))
        table.clear()
        rows = by_set[is_wide(self.table_columns)]
        for (item, _size, _marked), by_key in zip(shown, rows, strict=True):
            table.add_row(*fit_cells(by_key, self.table_columns), key=item.info.run_id)
        if msg.runs:
            table.move_cursor(row=min(row, len(msg.runs) - 1))

    def set_columns(self, width: int) -> None:
        """Columns for a terminal `width` cells wide; the rows shown are redrawn in them."""
        self._table_width = width
        if self._shown is not None:
            self._fill(self._shown)
        else:
            self._set_table_columns(fit_columns(width, [], []))

    def _set_table_columns(self, columns: tuple[Column, ...]) -> None:
        if columns == self.table_columns:
            return
        self.table_columns = columns
        table = self.query_one(DataTable)
        table.clear(columns=True)  # and the rows: `_fill` adds them back
        for key, label, column_width in columns:
            table.add_column(label, width=column_width, key=key)
