"""Datasets area: pick a file, see its detected format, lint findings and a paged preview
as chat turns, edit the proposed dataset_info.json entry and register it; list a
dataset_dir's registered datasets with their health.

The screen is in three parts: this module lays it out and shows results,
`datasets_actions` holds what the keys and buttons do, `datasets_work` the thread workers
(all reads, lints and writes, through the app's Host) and their messages.
"""

from __future__ import annotations

import json
import posixpath

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from screens.datasets_actions import DatasetsActions
from screens.datasets_render import finding_row, render_page, summary_text
from screens.datasets_work import DATA_EXTS, PAGE, DatasetsWork
from tui_ft.datasets import DatasetInfo, LintReport

__all__ = ["DATA_EXTS", "PAGE", "DatasetsScreen"]


class DatasetsScreen(DatasetsActions):
    AREA_TITLE = "Datasets"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("l", "lint", "Lint"),
        Binding("g", "press('#ds-register')", "Register"),
        Binding("f", "press('#ds-fill')", "Fill copy"),
        Binding("[", "page(-1)", "Prev"),
        Binding("]", "page(1)", "Next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.path = ""
        self.report: LintReport | None = None
        self.start = 0
        self.info: DatasetInfo | None = None
        """dataset_info.json as listed: a registration is checked against what was shown."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ds-pick"):
            yield Select[str]([], prompt="workspace datasets/", id="ds-file")
            yield Input(placeholder="or any file/folder path", id="ds-path")
            yield Button("Lint", id="ds-lint", variant="primary")
        yield Static("pick a dataset file", id="ds-summary")
        with Horizontal(id="ds-main"):
            with Vertical(id="ds-left"):
                with Horizontal(id="ds-pager"):
                    yield Button("◀", id="ds-prev")
                    yield Static("", id="ds-page-label")
                    yield Button("▶", id="ds-next")
                with VerticalScroll(id="ds-preview-scroll"):
                    yield Static("", id="ds-preview")
            with VerticalScroll(id="ds-right"):
                yield Static("Findings", classes="section-title")
                yield DataTable(id="ds-findings", cursor_type="row", zebra_stripes=True)
                yield Static("Entry (dataset_info.json)", classes="section-title")
                yield TextArea("", language="json", id="ds-entry")
                with Horizontal(id="ds-register-row"):
                    yield Input(placeholder="name", id="ds-name")
                    yield Input(placeholder="dataset_dir (default: workspace datasets/)",
                                id="ds-dir")  # fmt: skip
                    yield Button("Register", id="ds-register", variant="success")
                with Horizontal(id="ds-fill-row"):
                    yield Input(placeholder="{{name}}", id="ds-fill-name")
                    yield Input(placeholder="{{author}}", id="ds-fill-author")
                    yield Button("Fill copy", id="ds-fill")
                yield Static("Registered", classes="section-title")
                yield DataTable(id="ds-registered", cursor_type="row")

    def on_mount(self) -> None:
        findings = self.query_one("#ds-findings", DataTable)
        for label, width in (("", 2), ("where", 8), ("field", 10), ("finding", 30)):
            findings.add_column(label, width=width)  # fixed: auto widths vary with timing
        registered = self.query_one("#ds-registered", DataTable)
        for label, width in (("name", 20), ("file", 24), ("health", 16)):
            registered.add_column(label, width=width)
        self.list_files()
        self.load_registered(self.dataset_dir)

    # -- results ----------------------------------------------------------------------
    def on_datasets_screen_files(self, message: DatasetsWork.Files) -> None:
        select = self.query_one("#ds-file", Select)
        select.set_options((posixpath.basename(p), p) for p in message.files)

    def on_datasets_screen_analysed(self, message: DatasetsWork.Analysed) -> None:
        name = posixpath.basename(message.path.rstrip("/"))
        if message.report is None:
            self.report = None
            self.query_one("#ds-summary", Static).update(f"[red]{name}: {message.error}[/]")
            return
        report = self.report = message.report
        self.query_one("#ds-summary", Static).update(summary_text(report, name))
        table = self.query_one("#ds-findings", DataTable)
        table.clear()
        for f in report.findings:
            table.add_row(*finding_row(f))
        self.query_one("#ds-entry", TextArea).text = json.dumps(report.entry, indent=2)
        name_input = self.query_one("#ds-name", Input)
        if not name_input.value:
            name_input.value = posixpath.splitext(name)[0]
        self.show_page(message.page)

    def on_datasets_screen_page(self, message: DatasetsWork.Page) -> None:
        self.show_page(message.page)

    def show_page(self, page: dict) -> None:
        self.start = page.get("start", 0)
        self.query_one("#ds-preview", Static).update(render_page(page, self.report))
        total = self.report.records if self.report else 0
        last = min(self.start + PAGE, total)
        self.query_one("#ds-page-label", Static).update(
            f" records {self.start}–{last - 1} of {total} "
        )

    def on_datasets_screen_registered_list(self, message: DatasetsWork.RegisteredList) -> None:
        self.info = message.info
        table = self.query_one("#ds-registered", DataTable)
        table.clear()
        if message.error:
            table.add_row("—", "dataset_info.json", message.error)
        for r in message.rows:
            table.add_row(r.name, r.file_name or "-", r.health)

    def on_datasets_screen_done(self, message: DatasetsWork.Done) -> None:
        self.notify(message.text, severity="information" if message.ok else "error")
        if message.refresh_files:
            self.list_files()
