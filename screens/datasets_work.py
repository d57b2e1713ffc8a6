"""The Datasets screen's thread workers and the messages that carry their results back.

Every read, lint and write goes through the app's Host (a lint on a remote box runs there,
via `tui-ft data lint --json`); no worker touches a widget.
"""

from __future__ import annotations

import posixpath
from typing import Any

from textual import work
from textual.message import Message

from screens.base import AreaScreen
from tui_ft.datasets import DatasetInfo, LintReport

PAGE = 5
DATA_EXTS = (".json", ".jsonl", ".csv", ".parquet", ".txt", ".arrow")
NS = "datasets_screen"
"""Message namespace: handlers keep the names `on_datasets_screen_*`."""


class DatasetsWork(AreaScreen):
    """Workers of `DatasetsScreen`; `self.path` is the file the screen last linted."""

    path: str

    class Files(Message, namespace=NS):
        def __init__(self, files: list[str]) -> None:
            self.files = files
            super().__init__()

    class Analysed(Message, namespace=NS):
        def __init__(self, path: str, report: LintReport | None, page: dict, error: str) -> None:
            self.path, self.report, self.page, self.error = path, report, page, error
            super().__init__()

    class Page(Message, namespace=NS):
        def __init__(self, page: dict) -> None:
            self.page = page
            super().__init__()

    class RegisteredList(Message, namespace=NS):
        def __init__(self, info: DatasetInfo | None, rows: list, error: str = "") -> None:
            self.info, self.rows, self.error = info, rows, error
            super().__init__()

    class Done(Message, namespace=NS):
        """A register or fill finished: a line for the user, and whether it worked."""

        def __init__(self, text: str, ok: bool, refresh_files: bool = False) -> None:
            self.text, self.ok, self.refresh_files = text, ok, refresh_files
            super().__init__()

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
