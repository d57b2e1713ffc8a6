"""A modal list to choose from: rows read from the host in a worker, `/` filters, Enter picks.

Subclasses implement `rows()` (called in a thread: over SSH a listing is round trips, and
the UI must never wait on the link) and get back the chosen row's value from `dismiss`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.widgets.footer import Footer

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One choice: what the list shows (fixed-width columns) and what picking it returns."""

    label: str
    value: Any
    search: str = ""  # the text `/` matches; the label when empty

    def matches(self, needle: str) -> bool:
        return needle.lower() in (self.search or self.label).lower()


class Picker(ModalScreen[T | None], Generic[T]):
    TITLE = "Pick"
    HEADER = ""  # column titles above the rows
    EMPTY = "nothing to pick"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("escape", "close", "Close"),
        Binding("slash", "filter", "Filter"),
    ]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker #picker-box {
        width: 90%; max-width: 110; height: 80%; max-height: 30;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Picker #picker-title { text-style: bold; color: $accent; }
    Picker #picker-header { color: $text-muted; }
    Picker #picker-list { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    Picker #picker-state { color: $text-muted; }
    """

    def __init__(self, preselect: Any = None) -> None:
        super().__init__()
        self.preselect = preselect  # the value to highlight first (the field's current one)
        self.all_rows: list[Row] = []
        self.shown: list[Row] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(self.TITLE, id="picker-title")
            yield Input(placeholder="/ filter", id="picker-filter", compact=True)
            yield Static(self.HEADER, id="picker-header", markup=False)
            yield self.make_list()
            yield Static("reading…", id="picker-state")
        # Its own footer, over the area's: a Footer lists its own screen's keys, and the
        # area's ("/ Filter log") do nothing while the picker is open.
        yield Footer(compact=True, show_command_palette=False)

    def make_list(self) -> OptionList:
        return OptionList(id="picker-list", compact=True)

    def on_mount(self) -> None:
        self.query_one("#picker-filter", Input).cursor_blink = False
        self.query_one("#picker-list").focus()
        self.load()

    def rows(self) -> list[Row]:
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="picker")
    def load(self) -> None:
        try:
            rows, error = self.rows(), ""
        except Exception as exc:  # a lost link, an unreadable file: say so, keep the modal
            rows, error = [], f"{type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._loaded, rows, error)

    def _loaded(self, rows: list[Row], error: str) -> None:
        self.all_rows = rows
        self.refilter()
        state = f"[red]{error}[/red]" if error else self.hint()
        self.query_one("#picker-state", Static).update(state)

    def hint(self) -> str:
        if not self.all_rows:
            return self.EMPTY
        return f"{len(self.all_rows)} · enter picks · / filters · escape closes"

    def refilter(self) -> None:
        needle = self.query_one("#picker-filter", Input).value.strip()
        self.shown = [r for r in self.all_rows if r.matches(needle)]
        self.fill(self.shown)

    def fill(self, rows: list[Row]) -> None:
        opts = self.query_one("#picker-list", OptionList)
        opts.clear_options()
        opts.add_options([Option(r.label) for r in rows])
        values = [r.value for r in rows]
        if rows:
            opts.highlighted = values.index(self.preselect) if self.preselect in values else 0

    @on(Input.Changed, "#picker-filter")
    def _filter_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#picker-filter")
    def _filter_submitted(self) -> None:
        self.choose_highlighted()

    def on_key(self, event) -> None:
        """Up and down in the filter move the list's highlight (as in a fuzzy finder)."""
        if self.focused is not self.query_one("#picker-filter") or event.key not in ("up", "down"):
            return
        opts = self.query_one("#picker-list", OptionList)
        opts.action_cursor_up() if event.key == "up" else opts.action_cursor_down()
        event.stop()

    def choose_highlighted(self) -> None:
        index = self.query_one("#picker-list", OptionList).highlighted
        if index is not None and index < len(self.shown):
            self.dismiss(self.shown[index].value)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.shown):
            self.dismiss(self.shown[event.option_index].value)

    def action_filter(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
