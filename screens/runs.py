"""Runs area: every run with status, last loss, duration and size; control; compare curves.

Space marks runs for the comparison plot; Enter (or Attach) opens one in the Train
monitor. Reading runs and their logs happens in a thread worker.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from screens.base import AreaScreen
from screens.widgets.loss_plot import Curve, LossPlot
from tui_ft.train import (
    RunInfo,
    TrainerLog,
    catch_up,
    delete_run,
    resume_run,
    stop_run,
)
from tui_ft.train import list_runs as engine_list_runs
from tui_ft.train.discover import output_sizes
from tui_ft.units import human_bytes, human_duration

COLUMNS = (("", 1), ("run", 21), ("status", 18), ("step", 6), ("last loss", 9),
           ("duration", 8), ("size", 6))  # fmt: skip
"""Fixed widths: auto widths depend on what was shown before and on timing."""


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
    ]

    class Loaded(Message):
        def __init__(self, runs: list[RunInfo], sizes: dict[str, int | None], curves) -> None:
            super().__init__()
            self.runs, self.sizes, self.curves = runs, sizes, curves

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[RunInfo] = []
        self.marked: set[str] = set()

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="runs-buttons"):
            yield Button("Attach", id="runs-attach", variant="primary")
            yield Button("Stop", id="runs-stop", variant="error")
            yield Button("Resume", id="runs-resume")
            yield Button("Delete", id="runs-delete")
        yield Static("", id="runs-message")
        yield LossPlot("loss of the marked runs (space to mark)", id="runs-plot")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        # No load here: ScreenResume follows on the first show too, and two loads racing
        # would clear and refill the table twice.

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="runs-load")
    def reload(self) -> None:
        host = self.tui.host
        runs = engine_list_runs(self.tui.workspace)
        by_root = output_sizes(host, [r.root for r in runs])  # one command for all runs
        sizes = {r.run_id: by_root[r.root] for r in runs}
        marked = self.marked or ({runs[0].run_id} if runs else set())
        curves = [load_curve(host, r) for r in runs if r.run_id in marked]
        self.post_message(self.Loaded(runs, sizes, curves))

    def on_runs_screen_loaded(self, msg: Loaded) -> None:
        self.runs = msg.runs
        if not self.marked and msg.runs:
            self.marked = {msg.runs[0].run_id}
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for r in msg.runs:
            size = msg.sizes.get(r.run_id)
            table.add_row(
                "●" if r.run_id in self.marked else "",
                r.run_id,
                r.detail,
                f"{r.last_step or 0}/{r.total_steps or '?'}",
                "—" if r.last_loss is None else f"{r.last_loss:.4f}",
                human_duration(r.active_seconds),
                "—" if size is None else human_bytes(size),
                key=r.run_id,
            )
        if msg.runs:
            table.move_cursor(row=min(row, len(msg.runs) - 1))
        self.query_one(LossPlot).set_curves(msg.curves)
        if not msg.runs:
            self._say(f"no runs yet in {self.tui.workspace.runs}: launch one from Train (3)")

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
