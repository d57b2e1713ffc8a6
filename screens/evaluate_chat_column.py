"""One model's column in the Chat pane: its user turns and streamed replies, and what
arrived of a reply that was cut."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class ChatColumn(VerticalScroll):
    """One model's conversation: user turns and streamed replies."""

    def __init__(self, label: str, **kw) -> None:
        super().__init__(**kw)
        self.label = label
        self.history: list[dict[str, str]] = []
        self.last_pieces = 0  # how many streamed pieces built the last reply
        self.cut: str | None = None  # what arrived of a cut reply; history ends with the ask

    def settle_cut(self) -> None:
        """A new message after a cut: the partial reply becomes the answer (or the ask goes),
        so the roles keep alternating as chat templates require."""
        if self.cut is None:
            return
        if self.cut:
            self.history.append({"role": "assistant", "content": self.cut})
        elif self.history and self.history[-1]["role"] == "user":
            self.history.pop()
        self.cut = None

    def compose(self) -> ComposeResult:
        yield Static(f"[b]{self.label}[/b]", classes="chat-label")

    def add_turn(self, who: str, text: str) -> Static:
        bubble = Static(text, classes=f"chat-{who}", markup=False)
        self.mount(bubble)
        self.scroll_end(animate=False)
        return bubble
