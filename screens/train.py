"""Train area: configure a run (form, YAML, exact command), launch it, monitor it live.

On open it looks for a running run (or `app.active_run`) and attaches to it, so a TUI
restarted during a training shows the whole history. Closing the TUI never stops a run.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane

from screens.base import AreaScreen
from screens.pickers.fields import PICK_BINDING, PickFields
from screens.train_files import TrainFiles
from screens.train_fit import FitPanel, PeakTracker
from screens.train_form import TrainForm
from screens.train_launch import TrainLaunch
from screens.train_monitor import RunMonitor
from tui_ft.demo.settings import demo_run_config, is_demo_model
from tui_ft.train import (
    RunPaths,
    SystemSampler,
    TrainConfig,
    TrainConfigError,
    command,
    find_run,
    list_runs,
)
from tui_ft.train.config import new_run_config


class TrainScreen(PickFields, TrainFiles, TrainLaunch, AreaScreen):
    AREA_TITLE = "Train"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        PICK_BINDING,  # model, template, datasets: the focused field's picker
        Binding("k", "clone_run", "Clone run"),
        Binding("l", "press('#train-launch')", "Launch"),
        Binding("s", "press('#mon-stop')", "Stop"),
        Binding("u", "press('#mon-resume')", "Resume"),
        Binding("f", "show_tab('tab-config')", "Form"),
        Binding("m", "show_tab('tab-monitor')", "Monitor"),
        Binding("slash", "log_filter", "Filter log"),
        Binding("e", "log_error", "First error", show=False),
        Binding("o", "log_follow", "Follow log", show=False),
        Binding("y", "copy", "Copy traceback/path", show=False),
        Binding("t", "chat_with_run", "Chat with it"),
        Binding("x", "export_run", "Export it"),
    ]

    PICK_FIELDS = {  # noqa: RUF012
        "f-model_name_or_path": "model",
        "f-template": "template",
        "f-dataset": "datasets",
    }
    PICK_DEFAULT = "f-model_name_or_path"

    def pick_context(self, wid: str) -> dict[str, str]:
        value = lambda name: self.query_one(f"#f-{name}", Input).value.strip()  # noqa: E731
        return {"model": value("model_name_or_path"), "dataset_dir": value("dataset_dir")}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Chat with it" and "Export it" appear once the attached run has finished."""
        if action in ("chat_with_run", "export_run"):
            info = self.query_one(RunMonitor).info
            return info is not None and info.state == "finished"
        return True

    def _monitor_shown(self) -> RunMonitor:
        self.action_show_tab("tab-monitor")
        return self.query_one(RunMonitor)

    def action_log_filter(self) -> None:
        self._monitor_shown().open_filter()

    def action_log_error(self) -> None:
        self._monitor_shown().jump_to_error()

    def action_log_follow(self) -> None:
        self._monitor_shown().toggle_follow()

    def action_copy(self) -> None:
        """OSC 52: reaches the laptop's clipboard through SSH (and tmux with set-clipboard)."""
        text = self._monitor_shown().copy_text()
        if text:
            self.app.copy_to_clipboard(text)
            self.notify(f"copied {len(text.splitlines())} line(s)")

    def action_chat_with_run(self) -> None:
        self.app.switch_mode("evaluate")  # Chat picks the active run's adapter

    def action_export_run(self) -> None:
        self.app.switch_mode("export")  # Export picks the active run's adapter

    def __init__(self) -> None:
        super().__init__()
        self.base_config: TrainConfig | None = None
        self._listed: TrainForm.Listed | None = None
        self._form_ready = False
        self.sampler: SystemSampler | None = None
        self.fit_peak = PeakTracker()  # the run's NVML peak into its fit.json

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="train-tabs", initial="tab-config"):
            with TabPane("Configure", id="tab-config"):
                with Horizontal(id="train-file"):
                    yield Input(placeholder="training YAML path", id="train-yaml-path")
                    yield Button("Load", id="train-load")
                    yield Button("Save", id="train-save")
                yield TrainForm(id="train-form")
                yield Static("", id="train-command")
                yield FitPanel(id="train-fit")
                yield Static("", id="train-errors")
                yield Button("Launch", id="train-launch", variant="success")
            with TabPane("Monitor", id="tab-monitor"), Vertical():
                yield RunMonitor(id="train-monitor")

    def on_mount(self) -> None:
        form = self.query_one(TrainForm)
        form.set_config(new_run_config(dataset_dir=self.tui.workspace.datasets))
        form.clear_auto()  # a new run logs ~20 points whatever its length
        self.update_command()
        self._form_ready = True
        if self._listed is not None:  # else it comes with TrainForm.Listed
            self.start_on(self._listed)
        interval = self.tui.config.gpu_sample_interval or 1.0
        self.sampler = SystemSampler(interval=interval, read=self._reader(interval))
        self._gpu_timer = self.set_interval(interval, self.show_gpu, pause=True)
        self.sync_sampling(True)
        self.find_live_run()

    def on_train_form_listed(self, msg: TrainForm.Listed) -> None:
        self._listed = msg  # the form's worker may answer before this screen's on_mount
        if self._form_ready:
            self.start_on(msg)

    def start_on(self, msg: TrainForm.Listed) -> None:
        """Start on the workspace's first model, and on its dataset when it registers exactly
        one healthy one (the demo); never over a choice already made."""
        form = self.query_one(TrainForm)
        field = form.query_one("#f-model_name_or_path", Input)
        if not msg.models or field.value or self.base_config is not None:
            return
        if is_demo_model(msg.models[0]) and self._form_untouched(form):
            form.set_config(demo_run_config(dataset_dir=self.tui.workspace.datasets))
            form.clear_auto()
        field.value = msg.models[0]
        data = form.query_one("#f-dataset", Input)
        if not data.value and len(msg.healthy) == 1:
            data.value = msg.healthy[0]

    def _form_untouched(self, form: TrainForm) -> bool:
        """True while the form still holds the new-run defaults it was mounted with."""
        fresh = new_run_config(dataset_dir=self.tui.workspace.datasets)
        try:
            return form.get_config(fresh).to_dict() == fresh.to_dict()
        except TrainConfigError:
            return False

    def _reader(self, interval: float):
        """NVML, CPU and RAM of the box the run is on: here, or streamed over SSH."""
        host = self.tui.host
        if host.is_remote:
            from tui_ft.remote.sampler import remote_reader

            return remote_reader(host, interval)
        from tui_ft.train.sampler import read_local

        return read_local

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.sync_sampling(True)
        monitor = self.query_one(RunMonitor)
        active = self.tui.active_run
        if active and (monitor.paths is None or monitor.paths.run_id != active):
            self.find_live_run()

    def sync_sampling(self, shown: bool) -> None:
        """Sample GPU/CPU/RAM only while the Monitor tab is on screen and its run lives: an
        idle TUI (another area, the form, an ended run) costs nothing."""
        if self.sampler is None:
            return
        monitor = self.query_one(RunMonitor)
        live = monitor.info is None or monitor.info.alive
        if shown and live and self.query_one(TabbedContent).active == "tab-monitor":
            self.sampler.start()
            self._gpu_timer.resume()
            monitor.ticked = self.sampler.interval <= monitor.REDRAW_EVERY
        else:
            self._gpu_timer.pause()
            self.sampler.stop()
            monitor.ticked = False
            monitor.flush_redraw()  # nothing left waiting for a tick that no longer comes

    def on_screen_suspend(self) -> None:
        self.sync_sampling(False)

    def on_run_monitor_status_read(self) -> None:
        """The run's state came in (every 3 s while it lives): an ended run stops sampling."""
        self.sync_sampling(self.is_current)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.sync_sampling(self.is_current)

    def on_unmount(self) -> None:
        if self.sampler is not None:
            self.sampler.stop()

    def show_gpu(self) -> None:
        from tui_ft.gpu import gpu_unavailable_reason

        if self.sampler is None:
            return
        samples = self.sampler.samples()
        reason = None if samples and samples[-1].gpus else gpu_unavailable_reason()
        monitor = self.query_one(RunMonitor)
        monitor.flush_redraw()  # the new records in the same frame as the GPU panel
        monitor.show_gpu(samples[-1] if samples else None, samples, reason)
        self.fit_peak.update(self, monitor.paths, monitor.info, samples[-1] if samples else None)

    @work(thread=True, exclusive=True, group="train-discover")
    def find_live_run(self) -> None:
        """Attach to the active run, else to the newest running one."""
        ws = self.tui.workspace
        paths = None
        if self.tui.active_run:
            try:
                paths = find_run(ws, self.tui.active_run)
            except LookupError:
                paths = None
        if paths is None:
            running = [r for r in list_runs(ws) if r.alive]
            paths = running[0].paths if running else None
        if paths is not None:
            self.app.call_from_thread(self.attach, paths)

    def attach(self, paths: RunPaths) -> None:
        self.tui.active_run = paths.run_id
        self.query_one(RunMonitor).attach(paths)
        self.query_one(TabbedContent).active = "tab-monitor"

    # -- the form -------------------------------------------------------------
    def current_config(self) -> TrainConfig:
        return self.query_one(TrainForm).get_config(self.base_config)

    def update_command(self) -> None:
        try:
            cfg = self.current_config()
        except TrainConfigError:
            return
        runs = self.tui.workspace.runs
        text = command(f"{runs}/<run-id>/training_args.yaml")
        self.query_one("#train-command", Static).update(
            f"[b]command[/b] {text}\n[dim]{len(cfg.to_dict())} arguments[/dim]"
        )
        self.query_one(FitPanel).request(cfg)  # debounced, estimated off the UI thread

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "train-yaml-path":
            self.update_command()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.update_command()  # precision, DeepSpeed, finetuning type: the estimate changes

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "train-launch":
            self.launch()
        elif bid == "train-load":
            self.load_yaml()
        elif bid == "train-save":
            self.save_yaml()
