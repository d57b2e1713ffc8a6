"""The Train form: the common LLaMA-Factory arguments as inputs, plus free extra YAML.

`get_config()` reads the widgets into a `TrainConfig` (raising a FieldError-style
TrainConfigError for unparsable numbers); `set_config()` fills them from one.
"""

from __future__ import annotations

from typing import Any

import yaml
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Collapsible, Input, Label, Select, Static, TextArea

from tui_ft.train import FieldError, TrainConfig, TrainConfigError
from tui_ft.train.config import (
    COMPUTE_TYPES,
    FINETUNING_TYPES,
    REPORT_TO,
    SCHEDULERS,
    STAGES,
)

# (field, label, kind, choices): kind is str, int, float, int? / float? (optional) or choice
FIELDS: tuple[tuple[str, str, str, tuple[Any, ...]], ...] = (
    ("model_name_or_path", "model path", "str", ()),
    ("template", "template", "str", ()),
    ("stage", "stage", "choice", STAGES),
    ("finetuning_type", "finetuning type", "choice", FINETUNING_TYPES),
    ("lora_rank", "LoRA rank", "int", ()),
    ("lora_alpha", "LoRA alpha", "int?", ()),
    ("lora_dropout", "LoRA dropout", "float", ()),
    ("lora_target", "LoRA target", "str", ()),
    ("dataset", "datasets (a,b)", "str", ()),
    ("dataset_dir", "dataset dir", "str", ()),
    ("cutoff_len", "cutoff len", "int", ()),
    ("max_samples", "max samples", "int?", ()),
    ("num_train_epochs", "epochs", "float", ()),
    ("max_steps", "max steps", "int?", ()),
    ("learning_rate", "learning rate", "float", ()),
    ("per_device_train_batch_size", "batch size", "int", ()),
    ("gradient_accumulation_steps", "grad accum", "int", ()),
    ("lr_scheduler_type", "scheduler", "choice", SCHEDULERS),
    ("compute_type", "compute type", "choice", COMPUTE_TYPES),
    ("logging_steps", "logging steps", "int?", ()),
    ("save_steps", "save steps", "int?", ()),
    ("val_size", "val size", "float", ()),
    ("report_to", "report to", "choice", REPORT_TO),
    ("deepspeed_stage", "DeepSpeed", "choice", ("none", 0, 2, 3)),
)


AUTO = ("logging_steps", "save_steps")
"""Left blank, these are derived from the planned number of steps at launch (plan.py)."""
AUTO_HINT = {"logging_steps": "auto: ~20 loss points", "save_steps": "auto: 4 checkpoints"}


def _widget_id(name: str) -> str:
    return f"f-{name}"


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Model", ("model_name_or_path", "template")),
    ("Data", ("dataset", "dataset_dir", "cutoff_len", "max_samples")),
    ("Method & LoRA", ("stage", "finetuning_type", "lora_rank", "lora_alpha", "lora_dropout",
                       "lora_target")),
    ("Optimisation", ("num_train_epochs", "max_steps", "learning_rate",
                      "per_device_train_batch_size", "gradient_accumulation_steps",
                      "lr_scheduler_type")),
    ("Output & logging", ("logging_steps", "save_steps", "val_size", "report_to")),
)  # fmt: skip
"""LlamaBoard's grouping; the rest of FIELDS goes into the folded "Advanced" group."""


