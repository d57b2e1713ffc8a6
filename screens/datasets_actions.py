"""What the Datasets screen's keys, buttons and fields do: lint, page, register, fill.

The heavy part of each action runs in a worker of `DatasetsWork`; this reads the form,
checks it and tells the user what is missing.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from textual import on
from textual.widgets import Button, Input, Select, Static, TextArea

from screens.datasets_work import PAGE, DatasetsWork
from tui_ft.datasets import DatasetInfo, LintReport


class DatasetsActions(DatasetsWork):
    """Actions of `DatasetsScreen`, which sets the state below in its `__init__`."""

    report: LintReport | None
    start: int
    info: DatasetInfo | None

    @property
    def dataset_dir(self) -> str:
        return self.query_one("#ds-dir", Input).value.strip() or self.tui.workspace.datasets

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
