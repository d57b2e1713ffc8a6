"""Export & GGUF area: merge a run's LoRA into its base model, convert to GGUF, quantise,
verify the result, and preview (and import) the Ollama Modelfile.

Jobs run in thread workers through the app's Host (see `screens/export_work.py`); their
output lines and progress come back as messages.
"""

from __future__ import annotations

import posixpath

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    ProgressBar,
    RichLog,
    Select,
    Static,
)

from screens.base import AreaScreen
from screens.export_work import GGUFJob, GGUFOutcome, run_gguf_job, verify_text
from tui_ft.gguf.convert import OUTTYPES
from tui_ft.gguf.quantize import QUANT_TYPES
from tui_ft.units import human_bytes


def _field(label: str, widget) -> Horizontal:
    return Horizontal(Static(label, classes="field-label"), widget, classes="field")


class ExportScreen(AreaScreen):
    AREA_TITLE = "Export & GGUF"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("m", "press('#merge')", "Merge"),
        Binding("g", "press('#convert')", "Convert"),
        Binding("o", "press('#ollama')", "Ollama"),
    ]

    class Sources(Message):
        def __init__(self, options: list[tuple[str, str]], meta: dict[str, dict]) -> None:
            self.options, self.meta = options, meta
            super().__init__()

    class Line(Message):
        def __init__(self, text: str, fraction: float | None) -> None:
            self.text, self.fraction = text, fraction
            super().__init__()

    class MergeDone(Message):
        def __init__(self, path: str | None, error: str = "") -> None:
            self.path, self.error = path, error
            super().__init__()

    class ConvertDone(Message):
        def __init__(self, outcome: GGUFOutcome | None, error: str = "") -> None:
            self.outcome, self.error = outcome, error
            super().__init__()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="export-main"):
            with VerticalScroll(id="export-form", classes="enter-next"):
                yield Static("Source", classes="section-title")
                yield Select([], prompt="pick a model or a run's adapter", id="pick")
                yield _field("model", Input(placeholder="base model folder", id="model"))
                yield _field("adapter", Input(placeholder="LoRA adapter (optional)", id="adapter"))
                yield _field("template", Input("default", id="template"))
                yield Static("Merge (llamafactory-cli export)", classes="section-title")
                yield _field("export to", Input(placeholder="new folder", id="export-dir"))
                yield _field(
                    "device",
                    Select([("cpu", "cpu"), ("auto", "auto")], value="cpu", allow_blank=False,
                           id="device"),
                )  # fmt: skip
                yield Button("Merge LoRA", id="merge", variant="primary")
                yield Static("GGUF (llama.cpp)", classes="section-title")
                yield _field("convert", Input(placeholder="HF model folder", id="gguf-source"))
                yield _field("to file", Input(placeholder="file.gguf", id="gguf-out"))
                yield _field(
                    "out type",
                    Select([(t, t) for t in OUTTYPES], value="f16", allow_blank=False,
                           id="outtype"),
                )  # fmt: skip
                yield _field(
                    "quantise",
                    Select([(t, t) for t in QUANT_TYPES], prompt="no quantisation", id="quant"),
                )
                yield Checkbox("verify (load, generate, compare)", True, id="verify")
                yield Checkbox("Ollama Modelfile", True, id="modelfile")
                yield Button("Convert", id="convert", variant="primary")
            with Vertical(id="export-results"):
                yield ProgressBar(total=1.0, show_eta=False, id="progress")
                yield DataTable(id="results", cursor_type="row")
                yield Static("", id="verify-report")
                with VerticalScroll(id="modelfile-box"):
                    yield Static("", id="modelfile-preview")
                yield Button("ollama create", id="ollama", disabled=True)
                yield RichLog(id="log", wrap=True, max_lines=2000)

    def on_mount(self) -> None:
        results = self.query_one("#results", DataTable)
        for label, width in (("file", 16), ("type", 6), ("size", 6), ("note", 20)):
            results.add_column(label, width=width)
        self.query_one("#modelfile-box").border_title = "Ollama Modelfile"
        self.query_one("#log", RichLog).border_title = "log"
        self._meta: dict[str, dict] = {}
        self._ollama: list[str] | None = None
        self.load_sources()

    # -- sources ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sources")
    def load_sources(self) -> None:
        from tui_ft.export.adapters import list_adapters

        ws = self.tui.workspace
        options: list[tuple[str, str]] = []
        meta: dict[str, dict] = {}
        for path in ws.list_models():
            key = f"model:{path}"
            options.append((f"model  {posixpath.basename(path)}", key))
            meta[key] = {"model": path}
        for ad in list_adapters(ws):
            key = f"adapter:{ad.path}"
            options.append((f"adapter  {ad.label}", key))
            meta[key] = {"model": ad.base_model or "", "adapter": ad.path,
                         "template": ad.template or "default", "run": ad.run_id}  # fmt: skip
        self.post_message(self.Sources(options, meta))

    def on_export_screen_sources(self, message: Sources) -> None:
        self._meta = message.meta
        pick = self.query_one("#pick", Select)
        current = pick.value
        pick.set_options(message.options)
        if current in message.meta:
            pick.value = current
        self._pick_active_run()

    def on_screen_resume(self) -> None:
        if getattr(self, "_meta", None) is not None:
            self.load_sources()  # runs made since: the active one is picked

    def _pick_active_run(self) -> None:
        """Default to the active run's final adapter, unless the user picked something."""
        run = self.tui.active_run
        pick = self.query_one("#pick", Select)
        if not run or getattr(self, "_auto_run", None) == run:
            return
        if not (pick.is_blank() or getattr(self, "_auto_run", None)):
            return
        keys = [k for k, m in self._meta.items() if m.get("run") == run]
        if keys:
            self._auto_run = run
            pick.value = keys[0]  # list_adapters gives the final adapter first

    @on(Select.Changed, "#pick")
    def _picked(self, event: Select.Changed) -> None:
        meta = self._meta.get(str(event.value))
        if not meta:
            return
        exports = self.tui.workspace.exports
        self._set("#model", meta["model"])
        self._set("#adapter", meta.get("adapter", ""))
        self._set("#template", meta.get("template", "default"))
        if meta.get("adapter"):
            name = f"{meta['run']}-merged"
            self._set("#export-dir", posixpath.join(exports, name))
            source = posixpath.join(exports, name)
        else:
            name = posixpath.basename(meta["model"].rstrip("/"))
            self._set("#export-dir", "")
            source = meta["model"]
        self._set("#gguf-source", source)
        self._set("#gguf-out", posixpath.join(exports, f"{name}-gguf", f"{name}-f16.gguf"))

    def _set(self, selector: str, value: str) -> None:
        self.query_one(selector, Input).value = value

    def _get(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    # -- jobs ---------------------------------------------------------------------
    def _say(self, text: str, fraction: float | None) -> None:
        self.post_message(self.Line(text, fraction))

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
            path = run_export(self.tui.host, spec, lambda line: self._say(line, None))
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

    @on(Button.Pressed, "#convert")
    def _convert_pressed(self) -> None:
        source, out = self._get("#gguf-source"), self._get("#gguf-out")
        if not source or not out.endswith(".gguf"):
            self.notify("choose a model folder and a .gguf file to write", severity="error")
            return
        quant_select = self.query_one("#quant", Select)
        # is_blank(): Textual 8's blank value is Select.NULL, not the old Select.BLANK
        quant = None if quant_select.is_blank() else quant_select.value
        job = GGUFJob(
            model=source,
            out=out,
            outtype=str(self.query_one("#outtype", Select).value),
            quant=None if quant is None else str(quant),
            template=self._get("#template") or None,
            modelfile=self.query_one("#modelfile", Checkbox).value,
            verify=self.query_one("#verify", Checkbox).value,
        )
        self.query_one("#results", DataTable).clear()
        self.query_one("#verify-report", Static).update("")
        self.query_one("#modelfile-preview", Static).update("")
        self._busy(True)
        self.run_gguf(job)

    @work(thread=True, exclusive=True, group="export")
    def run_gguf(self, job: GGUFJob) -> None:
        try:
            outcome = run_gguf_job(self.tui.host, self.tui.config.llama_cpp_dir, job, self._say)
        except Exception as exc:  # shown to the user
            self.post_message(self.ConvertDone(None, str(exc)))
            return
        self.tui.recorder.record(
            "gguf", model=job.model, out=job.out, outtype=job.outtype, quant=job.quant,
            modelfile=job.modelfile, template=job.template,
        )  # fmt: skip
        self.post_message(self.ConvertDone(outcome))

    def on_export_screen_line(self, message: Line) -> None:
        if message.fraction is not None:
            self.query_one("#progress", ProgressBar).update(progress=message.fraction)
        if message.text.strip() and not message.text.startswith("Writing:"):
            self._log(message.text, markup=False)

    def on_export_screen_convert_done(self, message: ConvertDone) -> None:
        self._busy(False)
        if message.outcome is None:
            self._log(f"[red]GGUF failed:[/red] {message.error}")
            self.notify(message.error, severity="error", timeout=10)
            return
        outcome = message.outcome
        table = self.query_one("#results", DataTable)
        for name, qtype, size, note in outcome.rows:
            table.add_row(name, qtype, human_bytes(int(size)), note)
        if outcome.report:
            self.query_one("#verify-report", Static).update(verify_text(outcome.report))
        self.query_one("#modelfile-preview", Static).update(outcome.modelfile_text)
        self._ollama = outcome.ollama
        self.query_one("#ollama", Button).disabled = outcome.ollama is None

    @on(Button.Pressed, "#ollama")
    def _ollama_pressed(self) -> None:
        if self._ollama:
            self.run_ollama(self._ollama)

    @work(thread=True, exclusive=True, group="ollama")
    def run_ollama(self, argv: list[str]) -> None:
        try:
            for line in self.tui.host.stream(argv, cwd=posixpath.dirname(argv[-1])):
                self._say(line, None)
            self._say(f"ollama model {argv[2]} created", None)
        except Exception as exc:
            self._say(f"ollama create failed: {exc}", None)

    def _log(self, text: str, *, markup: bool = True) -> None:
        log = self.query_one("#log", RichLog)
        if markup:
            log.write(text)
        else:
            from rich.text import Text

            log.write(Text(text))
