"""The Probes pane: saved prompt sets asked of the started models, answers side by side."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from tui_ft.chat.base import ChatBackend, ChatParams
from tui_ft.chat.probes import ProbeRow, load_probe_sets, run_probes


class ProbePane(Vertical):
    class Row(Message):
        def __init__(self, row: ProbeRow) -> None:
            self.row = row
            super().__init__()

    def compose(self) -> ComposeResult:
        with Horizontal(id="probe-actions"):
            yield Button("Run probes", id="probe-run", variant="primary")
            yield Static(
                "start models in Chat first; identity answers should change, "
                "general ones should not",
                id="probe-status",
            )
        yield DataTable(id="probe-table", cursor_type="row", zebra_stripes=True)

    @on(Button.Pressed, "#probe-run")
    def run(self) -> None:
        from screens.evaluate_chat import ChatPane

        backends = list(self.screen.query_one(ChatPane).backends)
        status = self.query_one("#probe-status", Static)
        if not backends:
            status.update("[red]no model started: start one in the Chat tab[/red]")
            return
        status.update("reading the probe sets…")
        self._probe_worker(backends)

    def _start_table(self, backends: list[ChatBackend]) -> None:
        table = self.query_one("#probe-table", DataTable)
        table.clear(columns=True)
        columns = (("set", 10), ("prompt", 28), *((b.label, 28) for b in backends), ("changed", 7))
        for label, width in columns:
            table.add_column(label, width=width)
        self.query_one("#probe-status", Static).update("asking…")

    @work(thread=True, exclusive=True, group="probes")
    def _probe_worker(self, backends: list[ChatBackend]) -> None:
        tui = self.screen.tui  # type: ignore[attr-defined]
        status = self.query_one("#probe-status", Static)
        try:  # the sets live in the workspace: a read through the host, off the UI thread
            sets = load_probe_sets(tui.host, tui.workspace.root)
        except ValueError as exc:
            self.app.call_from_thread(status.update, f"[red]{exc}[/red]")
            return
        self.app.call_from_thread(self._start_table, backends)
        params = ChatParams(max_new_tokens=48)
        run_probes(backends, sets, params, on_row=lambda r: self.post_message(self.Row(r)))

    @on(Row)
    def _add_row(self, msg: Row) -> None:
        table = self.query_one("#probe-table", DataTable)
        labels = [str(c.label) for c in table.columns.values()][2:-1]
        r = msg.row
        answers = [" ".join(r.answers.get(lb, "").split())[:60] for lb in labels]
        table.add_row(r.probe_set, r.prompt, *answers, "yes" if r.changed() else "")
        self.query_one("#probe-status", Static).update(f"{table.row_count} prompts asked")
