"""Datasets area: pick a file, see its detected format, lint findings and a paged preview
as chat turns, edit the proposed dataset_info.json entry and register it; list a
dataset_dir's registered datasets with their health.

All reads, lints and writes run in thread workers through the app's Host (a lint on a
remote box runs there, via `tui-ft data lint --json`); results come back as messages.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from screens.base import AreaScreen
from screens.datasets_render import finding_row, render_page, summary_text
from tui_ft.datasets import DatasetInfo, LintReport

PAGE = 5
DATA_EXTS = (".json", ".jsonl", ".csv", ".parquet", ".txt", ".arrow")


class DatasetsScreen(AreaScreen):
    AREA_TITLE = "Datasets"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("l", "lint", "Lint"),
        Binding("g", "press('#ds-register')", "Register"),
        Binding("f", "press('#ds-fill')", "Fill copy"),
        Binding("[", "page(-1)", "Prev"),
        Binding("]", "page(1)", "Next"),
    ]

    class Files(Message):
        def __init__(self, files: list[str]) -> None:
            self.files = files
            super().__init__()

    class Analysed(Message):
        def __init__(self, path: str, report: LintReport | None, page: dict, error: str) -> None:
            self.path, self.report, self.page, self.error = path, report, page, error
            super().__init__()

    class Page(Message):
        def __init__(self, page: dict) -> None:
            self.page = page
            super().__init__()

    class RegisteredList(Message):
        def __init__(self, info: DatasetInfo | None, rows: list, error: str = "") -> None:
            self.info, self.rows, self.error = info, rows, error
            super().__init__()

    class Done(Message):
        """A register or fill finished: a line for the user, and whether it worked."""

        def __init__(self, text: str, ok: bool, refresh_files: bool = False) -> None:
            self.text, self.ok, self.refresh_files = text, ok, refresh_files
            super().__init__()

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

    @property
    def dataset_dir(self) -> str:
        return self.query_one("#ds-dir", Input).value.strip() or self.tui.workspace.datasets

    # -- workers ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="files")
    def list_files(self) -> None:
        host, folder = self.tui.host, self.tui.workspace.datasets
        files = []
        if host.exists(folder):
            files = [f.path for f in host.listdir(folder)
                     if f.name.endswith(DATA_EXTS) and f.name != "dataset_info.json"]  # fmt: skip
        self.post_message(self.Files(files))

    @work(thread=True, exclusive=True, group="analyse")
    def analyse(self, path: str, entry: dict[str, Any] | None) -> None:
        from tui_ft.datasets import DataError, lint_dataset
        from tui_ft.datasets.preview import preview_page

        try:
            report = lint_dataset(self.tui.host, path, entry)
        except (DataError, OSError, RuntimeError) as exc:
            self.post_message(self.Analysed(path, None, {}, str(exc)))
            return
        try:
            page = preview_page(self.tui.host, path, 0, PAGE, report.entry)
        except (DataError, OSError, RuntimeError):  # a broken file: its findings say where
            page = {"start": 0, "records": []}
        self.post_message(self.Analysed(path, report, page, ""))

    @work(thread=True, exclusive=True, group="page")
    def load_page(self, path: str, start: int, entry: dict[str, Any]) -> None:
        from tui_ft.datasets.preview import preview_page

        self.post_message(self.Page(preview_page(self.tui.host, path, start, PAGE, entry)))

    @work(thread=True, exclusive=True, group="registered")
    def load_registered(self, dataset_dir: str) -> None:
        from tui_ft.datasets import DatasetInfoError, list_registered, load_info

        try:
            info = load_info(self.tui.host, dataset_dir)
            rows = list_registered(self.tui.host, dataset_dir, info)
        except DatasetInfoError as exc:
            self.post_message(self.RegisteredList(None, [], str(exc)))
            return
        self.post_message(self.RegisteredList(info, rows))

    @work(thread=True, exclusive=True, group="write")
    def do_register(self, info: DatasetInfo, name: str, entry: dict[str, Any]) -> None:
        from tui_ft.datasets import DatasetInfoError, file_name_for, register

        dataset_dir = info.dataset_dir
        entry = dict(entry, file_name=file_name_for(dataset_dir, self.path))
        try:
            register(self.tui.host, info, name, entry)
        except DatasetInfoError as exc:
            self.post_message(self.Done(str(exc), False))
        else:
            self.post_message(self.Done(f"registered `{name}` in {info.path}", True))
            self.tui.recorder.record("dataset", file=self.path, name=name, dataset_dir=dataset_dir)
        self.load_registered(dataset_dir)

    @work(thread=True, exclusive=True, group="write")
    def do_fill(self, path: str, values: dict[str, str]) -> None:
        from tui_ft.datasets import DataError, fill_placeholders

        try:
            out, n = fill_placeholders(self.tui.host, path, values)
        except (DataError, OSError) as exc:
            self.post_message(self.Done(str(exc), False))
            return
        self.post_message(self.Done(f"wrote {posixpath.basename(out)} ({n} filled)", True, True))

    # -- results ----------------------------------------------------------------------
    def on_datasets_screen_files(self, message: Files) -> None:
        select = self.query_one("#ds-file", Select)
        select.set_options((posixpath.basename(p), p) for p in message.files)

    def on_datasets_screen_analysed(self, message: Analysed) -> None:
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

    def on_datasets_screen_page(self, message: Page) -> None:
        self.show_page(message.page)

    def show_page(self, page: dict) -> None:
        self.start = page.get("start", 0)
        self.query_one("#ds-preview", Static).update(render_page(page, self.report))
        total = self.report.records if self.report else 0
        last = min(self.start + PAGE, total)
        self.query_one("#ds-page-label", Static).update(
            f" records {self.start}–{last - 1} of {total} "
        )

    def on_datasets_screen_registered_list(self, message: RegisteredList) -> None:
        self.info = message.info
        table = self.query_one("#ds-registered", DataTable)
        table.clear()
        if message.error:
            table.add_row("—", "dataset_info.json", message.error)
        for r in message.rows:
            table.add_row(r.name, r.file_name or "-", r.health)

    def on_datasets_screen_done(self, message: Done) -> None:
        self.notify(message.text, severity="information" if message.ok else "error")
        if message.refresh_files:
            self.list_files()

    # -- actions ----------------------------------------------------------------------
    def selected_path(self) -> str:
        typed = self.query_one("#ds-path", Input).value.strip()
        if typed:
            return typed
        value = self.query_one("#ds-file", Select).value
        return value if isinstance(value, str) else ""

    def edited_entry(self) -> dict[str, Any] | None:
        text = self.query_one("#ds-entry", TextArea).text
        try:
            entry = json.loads(text)
        except json.JSONDecodeError as exc:
            self.notify(f"entry: line {exc.lineno} column {exc.colno}: {exc.msg}", severity="error")
            return None
        if not isinstance(entry, dict):
            self.notify("the entry must be a JSON object", severity="error")
            return None
        return entry

    def action_lint(self, keep_entry: bool = False) -> None:
        path = self.selected_path()
        if not path:
            self.notify("pick a dataset file or type a path", severity="warning")
            return
        entry = self.edited_entry() if keep_entry and path == self.path else None
        if path != self.path:
            self.query_one("#ds-name", Input).value = ""
        self.path = path
        self.query_one("#ds-summary", Static).update(f"linting {posixpath.basename(path)}…")
        self.analyse(path, entry)

    def action_page(self, step: int) -> None:
        if not self.report or not self.path:
            return
        start = max(0, min(self.start + step * PAGE, max(self.report.records - 1, 0)))
        if start != self.start:
            self.load_page(self.path, start, self.report.entry)

    @on(Select.Changed, "#ds-file")
    def _picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and not self.query_one("#ds-path", Input).value.strip():
            self.action_lint()

    @on(Input.Submitted, "#ds-path")
    def _typed(self) -> None:
        self.action_lint()

    @on(Input.Submitted, "#ds-dir")
    def _dir(self) -> None:
        self.load_registered(self.dataset_dir)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "ds-lint":
            self.action_lint(keep_entry=True)
        elif button in ("ds-prev", "ds-next"):
            self.action_page(-1 if button == "ds-prev" else 1)
        elif button == "ds-register":
            self.register_current()
        elif button == "ds-fill":
            self.fill_current()

    def register_current(self) -> None:
        name = self.query_one("#ds-name", Input).value.strip()
        entry = self.edited_entry()
        if not self.path or entry is None:
            if not self.path:
                self.notify("lint a file first", severity="warning")
            return
        if not name:
            self.notify("give the dataset a name", severity="warning")
            return
        if self.info is None or self.info.dataset_dir != self.dataset_dir:
            self.notify("dataset_info.json is not loaded (press enter in the dataset_dir field)",
                        severity="error")  # fmt: skip
            self.load_registered(self.dataset_dir)
            return
        self.do_register(self.info, name, entry)

    def fill_current(self) -> None:
        values = {
            key: self.query_one(f"#ds-fill-{key}", Input).value.strip()
            for key in ("name", "author")
        }
        values = {k: v for k, v in values.items() if v}
        if not self.path or not values:
            self.notify("lint a file and type the values to fill", severity="warning")
            return
        self.do_fill(self.path, values)
