"""A picker that returns several values: space toggles a row, Enter confirms the selection.

Built on Textual's SelectionList. The selection survives filtering: it is kept here, not
in the list, which only holds the rows the filter shows.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.widgets import SelectionList

from screens.pickers.base import Picker, Row


class _Choices(SelectionList):
    # Enter confirms (SelectionList toggles on Enter by default); space still toggles.
    BINDINGS = [Binding("enter", "confirm", "Done")]  # noqa: RUF012 - Textual's API

    def action_confirm(self) -> None:
        self.screen.confirm()  # type: ignore[attr-defined]


class MultiPicker(Picker[list[Any]]):
    def __init__(self, preselect: list[Any] | None = None) -> None:
        super().__init__(None)
        self.chosen: list[Any] = list(preselect or [])  # in the order they were picked

    def make_list(self) -> SelectionList:
        return _Choices(id="picker-list", compact=True)

    def hint(self) -> str:
        if not self.all_rows:
            return self.EMPTY
        return f"{len(self.all_rows)} · space toggles · enter confirms · / filters · escape closes"

    def fill(self, rows: list[Row]) -> None:
        sel = self.query_one("#picker-list", SelectionList)
        sel.clear_options()
        sel.add_options([(r.label, r.value, r.value in self.chosen) for r in rows])
        if rows:
            sel.highlighted = 0

    @on(SelectionList.SelectionToggled, "#picker-list")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        value = event.selection.value
        if value in self.chosen:
            self.chosen.remove(value)
        else:
            self.chosen.append(value)

    def choose_highlighted(self) -> None:
        """Enter in the filter: back to the list, where space toggles the matches."""
        self.query_one("#picker-list").focus()

    def confirm(self) -> None:
        self.dismiss(list(self.chosen))
