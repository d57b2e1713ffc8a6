"""Launching from the Train form: check the config, derive the automatic fields, start the
run detached in a worker, and show what is wrong beside the fields it is about."""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Button, Static

from screens.train_form import TrainForm
from tui_ft.train import FieldError, RunPaths, TrainConfig, TrainConfigError, start_run, validate


class TrainLaunch:
    """Mixed into TrainScreen (which provides `tui`, `current_config` and `attach`)."""

    class Launched(Message):
        def __init__(
            self, paths: RunPaths | None, error: str = "", fields: list[FieldError] | None = None
        ) -> None:
            super().__init__()
            self.paths, self.error, self.fields = paths, error, fields or []

    def _errors(self, text: str) -> None:
        self.query_one("#train-errors", Static).update(text)

    def _field_errors(self, errors: list[FieldError]) -> None:
        """Each error under its field; the screen's line says how many and lists the rest."""
        rest = self.query_one(TrainForm).show_errors(errors)
        placed = len(errors) - len(rest)
        lines = [f"{placed} field(s) need a fix: see the red lines under them"] if placed else []
        self._errors("[red]" + "\n".join(lines + [str(e) for e in rest]) + "[/red]")

    def launch(self) -> None:
        try:
            cfg = self.current_config()
        except TrainConfigError as exc:
            self._field_errors(exc.errors)
            return
        self.query_one(TrainForm).clear_errors()
        from screens.train_fit import FitPanel

        warning = self.query_one(FitPanel).blocks(cfg)
        if warning:  # the estimate says it won't fit: say so once, launch on the next press
            self._errors(warning)
            return
        self.query_one("#train-launch", Button).disabled = True
        self._errors("checking and launching…")
        self.launch_worker(cfg, self.query_one(TrainForm).auto_fields())

    @work(thread=True, exclusive=True, group="train-launch")
    def launch_worker(self, cfg: TrainConfig, auto: set[str]) -> None:
        from tui_ft.train.config import NEW_RUN
        from tui_ft.train.plan import apply_plan, plan_run

        ws = self.tui.workspace
        try:
            if auto:
                try:
                    plan = plan_run(ws.host, cfg)
                    cfg = apply_plan(cfg, plan, auto)
                    self.plan_text = plan.describe()
                except (LookupError, OSError, ValueError):  # hub data, unreadable: presets
                    for name in auto:
                        setattr(cfg, name, NEW_RUN[name])
                    self.plan_text = ""
            self._launching = cfg
            validate(cfg, ws.host)
            paths = start_run(ws, cfg)
        except TrainConfigError as exc:
            self.post_message(self.Launched(None, "", exc.errors))
            return
        except Exception as exc:
            self.post_message(self.Launched(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Launched(paths))

    def on_train_launch_launched(self, msg: Launched) -> None:
        self.query_one("#train-launch", Button).disabled = False
        if msg.fields:
            self._field_errors(msg.fields)
            return
        if msg.paths is None:
            self._errors(f"[red]{msg.error}[/red]")
            return
        plan = getattr(self, "plan_text", "")
        self._errors(f"launched {msg.paths.run_id}" + (f" · {plan}" if plan else ""))
        cfg = getattr(self, "_launching", None)
        if cfg is not None:
            self.tui.recorder.record("train", run=msg.paths.run_id, config=cfg.to_dict())
        self.attach(msg.paths)
