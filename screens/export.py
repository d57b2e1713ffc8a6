"""Export & GGUF area: merge a run's LoRA into its base model, or write it as an adapter GGUF
without merging; convert, quantise (with an importance matrix), measure perplexity, check
the template, and preview (and import) the Ollama Modelfile.

Jobs run in thread workers through the app's Host (`screens/export_work.py`); the GGUF
form and its results live in `screens/export_gguf.py`, the merge and sources here.
"""

from __future__ import annotations

import posixpath
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, ProgressBar, RichLog, Select, Static

from screens.export_gguf import GGUFForm, field
from screens.export_sources import SourcesMixin
from screens.pickers.fields import PICK_BINDING, PickFields
from screens.widgets.quiet_progress import QuietProgressBar


class ExportScreen(PickFields, SourcesMixin, GGUFForm):
    AREA_TITLE = "Export & GGUF"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        PICK_BINDING,  # a run's adapter (with its checkpoints), a model, a template
        Binding("m", "press('#merge')", "Merge"),
        Binding("g", "press('#convert')", "GGUF"),
        Binding("o", "press('#ollama')", "Ollama"),
        Binding("u", "show_tab('tab-quality')", "Quality"),
        Binding("k", "show_tab('tab-checks')", "Checks"),
        Binding("f", "show_tab('tab-modelfile')", "Modelfile"),
        Binding("l", "show_tab('tab-log')", "Log"),
    ]

    PICK_FIELDS = {"adapter": "adapter", "model": "model", "template": "template"}  # noqa: RUF012
    PICK_DEFAULT = "adapter"  # a run's adapter names its base model and template too

    def pick_context(self, wid: str) -> dict[str, str]:
        return {"model": self._get("#model")}

    def on_picked(self, wid: str, kind: str, value: object) -> None:
        if kind == "adapter":  # fills the whole form, as picking it from the list does
            info: Any = value
            self.apply_source({"model": info.base_model or self._get("#model"),
                               "adapter": info.path, "run": info.run_id,
                               "template": info.template or "default"})  # fmt: skip
        else:
            super().on_picked(wid, kind, value)

    class Line(Message):
        def __init__(self, step: str, text: str, fraction: float | None) -> None:
            self.step, self.text, self.fraction = step, text, fraction
            super().__init__()

    class MergeDone(Message):
        def __init__(self, path: str | None, error: str = "") -> None:
            self.path, self.error = path, error
            super().__init__()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="export-main"):
            with VerticalScroll(id="export-form", classes="enter-next"):
                yield Static("Source", classes="section-title")
                yield Select([], prompt="pick a model or a run's adapter", id="pick")
                yield field("model", Input(placeholder="base model folder", id="model"))
                yield field("adapter", Input(placeholder="LoRA adapter (optional)", id="adapter"))
                yield field("template", Input("default", id="template"))
                yield Static("Merge (llamafactory-cli export)", classes="section-title")
                yield field("export to", Input(placeholder="new folder", id="export-dir"))
                yield field(
                    "device",
                    Select([("cpu", "cpu"), ("auto", "auto")], value="cpu", allow_blank=False,
                           id="device"),
                )  # fmt: skip
                yield Button("Merge LoRA", id="merge", variant="primary")
                yield from self.compose_gguf_form()
            with Vertical(id="export-results"):
                yield Static("", id="step")
                yield QuietProgressBar(total=1.0, id="progress")
                yield from self.compose_gguf_results()

    def on_mount(self) -> None:
        self.mount_gguf()
        self.query_one("#log", RichLog).border_title = "log"
        self.load_sources()

    # -- merge --------------------------------------------------------------------
    def _say(self, step: str, text: str, fraction: float | None) -> None:
        self.post_message(self.Line(step, text, fraction))

    def _busy(self, busy: bool) -> None:
        for sel in ("#merge", "#convert"):
            self.query_one(sel, Button).disabled = busy

    @on(Button.Pressed, "#merge")
    def _merge_pressed(self) -> None:
        from tui_ft.export import ExportSpec

        if not self._get("#model") or not self._get("#export-dir"):
            self.notify("choose a base model and an export folder", severity="error")
            return
        spec = ExportSpec(
            model=self._get("#model"),
            adapter=self._get("#adapter") or None,
            template=self._get("#template") or "default",
            export_dir=self._get("#export-dir"),
            export_device=str(self.query_one("#device", Select).value),
        )
        self._busy(True)
        self.run_merge(spec)

    @work(thread=True, exclusive=True, group="export")
    def run_merge(self, spec) -> None:
        from tui_ft.export import run_export

        try:
            path = run_export(self.tui.host, spec, lambda line: self._say("merge", line, None))
        except Exception as exc:  # shown to the user; the worker must not die silently
            self.post_message(self.MergeDone(None, str(exc)))
            return
        self.tui.recorder.record(
            "export", model=spec.model, adapter=spec.adapter, template=spec.template,
            out=spec.export_dir,
        )  # fmt: skip
        self.post_message(self.MergeDone(path))

    def on_export_screen_merge_done(self, message: MergeDone) -> None:
        self._busy(False)
        if message.error:
            self._log(f"[red]merge failed:[/red] {message.error}")
            self.notify(message.error, severity="error", timeout=10)
            return
        self._log(f"[green]merged into[/green] {message.path}")
        self._set("#gguf-source", message.path or "")
        self.query_one("#no-merge").value = False  # type: ignore[attr-defined]

    def on_export_screen_line(self, message: Line) -> None:
        bar = self.query_one("#progress", ProgressBar)
        if message.step != getattr(self, "_step", None):
            self._step = message.step
            bar.update(progress=0)
            self.query_one("#step", Static).update(message.step)
        if message.fraction is not None:
            bar.update(progress=message.fraction)
        if message.text.strip() and not message.text.startswith("Writing:"):
            self._log(message.text, markup=False)

    # -- ollama -------------------------------------------------------------------
    @on(Button.Pressed, "#ollama")
    def _ollama_pressed(self) -> None:
        if self._ollama:
            self.run_ollama(self._ollama)

    @work(thread=True, exclusive=True, group="ollama")
    def run_ollama(self, argv: list[str]) -> None:
        try:
            for line in self.tui.host.stream(argv, cwd=posixpath.dirname(argv[-1])):
                self._say("ollama", line, None)
            self._say("ollama", f"ollama model {argv[2]} created", None)
        except Exception as exc:
            self._say("ollama", f"ollama create failed: {exc}", None)

    def _log(self, text: str, *, markup: bool = True) -> None:
        log = self.query_one("#log", RichLog)
        if markup:
            log.write(text)
        else:
            from rich.text import Text

            log.write(Text(text))
