"""The run monitor's figures: sparkline, loss plot, metrics, GPU panel and warnings,
redrawn at most once a second however fast records arrive."""

from __future__ import annotations

from textual.widgets import Checkbox, Sparkline, Static

from screens.train_monitor_log import MonitorLogPane
from screens.widgets.loss_plot import Curve, LossPlot
from tui_ft.host.base import DiskUsage
from tui_ft.train import (
    RunInfo,
    TrainerLog,
    compute_metrics,
    disk_warnings,
    gpu_idle_warnings,
    loss_warnings,
)
from tui_ft.train.sampler import Sample
from tui_ft.units import human_bytes


def gpu_text(sample: Sample | None, reason: str | None = None) -> str:
    if sample is None:
        return "sampling…"
    lines = []
    for g in sample.gpus:
        power = f" {g.power:.0f}W" if g.power is not None else ""
        lines.append(
            f"GPU{g.index} {g.utilization or 0:>3}% "
            f"{human_bytes(g.memory_used)}/{human_bytes(g.memory_total)} "
            f"{g.temperature or 0}°C{power} procs {len(g.processes)}"
        )
    if not sample.gpus:
        lines.append(reason or "no NVIDIA GPU")
    lines.append(
        f"CPU {sample.cpu_percent:.0f}%  RAM "
        f"{human_bytes(sample.ram_used)}/{human_bytes(sample.ram_total)}"
    )
    return "\n".join(lines)


def _set_text(panel: Static, text: str) -> None:
    """Update a panel redrawn every second: a relayout of the screen only when the number of
    rows it takes changes (the same lines with new figures keep its size)."""
    width = max(1, panel.content_size.width)
    rows = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
    panel.update(text, layout=rows != getattr(panel, "_rows", None))
    panel._rows = rows  # type: ignore[attr-defined]


class MonitorDrawing(MonitorLogPane):
    """The drawing part of `RunMonitor`, which holds the state read here."""

    info: RunInfo | None
    log_state: TrainerLog
    usage: DiskUsage | None

    REDRAW_EVERY = 1.0
    """Seconds between redraws: records may arrive 20+ times a second and the
    monitor must not take CPU from the training on a small box."""

    ticked = False
    """True while the screen's GPU tick calls `flush_redraw`: the panel and the records
    then share one frame a second instead of two (what a repaint costs, not the data)."""

    def schedule_redraw(self) -> None:
        if not getattr(self, "_redraw_pending", False):
            self._redraw_pending = True
            if not self.ticked:
                self.set_timer(self.REDRAW_EVERY, self._redraw)

    def flush_redraw(self) -> None:
        if getattr(self, "_redraw_pending", False):
            self._redraw()

    def _redraw(self) -> None:
        self._redraw_pending = False
        self.show_progress()

    def show_progress(self) -> None:
        log = self.log_state
        self.query_one("#mon-spark", Sparkline).data = list(log.loss.values[-200:])
        curves = [Curve("loss", log.loss.steps, log.loss.values)]
        if len(log.eval_loss):
            curves.append(Curve("eval", log.eval_loss.steps, log.eval_loss.values, "dot"))
        smooth = 0.6 if self.query_one("#mon-smooth", Checkbox).value else 0.0
        self.query_one("#mon-plot", LossPlot).set_curves(curves, smooth)
        config = self.app.config  # type: ignore[attr-defined]
        m = compute_metrics(log, self.info, config.hourly_price)
        text = "\n".join(f"{k:<8}{v}" for k, v in m.lines(config.currency))
        _set_text(self.query_one("#mon-metrics", Static), text)
        self.show_warnings()

    def show_gpu(self, sample: Sample | None, samples: list[Sample], reason: str | None) -> None:
        _set_text(self.query_one("#mon-gpu", Static), gpu_text(sample, reason))
        self._gpu_warnings = gpu_idle_warnings(samples) if self.info and self.info.alive else []
        self.show_warnings()

    def show_warnings(self) -> None:
        warnings = loss_warnings(self.log_state) + disk_warnings(self.usage)
        warnings += getattr(self, "_gpu_warnings", [])
        text = "\n".join(f"⚠ {w}" for w in warnings)
        if text != getattr(self, "_warned", None):  # called twice a second, rarely changes
            self._warned = text
            self.query_one("#mon-warnings", Static).update(text)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.show_progress()
