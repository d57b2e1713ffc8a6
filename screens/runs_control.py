"""What the Runs screen does to the run under the cursor: mark it for the comparison
plot, attach to it in the Train monitor, stop, resume or delete it."""

from __future__ import annotations

from textual import work
from textual.widgets import Button, DataTable

from screens.runs_load import RunsLoading
from tui_ft.train import RunInfo, delete_run, resume_run, stop_run


class RunsControl(RunsLoading):
    """The control part of `RunsScreen`."""

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
