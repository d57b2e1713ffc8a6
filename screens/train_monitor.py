"""The live monitor of one run: loss sparkline and plot, numbers, logs, GPU, warnings.

The trainer log is followed by an async worker (`async for` over `follow_lines`), so
the whole history loads on attach and new records stream in; run state, disk and the
running_log tail are read in a thread worker on a timer; the GPU/CPU/RAM sampler runs
on its own daemon thread and the panel reads its ring buffer.
"""

from __future__ import annotations

import re

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Log, Sparkline, Static

from screens.widgets.gpu_procs import GpuProcs
from screens.widgets.loss_plot import Curve, LossPlot
from tui_ft.host.base import DiskUsage
from tui_ft.train import (
    RunInfo,
    RunPaths,
    TrainerLog,
    compute_metrics,
    disk_warnings,
    follow_lines,
    gpu_idle_warnings,
    loss_warnings,
    run_info,
)
from tui_ft.train.discover import run_view
from tui_ft.train.sampler import Sample
from tui_ft.units import human_bytes

ERROR_LINE = re.compile(r"Traceback|Error\b|error:|\bFAILED\b")


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


class RunMonitor(Vertical):
    class StatusRead(Message):
        def __init__(self, info: RunInfo, usage: DiskUsage | None, tail: list[str]) -> None:
            super().__init__()
            self.info, self.usage, self.tail = info, usage, tail

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.paths: RunPaths | None = None
        self.info: RunInfo | None = None
        self.log_state = TrainerLog()
        self.usage: DiskUsage | None = None

    def compose(self) -> ComposeResult:
        yield Static("no run attached", id="mon-title")
        yield Sparkline([], id="mon-spark")
        with Horizontal(id="mon-top"):
            yield Static("", id="mon-metrics")
            yield Static("", id="mon-gpu")
        yield GpuProcs(id="mon-strays")  # what a run left on the GPUs; K kills one
        yield LossPlot(id="mon-plot")
        with Horizontal(id="mon-controls"):
            yield Checkbox("smooth", id="mon-smooth")
            yield Button("Stop", id="mon-stop", variant="error", disabled=True)
            yield Button("Resume", id="mon-resume", variant="primary", disabled=True)
        yield Static("", id="mon-warnings")
        yield Input(placeholder="filter the log (escape: close)", id="mon-filter")
        yield Log(id="mon-log", max_lines=200)

    # -- attaching ------------------------------------------------------------
    def attach(self, paths: RunPaths) -> None:
        """Show `paths`' whole history and follow it (replaces any previous run)."""
        self.paths = paths
        self.info = None
        self.log_state = TrainerLog()
        self.query_one("#mon-title", Static).update(f"run {paths.run_id}")
        self.query_one("#mon-log", Log).clear()
        self.refresh_status()
        self.follow_log(paths)
        if not getattr(self, "_timer", None):
            self._timer = self.set_interval(3.0, self.refresh_status)
        else:
            self._timer.resume()

    @work(exclusive=True, group="train-follow")
    async def follow_log(self, paths: RunPaths) -> None:
        host = self.app.host  # type: ignore[attr-defined]

        def ended() -> bool:
            return self.info is not None and not self.info.alive

        async for lines in follow_lines(host, paths.trainer_log, interval=1.0, stop=ended):
            if self.paths != paths:
                return
            if self.log_state.feed(lines):
                self.schedule_redraw()

    @work(thread=True, exclusive=True, group="train-status")
    def refresh_status(self) -> None:
        paths = self.paths
        if paths is None:
            return
        # over SSH: the run folder, the log tails and the disk usage in one command
        host = run_view(self.app.host, paths, disk=True)  # type: ignore[attr-defined]
        info = run_info(host, paths)
        try:
            usage = host.disk_usage(paths.root)
        except Exception:
            usage = None
        tail: list[str] = []
        for log_path in (paths.running_log, paths.launch_log):
            st = host.stat(log_path)
            if st is not None and st.size:
                data = host.read_bytes(log_path, max(0, st.size - 8192))
                tail = data.decode("utf-8", "replace").splitlines()[-40:]
                break
        self.post_message(self.StatusRead(info, usage, tail))

    def on_run_monitor_status_read(self, msg: StatusRead) -> None:
        if self.paths is None or msg.info.root != self.paths.root:
            return
        was = self.info.state if self.info else None
        self.info, self.usage = msg.info, msg.usage
        if msg.info.state != was:
            self.screen.refresh_bindings()  # "chat with it" / "export it" once finished
            if was in ("running", "stopping") and msg.info.state == "finished":
                self.app.notify(f"{msg.info.run_id} finished: t chat with it · x export it")
            if was is not None and not msg.info.alive:
                self.query_one(GpuProcs).reload()  # did it leave processes on the GPUs?
        if msg.tail and msg.tail[-1:] != getattr(self, "_last_tail", None):
            self.tail = msg.tail
            self.show_log()
            self._last_tail = msg.tail[-1:]
        alive = msg.info.alive
        if msg.info.exit_code is not None and getattr(self, "_timer", None):
            # Ended for good (a launch's first reads may not see its process yet): an
            # ended run changes no more, so no polling; attach (resume) restarts it.
            self._timer.pause()
        self.query_one("#mon-stop", Button).disabled = not alive
        self.query_one("#mon-resume", Button).disabled = not msg.info.resumable
        title = f"run {msg.info.run_id} · {msg.info.detail}"
        if title != getattr(self, "_title", None):  # an unchanged text still costs a layout
            self._title = title
            self.query_one("#mon-title", Static).update(title)
        self.schedule_redraw()  # with the records' redraw: one frame, not two

    # -- the log pane -----------------------------------------------------------
    tail: list[str] = []  # noqa: RUF012 - replaced, never mutated
    """The last lines of the run's console log, as read."""

    def on_mount(self) -> None:
        self.query_one("#mon-filter", Input).display = False

    def show_log(self) -> None:
        """The tail, filtered by the filter box's text (case-insensitive) when it is open."""
        box = self.query_one("#mon-filter", Input)
        needle = box.value.strip().lower() if box.display else ""
        lines = [x for x in self.tail if needle in x.lower()] if needle else self.tail
        log = self.query_one("#mon-log", Log)
        log.clear()
        log.write_lines(lines)

    def open_filter(self) -> None:
        box = self.query_one("#mon-filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "mon-filter":
            self.show_log()

    def on_descendant_blur(self, event) -> None:
        box = self.query_one("#mon-filter", Input)
        if event.widget is box and not box.value.strip():
            box.display = False  # an empty filter closes when left

    def first_error(self) -> int | None:
        """Index in the shown log of the first traceback or error line."""
        log = self.query_one("#mon-log", Log)
        for i, line in enumerate(log.lines):
            if ERROR_LINE.search(line):
                return i
        return None

    def jump_to_error(self) -> None:
        log = self.query_one("#mon-log", Log)
        index = self.first_error()
        if index is None:
            self.app.notify("no error or traceback in the log")
            return
        log.auto_scroll = False  # stay on it while new lines come in
        log.scroll_to(y=index, animate=False)

    def toggle_follow(self) -> None:
        log = self.query_one("#mon-log", Log)
        log.auto_scroll = not log.auto_scroll
        if log.auto_scroll:
            log.scroll_end(animate=False)
        self.app.notify("following the log" if log.auto_scroll else "log paused")

    def copy_text(self) -> str:
        """What `y` copies: the traceback when there is one, else the run's folder."""
        lines = self.tail
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                return "\n".join(lines[i:])
        return self.paths.root if self.paths else ""

    # -- drawing --------------------------------------------------------------
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

    # -- control --------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mon-stop":
            event.button.disabled = True
            self.stop_run()
        elif event.button.id == "mon-resume":
            event.button.disabled = True
            self.resume_run()

    @work(thread=True, exclusive=True, group="train-control")
    def stop_run(self) -> None:
        from tui_ft.train import stop_run

        if self.paths is not None:
            stop_run(self.app.host, self.paths, timeout=60)  # type: ignore[attr-defined]
            self.refresh_status()

    @work(thread=True, exclusive=True, group="train-control")
    def resume_run(self) -> None:
        from tui_ft.train import ResumeError, resume_run

        paths = self.paths
        if paths is None:
            return
        try:
            resume_run(self.app.host, paths)  # type: ignore[attr-defined]
        except ResumeError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.attach, paths)
