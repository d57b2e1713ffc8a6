"""The Train screen's configs from files: load and save a YAML, clone a run's configuration.

Every read and write goes through the host in a worker (over SSH each is round trips); the
form is filled back on the UI thread.
"""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from screens.pickers import RunPicker
from screens.train_form import TrainForm
from tui_ft.train import RunPaths, TrainConfig


class TrainFiles:
    """Mixed into TrainScreen (which provides `tui`, `_errors` and `current_config`)."""

    def _path(self) -> str:
        return self.query_one("#train-yaml-path", Input).value.strip()  # type: ignore[attr-defined]

    def load_yaml(self) -> None:
        path = self._path()
        if not path:
            self._errors("[red]type the YAML's path first[/red]")  # type: ignore[attr-defined]
            return
        self.read_config(path, f"loaded {path}", clone=False)

    def save_yaml(self) -> None:
        path = self._path()
        try:
            cfg = self.current_config()  # type: ignore[attr-defined]
        except ValueError as exc:
            self._errors(f"[red]{exc}[/red]")  # type: ignore[attr-defined]
            return
        base = getattr(self, "base_config", None)
        # the form's config is built anew; the loaded file's text is what keeps its comments
        cfg.source = base.source if base is not None else None
        self.write_config(path, cfg.to_yaml())

    @work(thread=True, exclusive=True, group="train-file")
    def write_config(self, path: str, text: str) -> None:
        try:
            self.tui.host.write_text(path, text)  # type: ignore[attr-defined]
            note = f"saved {path}"
        except (OSError, ValueError) as exc:
            note = f"[red]{exc}[/red]"
        self.app.call_from_thread(self._errors, note)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="train-file")
    def read_config(self, path: str, note: str, clone: bool) -> None:
        try:
            cfg = TrainConfig.from_yaml(self.tui.host.read_text(path), source=path)  # type: ignore[attr-defined]
        except (OSError, ValueError) as exc:
            self.app.call_from_thread(self._errors, f"[red]{exc}[/red]")  # type: ignore[attr-defined]
            return
        if clone:
            cfg = as_new_run(cfg)
        self.app.call_from_thread(self._config_read, cfg, note)  # type: ignore[attr-defined]

    def _config_read(self, cfg: TrainConfig, note: str) -> None:
        self.base_config = cfg  # keys the form does not show are kept on launch
        form = self.query_one(TrainForm)  # type: ignore[attr-defined]
        form.clear_errors()
        form.set_config(cfg)
        self._errors(note)  # type: ignore[attr-defined]
        self.update_command()  # type: ignore[attr-defined]

    # -- clone run ------------------------------------------------------------------------
    def action_clone_run(self) -> None:
        self.action_show_tab("tab-config")  # type: ignore[attr-defined]
        self.app.push_screen(RunPicker(self.tui.workspace), self._clone)  # type: ignore[attr-defined]

    def _clone(self, root: str | None) -> None:
        if root:
            paths = RunPaths(root)
            self.read_config(paths.args, f"cloned {paths.run_id}: change and launch", clone=True)


def as_new_run(cfg: TrainConfig) -> TrainConfig:
    """A run's saved config for a new run: its own output folder, no resume of the old one."""
    cfg.output_dir = ""  # the new run trains into its own folder, never over the old one
    cfg.overwrite_output_dir = False
    cfg.resume_from_checkpoint = None
    if cfg.deepspeed_stage is not None:
        cfg.deepspeed = None  # rewritten into the new run folder at launch
    return cfg
