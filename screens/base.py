"""What every area screen shares: header, footer, and access to the engine objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static, TabbedContent

from screens.link import LinkBanner
from screens.widgets.footer import Footer

if TYPE_CHECKING:
    from screens.app import TuiFtApp


class AreaScreen(Screen):
    """Base of the area screens; subclasses implement `compose_body`."""

    AREA_TITLE = ""
    # Non-priority: an open dropdown (Select) or dialog sees escape first and closes.
    BINDINGS = [Binding("escape", "leave", "Leave input", show=False)]  # noqa: RUF012

    @property
    def tui(self) -> TuiFtApp:
        return cast("TuiFtApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield LinkBanner()  # "reconnecting… (attempt n, next in s)" while the link is down
        yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still works

    def compose_body(self) -> ComposeResult:
        yield Static("")

    def on_mount(self) -> None:
        # Textual calls this as well as a subclass's on_mount (handlers run along the MRO).
        # One-line inputs, selects and buttons: a field per row, so forms fit 80x24.
        for widget in self.query("Input, Select, Button"):
            widget.compact = True  # type: ignore[attr-defined]
        # A blinking cursor redraws twice a second forever: an idle TUI should cost nothing.
        for field in self.query("Input, TextArea"):
            field.cursor_blink = False  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        self.tui.sub_title = self.tui.status_line(self.AREA_TITLE)
        for banner in self.query(LinkBanner):
            banner.wake()

    def on_screen_suspend(self) -> None:
        for banner in self.query(LinkBanner):
            banner.sleep()

    def action_press(self, selector: str) -> None:
        """A key for a button: the same checks (disabled) and handler as a click."""
        try:
            button = self.query_one(selector, Button)
        except NoMatches:
            return
        if button.disabled:
            self.app.bell()
            return
        button.press()

    def action_show_tab(self, pane: str) -> None:
        for tabs in self.query(TabbedContent):
            if tabs.query(f"#{pane}"):
                tabs.active = pane

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a form field moves to the next field (forms are marked `enter-next`)."""
        if any(node.has_class("enter-next") for node in event.input.ancestors):
            self.focus_next()

    def action_leave(self) -> None:
        """Escape: close the key help, else give up focus so 1-7 and single keys work."""
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.set_focus(None)


class ComingArea(AreaScreen):
    """An area whose features arrive with a later change: it says what it will hold."""

    WILL_HOLD = ""

    def compose_body(self) -> ComposeResult:
        yield Static(f"[b]{self.AREA_TITLE}[/b]\n\n{self.WILL_HOLD}", classes="coming")
