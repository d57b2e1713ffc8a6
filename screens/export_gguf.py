"""The Export screen's GGUF part: the form (adapter without merge, quant, importance
matrix, perplexity slice) and the results (quality table, pre-flight and template-check
panels, Modelfile, log). The job is `tui_ft.gguf.pipeline.run_gguf` in a thread worker."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    RichLog,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from screens.base import AreaScreen
from screens.export_render import (
    IQ_REASON,
    QUALITY_COLUMNS,
    notes_text,
    preflight_text,
    quality_rows,
    quant_options,
    template_text,
    verify_text,
)
from screens.export_work import GGUFJob, GGUFOutcome, run_gguf_job
from tui_ft.gguf.convert import OUTTYPES
from tui_ft.gguf.pipeline import GGUFSpec


def field(label: str, widget) -> Horizontal:
    return Horizontal(Static(label, classes="field-label"), widget, classes="field")


class GGUFForm(AreaScreen):
    """The GGUF part of ExportScreen, which adds `_say`, `_busy`, `_log` and `_get`."""

    class ConvertDone(Message):
        def __init__(self, outcome: GGUFOutcome | None, error: str = "") -> None:
            self.outcome, self.error = outcome, error
            super().__init__()

    _ollama: list[str] | None = None

    def compose_gguf_form(self) -> ComposeResult:
        yield Static("GGUF (llama.cpp)", classes="section-title")
        yield Checkbox("adapter as GGUF (no merge)", False, id="no-merge")
        yield field("convert", Input(placeholder="HF model folder", id="gguf-source"))
        yield field("to file", Input(placeholder="file.gguf", id="gguf-out"))
        yield field(
            "out type",
            Select([(t, t) for t in OUTTYPES], value="f16", allow_blank=False, id="outtype"),
        )
        yield field("quantise", Select(quant_options(False), prompt="none", id="quant"))
        yield field("imatrix", Input(placeholder="dataset.json or .imatrix", id="imatrix"))
        yield Static(IQ_REASON, id="iq-hint")
        yield field("perplexity", Input(placeholder="dataset.json (held-out 10%)", id="ppl"))
        yield Checkbox("verify (load, generate, compare)", True, id="verify")
        yield Checkbox("Ollama Modelfile", True, id="modelfile")
        yield Button("Convert", id="convert", variant="primary")

    def compose_gguf_results(self) -> ComposeResult:
        with TabbedContent(id="export-tabs", initial="tab-quality"):
            with TabPane("Quality", id="tab-quality"), VerticalScroll():
                yield DataTable(id="results", cursor_type="row")
                yield Static("", id="notes")
            with TabPane("Checks", id="tab-checks"), VerticalScroll():
                yield Static(preflight_text(None), id="preflight")
                yield Static(template_text(None, "default"), id="template-check")
                yield Static("", id="verify-report")
            with TabPane("Modelfile", id="tab-modelfile"):
                with VerticalScroll(id="modelfile-box"):
                    yield Static("", id="modelfile-preview")
                yield Button("ollama create", id="ollama", disabled=True)
            with TabPane("Log", id="tab-log"):
                yield RichLog(id="log", wrap=True, max_lines=2000)

    def mount_gguf(self) -> None:
        results = self.query_one("#results", DataTable)
        for label, width in QUALITY_COLUMNS:
            results.add_column(label, width=width)
        self.query_one("#preflight").border_title = "pre-flight"
        self.query_one("#template-check").border_title = "template check"

    @on(Input.Changed, "#imatrix")
    def _imatrix_changed(self, event: Input.Changed) -> None:
        """The i-quants are offered only with a matrix; the hint says why they are missing."""
        has = bool(event.value.strip())
        quant = self.query_one("#quant", Select)
        current = None if quant.is_blank() else quant.value
        options = quant_options(has)
        quant.set_options(options)
        if current in dict(options):
            quant.value = current
        self.query_one("#iq-hint", Static).display = not has

    @on(Input.Changed, "#template")
    def _template_changed(self, event: Input.Changed) -> None:
        panel = self.query_one("#template-check", Static)
        panel.update(template_text(None, event.value.strip()))

    @on(Button.Pressed, "#convert")
    def _convert_pressed(self) -> None:
        get = self._get
        no_merge = self.query_one("#no-merge", Checkbox).value and get("#adapter")
        source, out = (get("#model") if no_merge else get("#gguf-source")), get("#gguf-out")
        if not source or not out.endswith(".gguf"):
            self.notify("choose a model folder and a .gguf file to write", severity="error")
            return
        quant = self.query_one("#quant", Select)
        template = get("#template") or None
        spec = GGUFSpec(
            model=source, out=out, outtype=str(self.query_one("#outtype", Select).value),
            quants=[] if quant.is_blank() else [str(quant.value)],
            adapter=get("#adapter") if no_merge else None, template=template,
            modelfile=self.query_one("#modelfile", Checkbox).value and bool(template),
            perplexity_data=get("#ppl") or None, imatrix=get("#imatrix") or None,
        )  # fmt: skip
        job = GGUFJob(spec, verify=self.query_one("#verify", Checkbox).value)
        self.show_outcome(GGUFOutcome())
        self._busy(True)
        self.run_gguf(job)

    @work(thread=True, exclusive=True, group="export")
    def run_gguf(self, job: GGUFJob) -> None:
        tui = self.tui
        try:
            outcome = run_gguf_job(tui.host, tui.config.llama_cpp_dir, job, self._say)
        except Exception as exc:  # shown to the user
            self.post_message(self.ConvertDone(None, str(exc)))
            return
        if not outcome.error:  # every input of the run, so a replay makes the same files
            spec = job.spec
            tui.recorder.record(
                "gguf", model=spec.model, out=spec.out, outtype=spec.outtype,
                quant=list(spec.quants) or None, modelfile=spec.modelfile,
                template=spec.template, adapter=spec.adapter, base_gguf=spec.base_gguf,
                perplexity=spec.perplexity_data, imatrix=spec.imatrix,
                verify=None if job.verify else False,  # recipes verify unless told not to
            )  # fmt: skip
        self.post_message(self.ConvertDone(outcome, outcome.error))

    def on_ggufform_convert_done(self, message: ConvertDone) -> None:
        self._busy(False)
        if message.error:
            self._log(f"[red]GGUF failed:[/red] {message.error}")
            self.notify(message.error, severity="error", timeout=10)
        if message.outcome is not None:
            self.show_outcome(message.outcome)
        outcome = message.outcome
        failed = outcome is not None and (outcome.run is None or bool(message.error))
        tab = "log" if outcome is None else "checks" if failed else "quality"
        self.action_show_tab(f"tab-{tab}")

    def show_outcome(self, outcome: GGUFOutcome) -> None:
        """Fill the tables and panels (an empty outcome clears them)."""
        q = self.query_one
        table = q("#results", DataTable)
        table.clear()
        run = outcome.run
        for row in quality_rows(run) if run else []:
            table.add_row(*row)
        q("#notes", Static).update(notes_text(run) if run else "")
        q("#preflight", Static).update(preflight_text(outcome.preflight))
        template = run.template if run else self._get("#template")
        q("#template-check", Static).update(
            template_text(run.template_check if run else None, template)
        )
        q("#verify-report", Static).update(verify_text(outcome.report) if outcome.report else "")
        q("#modelfile-preview", Static).update(outcome.modelfile_text)
        self._ollama = outcome.ollama
        q("#ollama", Button).disabled = outcome.ollama is None
