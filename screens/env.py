"""Environment area: the workspace and the machine it lives on."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from screens.base import AreaScreen
from tui_ft.units import human_bytes
from tui_ft.workspace import AREAS


class EnvironmentScreen(AreaScreen):
    AREA_TITLE = "Environment"

    class Overview(Message):
        def __init__(self, rows: list[tuple[str, str, str]]) -> None:
            self.rows = rows
            super().__init__()

    def compose_body(self) -> ComposeResult:
        yield Static("Workspace", classes="section-title")
        yield DataTable(id="workspace-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#workspace-table", DataTable)
        table.add_columns("folder", "path", "state")
        self.load_overview()

    @work(thread=True, exclusive=True, group="overview")
    def load_overview(self) -> None:
        ws = self.tui.workspace
        rows = []
        for area in AREAS:
            path = ws.path(area)
            rows.append((area, path, "present" if ws.host.exists(path) else "missing"))
        du = ws.host.disk_usage(ws.root)
        rows.append(("disk", ws.root, f"{human_bytes(du.free)} free of {human_bytes(du.total)}"))
        self.post_message(self.Overview(rows))

    def on_environment_screen_overview(self, message: Overview) -> None:
        table = self.query_one("#workspace-table", DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(*row)
