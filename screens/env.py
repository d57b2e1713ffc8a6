"""Environment area: checks of the box, the workspace's disks, and model-file verification.

Every probe runs in a thread worker (the torch probe in a subprocess on the host), so
the screen paints at once and stays responsive; results come back as messages.
"""

from __future__ import annotations

import json
import posixpath
import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, DataTable, Input, ProgressBar, Select, Static

from screens.base import AreaScreen
from screens.env_rows import check_row, file_row, model_label
from screens.widgets.quiet_progress import QuietProgressBar
from tui_ft.checks.base import CheckResult, counts, worst
from tui_ft.host.base import HostError
from tui_ft.models.listing import ModelEntry
from tui_ft.models.report import ModelReport
from tui_ft.units import human_bytes
from tui_ft.workspace import AREAS


class EnvironmentScreen(AreaScreen):
    AREA_TITLE = "Environment"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("r", "rerun", "Re-run"),
        Binding("v", "verify", "Verify"),
        Binding("e", "export", "Export"),
    ]

    class Overview(Message):
        def __init__(self, rows: list[tuple[str, str, str]], models: list[ModelEntry]) -> None:
            self.rows, self.models = rows, models
            super().__init__()

    class ChecksDone(Message):
        def __init__(self, results: list[CheckResult]) -> None:
            self.results = results
            super().__init__()

    class VerifyProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            self.done, self.total = done, total
            super().__init__()

    class VerifyDone(Message):
        def __init__(self, report: ModelReport) -> None:
            self.report = report
            super().__init__()

    _loaded_for: object = None  # the host the tables show

    def __init__(self) -> None:
        super().__init__()
        self.results: list[CheckResult] = []
        self.report: ModelReport | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="env-body"):
            with Horizontal(id="env-actions"):
                yield Button("Re-run checks", id="rerun")
                yield Button("Export JSON", id="export")
                yield Static("running checks…", id="checks-summary")
            yield Static("Checks", classes="section-title")
            yield DataTable(id="checks-table", cursor_type="row", zebra_stripes=True)
            yield Static("Workspace", classes="section-title")
            yield DataTable(id="workspace-table", cursor_type="row")
            yield Static("Model files", classes="section-title")
            with Horizontal(id="model-picker"):
                yield Select[str]([], prompt="workspace model", id="model-select")
                yield Input(placeholder="or any model folder path", id="model-path")
                yield Checkbox("sha256", id="sha256")
                yield Button("Verify", id="verify", variant="primary")
            yield QuietProgressBar(id="verify-progress")
            yield Static("", id="verify-summary")
            yield DataTable(id="files-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        # Fixed widths: auto widths keep the widest cell ever shown and vary with timing.
        for table_id, columns in (
            ("#checks-table", (("status", 6), ("check", 16), ("reason", 46))),
            ("#workspace-table", (("folder", 8), ("path", 36), ("state", 24))),
            ("#files-table", (("size", 7), ("file", 30), ("status", 6), ("reason", 25))),
        ):
            table = self.query_one(table_id, DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        # An idle ProgressBar without a total animates forever: shown only while verifying.
        self.query_one("#verify-progress", ProgressBar).display = False
        # After the first paint: the workers' imports and probes would hold the GIL
        # while the screen is still being drawn.
        self._loaded_for = self.tui.host
        self.call_after_refresh(self.reload_for_host)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._loaded_for is not self.tui.host:  # connected elsewhere meanwhile
            self.reload_for_host()

    def reload_for_host(self) -> None:
        """The overview and the checks, for the app's host of now (after a Connect too)."""
        self._loaded_for = self.tui.host
        self.load_overview()
        self.run_checks()

    # -- workers ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="overview")
    def load_overview(self) -> None:
        from tui_ft.models.listing import list_models

        ws = self.tui.workspace
        rows = []
        for area in AREAS:
            path = ws.path(area)
            rows.append((area, path, "present" if ws.host.exists(path) else "missing"))
        du = ws.host.disk_usage(ws.root)
        rows.append(("disk", ws.root, f"{human_bytes(du.free)} free of {human_bytes(du.total)}"))
        self.post_message(self.Overview(rows, list_models(ws)))

    @work(thread=True, exclusive=True, group="checks")
    def run_checks(self, refresh: bool = False) -> None:
        from tui_ft.checks import run_checks

        app = self.tui
        need = self.report.total_size if self.report else 0
        results = run_checks(app.host, app.config, app.workspace, need, refresh=refresh)
        self.post_message(self.ChecksDone(results))

    @work(thread=True, exclusive=True, group="verify")
    def verify(self, path: str, sha256: bool) -> None:
        from tui_ft.models import record_verification, verify_model

        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - last[0] > 0.05:  # no message flood from the hashers
                last[0] = now
                self.post_message(self.VerifyProgress(done, total))

        ws = self.tui.workspace
        report = verify_model(ws.host, path, sha256=sha256, progress=progress)
        if report.status != "fail":
            self.tui.recorder.record("check", model=path, sha256=sha256 or None)
        if path.startswith(ws.models.rstrip("/") + "/") and report.files:
            record_verification(ws, report)
        self.post_message(self.VerifyDone(report))

    # -- results ------------------------------------------------------------------
    def on_environment_screen_overview(self, message: Overview) -> None:
        table = self.query_one("#workspace-table", DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(*row)
        select = self.query_one("#model-select", Select)
        current = select.value
        select.set_options((model_label(m), m.path) for m in message.models)
        if current in {m.path for m in message.models}:
            select.value = current
        elif message.models:
            select.value = message.models[0].path

    def on_environment_screen_checks_done(self, message: ChecksDone) -> None:
        self.results = message.results
        table = self.query_one("#checks-table", DataTable)
        table.clear()
        for r in message.results:
            table.add_row(*check_row(r), height=None)
        c = counts(message.results)
        self.query_one("#checks-summary", Static).update(
            f"{c['ok']} ok · {c['warn']} warnings · {c['fail']} failed"
        )

    def on_environment_screen_verify_progress(self, message: VerifyProgress) -> None:
        self.query_one("#verify-progress", ProgressBar).update(
            total=max(message.total, 1), progress=message.done
        )

    def on_environment_screen_verify_done(self, message: VerifyDone) -> None:
        report = self.report = message.report
        bar = self.query_one("#verify-progress", ProgressBar)
        if bar.total is None:  # nothing hashed: the structural checks are the whole job
            bar.update(total=1, progress=1)
        bar.display = False  # the summary below says how it went
        table = self.query_one("#files-table", DataTable)
        table.clear()
        for f in report.files:
            table.add_row(*file_row(f))
        bad = [c for c in report.findings if c.status != "ok"]
        lines = [f"{self._model_name(report.path)}: {report.status.upper()} · "
                 f"{len(report.files)} files · {human_bytes(report.total_size)}"
                 + (" · sha256 checked" if report.sha256_checked else "")]  # fmt: skip
        lines += [f"  {c.status.upper()} {c.name}: {c.reason}" for c in bad[:6]]
        self.query_one("#verify-summary", Static).update("\n".join(lines))
        self.load_overview()  # the model list shows the new verification state

    def _model_name(self, path: str) -> str:
        models = self.tui.workspace.models.rstrip("/") + "/"
        return path[len(models) :] if path.startswith(models) else path

    # -- actions ------------------------------------------------------------------
    def selected_model(self) -> str | None:
        typed = self.query_one("#model-path", Input).value.strip()
        if typed:
            return typed
        value = self.query_one("#model-select", Select).value
        return value if isinstance(value, str) else None

    def action_verify(self) -> None:
        path = self.selected_model()
        if not path:
            self.notify("pick a workspace model or type a model folder", severity="warning")
            return
        bar = self.query_one("#verify-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#verify-summary", Static).update(f"verifying {self._model_name(path)}…")
        self.verify(path, self.query_one("#sha256", Checkbox).value)

    def action_rerun(self) -> None:
        self.query_one("#checks-summary", Static).update("running checks…")
        self.load_overview()
        self.run_checks(refresh=True)

    def action_export(self) -> None:
        """Write the checks (and the last verification) as JSON for a bug report."""
        ws = self.tui.workspace
        doc = {
            "host": self.tui.host.describe(),
            "status": worst(self.results + (self.report.findings if self.report else [])),
            "checks": [r.to_dict() for r in self.results],
            "model": self.report.to_dict() if self.report else None,
        }
        path = posixpath.join(ws.exports, f"env-report-{time.strftime('%Y%m%d-%H%M%S')}.json")
        self.write_report(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    @work(thread=True, exclusive=True, group="env-export")
    def write_report(self, path: str, text: str) -> None:
        """A write through the host: round trips over SSH, so never on the UI thread."""
        try:
            self.tui.workspace.host.write_text(path, text)
        except (OSError, ValueError, HostError) as exc:  # a full disk, a lost link
            self.app.call_from_thread(self.notify, str(exc), title="Export", severity="error")
            return
        self.app.call_from_thread(self.notify, f"saved {path}", title="Export")

    @on(Button.Pressed, "#verify")
    def _verify_pressed(self) -> None:
        self.action_verify()

    @on(Input.Submitted, "#model-path")
    def _path_submitted(self) -> None:
        self.action_verify()

    @on(Button.Pressed, "#rerun")
    def _rerun_pressed(self) -> None:
        self.action_rerun()

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()
