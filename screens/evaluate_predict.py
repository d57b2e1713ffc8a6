"""The Evaluate pane: run predict detached, watch it, and browse the scored predictions."""

from __future__ import annotations

import time
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, ProgressBar, Static
from textual.worker import get_current_worker

from screens.widgets.quiet_progress import QuietProgressBar
from tui_ft.evaluate import (
    METRIC_KEYS,
    EvalError,
    Prediction,
    PredictSpec,
    launch_predict,
    load_metrics,
    load_predictions,
    resolve_adapter,
    word_diff,
)
from tui_ft.evaluate.results import join_gap
from tui_ft.host.base import Host

_DIFF_STYLE = {"=": "", "-": "red strike", "+": "green"}


def diff_text(pred: Prediction) -> Text:
    text = Text()
    for op, piece in word_diff(pred.predict, pred.label):
        text.append(join_gap(text.plain, piece))
        text.append(piece, style=_DIFF_STYLE[op])
    return text


class PredictPane(Vertical):
    class Progress(Message):
        def __init__(self, stage: str, done: int, total: int) -> None:
            self.stage, self.done, self.total = stage, done, total
            super().__init__()

    class Finished(Message):
        def __init__(self, output_dir: str | None, error: str = "") -> None:
            self.output_dir, self.error = output_dir, error
            super().__init__()

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.predictions: list[Prediction] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="eval-form"):
            yield Input(placeholder="model folder", id="eval-model")
            yield Input(placeholder="adapter or run folder (optional)", id="eval-adapter")
            yield Input(placeholder="dataset name", id="eval-dataset")
            yield Input("50", placeholder="max samples", id="eval-samples")
        with Horizontal(id="eval-actions"):
            yield Input(placeholder="results folder (default: evals/<time>)", id="eval-output")
            yield Button("Run predict", id="eval-run", variant="primary")
            yield Button("Load results", id="eval-load")
        with Horizontal(id="eval-state"):
            yield Static("no evaluation yet", id="eval-status")
            yield QuietProgressBar(total=1, id="eval-progress")  # idle: empty, not animated
        yield DataTable(id="eval-metrics", cursor_type="none", show_cursor=False)
        yield DataTable(id="eval-preds", cursor_type="row", zebra_stripes=True)
        yield Static("", id="eval-diff")

    def on_mount(self) -> None:
        metrics = self.query_one("#eval-metrics", DataTable)
        for label in (*(label for _, label in METRIC_KEYS), "samples", "exact"):
            metrics.add_column(label, width=max(8, len(label)))
        preds = self.query_one("#eval-preds", DataTable)
        for label, width in (("#", 4), ("prompt", 30), ("prediction", 30), ("label", 30)):
            preds.add_column(label, width=width)

    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    @on(Button.Pressed, "#eval-run")
    def run_predict(self) -> None:
        tui = self.screen.tui  # type: ignore[attr-defined]
        ws = tui.workspace
        dataset, model = self._value("#eval-dataset"), self._value("#eval-model")
        output = self._value("#eval-output") or ws.path(
            "evals", f"{time.strftime('%Y%m%d-%H%M%S')}-{dataset}"
        )
        self.query_one("#eval-output", Input).value = output
        try:
            samples = int(self._value("#eval-samples") or 0) or None
        except ValueError:
            self.query_one("#eval-status", Static).update("[red]max samples: not a number[/red]")
            return
        spec = PredictSpec(
            model=model if "/" in model else ws.path("models", model),
            dataset=dataset,
            dataset_dir=ws.datasets,
            output_dir=output,
            adapter=self._value("#eval-adapter") or None,
            max_samples=samples,
        )
        self.query_one("#eval-status", Static).update("starting predict…")
        tui.recorder.record(
            "evaluate", model=spec.model, adapter=spec.adapter, dataset=spec.dataset,
            dataset_dir=spec.dataset_dir, max_samples=spec.max_samples,
        )  # fmt: skip
        self._predict_worker(tui.host, spec)

    @work(thread=True, exclusive=True, group="eval")
    def _predict_worker(self, host: Host, spec: PredictSpec) -> None:
        worker = get_current_worker()
        try:
            if spec.adapter:
                spec = replace(spec, adapter=resolve_adapter(host, spec.adapter))
            job = launch_predict(host, spec)
        except EvalError as exc:
            self.post_message(self.Finished(None, str(exc)))
            return
        while not worker.is_cancelled:
            prog = job.poll()
            self.post_message(self.Progress(prog.stage, prog.done, prog.total))
            if prog.state != "running":
                self.post_message(self.Finished(spec.output_dir, prog.error))
                return
            time.sleep(0.5)

    @on(Button.Pressed, "#eval-load")
    def _load_pressed(self) -> None:
        self.load_results(self._value("#eval-output"))

    @on(Progress)
    def _on_progress(self, msg: Progress) -> None:
        shown = f"{msg.stage} {msg.done}/{msg.total}" if msg.total else msg.stage
        self.query_one("#eval-status", Static).update(shown)
        bar = self.query_one("#eval-progress", ProgressBar)
        bar.update(total=msg.total or None, progress=msg.done)

    @on(Finished)
    def _on_finished(self, msg: Finished) -> None:
        if msg.error or msg.output_dir is None:
            self.query_one("#eval-status", Static).update(f"[red]{msg.error}[/red]")
            return
        self.load_results(msg.output_dir)

    @work(thread=True, exclusive=True, group="eval-results")
    def load_results(self, output_dir: str) -> None:
        """Read the metrics and predictions through the host, off the UI thread."""
        host = self.screen.tui.host  # type: ignore[attr-defined]
        try:
            metrics = load_metrics(host, output_dir)
            predictions = load_predictions(host, output_dir)
        except EvalError as exc:
            status = self.query_one("#eval-status", Static)
            self.app.call_from_thread(status.update, f"[red]{exc}[/red]")
            return
        self.app.call_from_thread(self._show_results, metrics, predictions)

    def _show_results(self, metrics: dict[str, float], predictions: list[Prediction]) -> None:
        self.predictions = predictions
        status = self.query_one("#eval-status", Static)
        table = self.query_one("#eval-metrics", DataTable)
        table.clear()
        exact = sum(p.exact for p in self.predictions)
        table.add_row(
            *(f"{metrics[k]:.2f}" for k, _ in METRIC_KEYS), str(len(self.predictions)), str(exact)
        )
        preds = self.query_one("#eval-preds", DataTable)
        preds.clear()
        for i, p in enumerate(self.predictions, 1):
            preds.add_row(str(i), _cut(p.prompt), _cut(p.predict), _cut(p.label), key=str(i - 1))
        status.update(f"done: {len(self.predictions)} predictions")
        self.query_one("#eval-progress", ProgressBar).update(total=1, progress=1)

    @on(DataTable.RowHighlighted, "#eval-preds")
    def _show_diff(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        pred = self.predictions[int(event.row_key.value)]
        text = Text("diff (label → prediction): ", style="bold")
        text.append_text(diff_text(pred))
        self.query_one("#eval-diff", Static).update(text)


def _cut(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
