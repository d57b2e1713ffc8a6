"""The Train form: the common LLaMA-Factory arguments as inputs, plus free extra YAML.

`get_config()` reads the widgets into a `TrainConfig` (raising a FieldError-style
TrainConfigError for unparsable numbers); `set_config()` fills them from one.
The fields themselves are listed in `train_form_fields`; completions and the suggested
template come from `train_form_suggest`.
"""

from __future__ import annotations

from typing import Any

import yaml
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Collapsible, Input, Label, Select, Static, TextArea

from screens.train_form_fields import AUTO, AUTO_HINT, FIELDS, GROUPS, parse_value, widget_id
from screens.train_form_suggest import FormSuggestions
from tui_ft.train import FieldError, TrainConfig, TrainConfigError

__all__ = ["AUTO", "AUTO_HINT", "FIELDS", "GROUPS", "TrainForm"]


class TrainForm(FormSuggestions):
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
                yield Select(options, id=widget_id(name), allow_blank=False)
            elif name in AUTO:
                yield Input(id=widget_id(name), placeholder=AUTO_HINT[name])
            else:
                yield Input(id=widget_id(name))
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

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        for label in self.query(f"#err-{name}.shown"):
            label.remove_class("shown")  # the user is fixing it: the old message no longer holds
        if event.input.id == "f-model_name_or_path" and event.value.strip():
            self.suggest_for(event.value.strip())

    def auto_fields(self) -> set[str]:
        """The AUTO fields the user left blank."""
        return {n for n in AUTO if not self.query_one(f"#{widget_id(n)}", Input).value.strip()}

    def clear_auto(self) -> None:
        """Blank the AUTO fields: a new run derives them from its length."""
        for name in AUTO:
            self.query_one(f"#{widget_id(name)}", Input).value = ""

    def set_config(self, cfg: TrainConfig) -> None:
        for name, _label, kind, _choices in FIELDS:
            value = getattr(cfg, name)
            if kind == "choice":
                if name == "deepspeed_stage" and value is None:
                    value = "none"
                self.query_one(f"#{widget_id(name)}", Select).value = value
            else:
                text = "" if value is None else str(value)
                self.query_one(f"#{widget_id(name)}", Input).value = text
        extra = dict(cfg.extra)
        text = yaml.safe_dump(extra, sort_keys=False) if extra else ""
        self.query_one("#f-extra", TextArea).text = text

    def get_config(self, base: TrainConfig | None = None) -> TrainConfig:
        """The form as a config; keys of `base` the form does not show are kept."""
        cfg = TrainConfig.from_dict(base.to_dict()) if base else TrainConfig()
        errors: list[FieldError] = []
        for name, _label, kind, _choices in FIELDS:
            if kind == "choice":
                value = self.query_one(f"#{widget_id(name)}", Select).value
                if name == "deepspeed_stage" and value == "none":
                    value = None
                setattr(cfg, name, value)
                continue
            text = self.query_one(f"#{widget_id(name)}", Input).value.strip()
            if name in AUTO and not text:
                continue  # keeps base's (or the preset's) value until the plan replaces it
            try:
                setattr(cfg, name, parse_value(text, kind))
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