class TrainForm(VerticalScroll):
    DEFAULT_CLASSES = "enter-next"  # Enter in a field moves to the next one

    def compose(self) -> ComposeResult:
        spec = {f[0]: f for f in FIELDS}
        grouped = {name for _, names in GROUPS for name in names}
        for title, names in GROUPS:
            yield Static(title, classes="form-group-title")
            with Grid(classes="form-grid"):  # label, field, label, field: two per row
                for name in names:
                    yield from self._field(*spec[name])
        with Collapsible(title="Advanced", collapsed=True, id="f-advanced"):
            with Grid(classes="form-grid"):
                for field in FIELDS:
                    if field[0] not in grouped:
                        yield from self._field(*field)
            yield Label("extra arguments (YAML)", classes="form-label")
            yield TextArea("", id="f-extra", language="yaml", classes="form-extra")

    def _field(self, name: str, label: str, kind: str, choices: tuple[Any, ...]) -> ComposeResult:
        yield Label(label, classes="form-label")
        with Vertical(classes="form-cell"):  # the field, and its error on the line below
            if kind == "choice":
                options = [(str(c), c) for c in choices]
                yield Select(options, id=_widget_id(name), allow_blank=False)
            elif name in AUTO:
                yield Input(id=_widget_id(name), placeholder=AUTO_HINT[name])
            else:
                yield Input(id=_widget_id(name))
            yield Label("", id=f"err-{name}", classes="field-error")

    # -- validation errors beside the field they are about ---------------------------------
    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Put each error under its field (unfolding Advanced if needed); returns the errors
        no field shows (extra YAML, cross-field checks) for the screen's error line."""
        self.clear_errors()
        rest = []
        for err in errors:
            found = self.query(f"#err-{err.field}")
            if not found:
                rest.append(err)
                continue
            label = found.first(Label)
            label.update(err.message)
            label.add_class("shown")
            if any(isinstance(a, Collapsible) for a in label.ancestors):
                self.query_one("#f-advanced", Collapsible).collapsed = False
        return rest

    def clear_errors(self) -> None:
        for label in self.query(".field-error.shown"):
            label.remove_class("shown")

    # -- templates: LLaMA-Factory's list completes the field, the model suggests one -------
    class Listed(Message):
        """The workspace's models and healthy datasets, read once for the whole form."""

        def __init__(self, models: list[str], healthy: list[str]) -> None:
            super().__init__()
            self.models, self.healthy = models, healthy

    def on_mount(self) -> None:
        self.load_templates()

    @work(thread=True, exclusive=True, group="form-templates")
    def load_templates(self) -> None:
        """Completion lists: the workspace's models, the registered datasets, the templates."""
        from tui_ft.datasets.info import list_registered
        from tui_ft.lf.templates import template_names

        app = self.app
        try:
            models = app.workspace.list_models()  # type: ignore[attr-defined]
            registered = list_registered(app.host, app.workspace.datasets)  # type: ignore[attr-defined]
        except Exception:  # a lost link or an unreadable dataset_info.json: free text
            models, registered = [], []
        data = [r.name for r in registered]
        self.post_message(self.Listed(models, [r.name for r in registered if r.healthy]))
        for wid, names in (("#f-model_name_or_path", models), ("#f-dataset", data)):
            if names:
                app.call_from_thread(setattr, self.query_one(wid, Input), "suggester",
                                     SuggestFromList(names, case_sensitive=False))  # fmt: skip
        try:
            names = template_names(self.app.host)  # type: ignore[attr-defined]
        except Exception:  # no LLaMA-Factory to ask and no copy: the field stays free text
            return
        suggester = SuggestFromList(names, case_sensitive=False)
        self.app.call_from_thread(setattr, self.query_one("#f-template", Input), "suggester",
                                  suggester)  # fmt: skip

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        for label in self.query(f"#err-{name}.shown"):
            label.remove_class("shown")  # the user is fixing it: the old message no longer holds
        if event.input.id == "f-model_name_or_path" and event.value.strip():
            self.suggest_for(event.value.strip())

    @work(thread=True, exclusive=True, group="form-suggest")
    def suggest_for(self, model: str) -> None:
        """LlamaBoard's rule: the model's name picks the template, unless one was typed."""
        from tui_ft.lf.templates import suggest_template

        try:
            name = suggest_template(model, self.app.host)  # type: ignore[attr-defined]
        except Exception:
            return
        if name:
            self.app.call_from_thread(self._suggested, name)

    def _suggested(self, name: str) -> None:
        field = self.query_one("#f-template", Input)
        if field.value in ("", "default", getattr(self, "_auto_template", None)):
            field.value = self._auto_template = name

    def auto_fields(self) -> set[str]:
        """The AUTO fields the user left blank."""
        return {n for n in AUTO if not self.query_one(f"#{_widget_id(n)}", Input).value.strip()}

    def clear_auto(self) -> None:
        """Blank the AUTO fields: a new run derives them from its length."""
        for name in AUTO:
            self.query_one(f"#{_widget_id(name)}", Input).value = ""

    def set_config(self, cfg: TrainConfig) -> None:
        for name, _label, kind, _choices in FIELDS:
            value = getattr(cfg, name)
            if kind == "choice":
                if name == "deepspeed_stage" and value is None:
                    value = "none"
                self.query_one(f"#{_widget_id(name)}", Select).value = value
            else:
                text = "" if value is None else str(value)
                self.query_one(f"#{_widget_id(name)}", Input).value = text
        extra = dict(cfg.extra)
        text = yaml.safe_dump(extra, sort_keys=False) if extra else ""
        self.query_one("#f-extra", TextArea).text = text

    def get_config(self, base: TrainConfig | None = None) -> TrainConfig:
        """The form as a config; keys of `base` the form does not show are kept."""
        cfg = TrainConfig.from_dict(base.to_dict()) if base else TrainConfig()
        errors: list[FieldError] = []
        for name, _label, kind, _choices in FIELDS:
            if kind == "choice":
                value = self.query_one(f"#{_widget_id(name)}", Select).value
                if name == "deepspeed_stage" and value == "none":
                    value = None
                setattr(cfg, name, value)
                continue
            text = self.query_one(f"#{_widget_id(name)}", Input).value.strip()
            if name in AUTO and not text:
                continue  # keeps base's (or the preset's) value until the plan replaces it
            try:
                setattr(cfg, name, _parse(text, kind))
            except ValueError:
                wanted = "a whole number" if kind.startswith("int") else "a number"
                errors.append(FieldError(name, f"not {wanted}: {text!r}"))
        if cfg.deepspeed_stage is None:
            cfg.deepspeed = None
        raw = self.query_one("#f-extra", TextArea).text
        try:
            extra = yaml.safe_load(raw) or {}
            if not isinstance(extra, dict):
                raise ValueError("expected key: value lines")
        except (yaml.YAMLError, ValueError) as exc:
            errors.append(FieldError("extra", f"not a YAML mapping ({exc})"))
            extra = {}
        known = {f[0] for f in FIELDS}
        typed = TrainConfig.from_dict(extra)
        cfg.extra = typed.extra
        for key in extra:  # a typed argument typed into the extras (output_dir, bf16, ...)
            if key not in known and key not in typed.extra and hasattr(cfg, key):
                setattr(cfg, key, getattr(typed, key, extra[key]))
        if errors:
            raise TrainConfigError(errors, "form")
        return cfg


def _parse(text: str, kind: str) -> Any:
    if kind == "str":
        return text
    if not text and kind.endswith("?"):
        return None
    if kind.startswith("int"):
        return int(text)
    return float(text)
