"""The live monitor of one run: loss sparkline and plot, numbers, logs, GPU, warnings.

The trainer log is followed by an async worker (`async for` over `follow_lines`), so
the whole history loads on attach and new records stream in; run state, disk and the
running_log tail are read in a thread worker on a timer; the GPU/CPU/RAM sampler runs
on its own daemon thread and the panel reads its ring buffer.

This module attaches, follows and controls a run; `train_monitor_draw` draws its figures
and `train_monitor_log` holds the log pane.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Log, Sparkline, Static

from screens.train_monitor_draw import MonitorDrawing, _set_text, gpu_text
from screens.train_monitor_log import ERROR_LINE
from screens.widgets.gpu_procs import GpuProcs
from screens.widgets.loss_plot import LossPlot
from tui_ft.host.base import DiskUsage
from tui_ft.train import RunInfo, RunPaths, TrainerLog, follow_lines, run_info
from tui_ft.train.discover import run_view

__all__ = ["ERROR_LINE", "RunMonitor", "_set_text", "gpu_text"]


class RunMonitor(MonitorDrawing):
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
        # The next status read draws the pane again, even when its tail is the one shown
        # before (a second attach to the same run: the Train screen's mount and resume).
        self._last_tail = self._title = None
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
