"""Pickers behind form fields: ctrl+o on a field opens its picker, the choice fills it.

A screen mixes in `PickFields`, names its pickable inputs in `PICK_FIELDS` (input id ->
kind) and the field picked when focus is elsewhere in `PICK_DEFAULT`. The field stays an
Input, so a typed path or hub id is still accepted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from screens.pickers.base import Picker
from screens.pickers.datasets import DatasetPicker
from screens.pickers.models import ModelPicker, TemplatePicker
from screens.pickers.runs import AdapterPicker

# Priority: it must work from inside the field it fills.
PICK_BINDING = Binding("ctrl+o", "pick", "Pick", priority=True)


class PickFields:
    PICK_FIELDS: ClassVar[dict[str, str]] = {}  # input id -> model | template | datasets | adapter
    PICK_DEFAULT: ClassVar[str] = ""

    def pick_context(self, wid: str) -> dict[str, str]:
        """What a picker needs from the rest of the form: `model`, `dataset_dir`."""
        return {}

    def action_pick(self) -> None:
        screen: Screen = self  # type: ignore[assignment]
        focused = screen.focused
        if isinstance(focused, Input) and focused.id not in self.PICK_FIELDS:
            # The user is in a field with nothing to pick: say so, stay there.
            kinds = ", ".join(sorted(set(self.PICK_FIELDS.values())))
            screen.notify(f"no picker for this field: type its value (ctrl+o picks: {kinds})")
            return
        wid = focused.id if isinstance(focused, Input) else self.PICK_DEFAULT
        if not wid:
            return
        field = screen.query_one(f"#{wid}", Input)
        kind = self.PICK_FIELDS[wid]
        picker = self.make_picker(kind, field.value.strip(), self.pick_context(wid))
        screen.app.push_screen(picker, lambda value: self._picker_closed(wid, kind, value))

    def _picker_closed(self, wid: str, kind: str, value: Any) -> None:
        """A pick fills the field and puts focus in it, the value in sight. Escape leaves
        focus nowhere, as Escape does in any field, so the next key is a command (1-7
        switch area) and never typed into the field.

        Both again after a refresh: on resume, Textual restores the screen's focus or, when
        there was none, focuses its first focusable widget (AUTO_FOCUS), an Input."""
        screen: Screen = self  # type: ignore[assignment]
        if value is None:
            screen.set_focus(None)
            screen.call_after_refresh(screen.set_focus, None)
            return
        self.on_picked(wid, kind, value)
        field = screen.query_one(f"#{wid}", Input)
        field.focus()
        screen.call_after_refresh(field.focus)

    def make_picker(self, kind: str, current: str, ctx: dict[str, str]) -> Picker:
        app: Any = self.app  # type: ignore[attr-defined]
        if kind == "model":
            return ModelPicker(app.workspace, current)
        if kind == "template":
            return TemplatePicker(app.host, ctx.get("model", ""), current)
        if kind == "datasets":
            names = [n.strip() for n in current.split(",") if n.strip()]
            return DatasetPicker(app.host, ctx.get("dataset_dir") or app.workspace.datasets, names)
        if kind == "adapter":
            return AdapterPicker(app.workspace, current)
        raise ValueError(f"no picker for {kind!r}")

    def on_picked(self, wid: str, kind: str, value: Any) -> None:
        """Fill the field; screens extend this (an adapter also names its base model)."""
        text = ",".join(value) if kind == "datasets" else getattr(value, "path", value)
        self.query_one(f"#{wid}", Input).value = str(text)  # type: ignore[attr-defined]
