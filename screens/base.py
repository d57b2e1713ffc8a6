"""What every area screen shares: header, footer, and access to the engine objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

if TYPE_CHECKING:
    from screens.app import TuiFtApp


class AreaScreen(Screen):
    """Base of the area screens; subclasses implement `compose_body`."""

    AREA_TITLE = ""

    @property
    def tui(self) -> TuiFtApp:
        return cast("TuiFtApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield Static("")

    def on_screen_resume(self) -> None:
        self.tui.sub_title = self.tui.status_line(self.AREA_TITLE)


class ComingArea(AreaScreen):
    """An area whose features arrive with a later change: it says what it will hold."""

    WILL_HOLD = ""

    def compose_body(self) -> ComposeResult:
        yield Static(f"[b]{self.AREA_TITLE}[/b]\n\n{self.WILL_HOLD}", classes="coming")
