"""The Chat pane: one or two models (base | fine-tuned) streaming replies side by side.

A reply cut mid-stream (the link dropped, the server died) stays in the transcript as it
arrived, marked as cut; `r` (in the footer while one is pending) sends the same messages
again. Over SSH the backend re-makes its forward first, so a retry after a reconnect
reaches the same server.

This module lays out the pane and starts and stops the models; `evaluate_chat_send` sends
and streams, `evaluate_chat_column` is one model's column.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from screens.evaluate_chat_column import ChatColumn
from screens.evaluate_chat_send import ChatSending, astream
from screens.widgets.quiet_progress import QuietProgressBar
from tui_ft.chat.base import ChatBackend, ChatError
from tui_ft.chat.server import LlamaFactoryServer

__all__ = ["ChatColumn", "ChatPane", "astream"]


class ChatPane(ChatSending):
    BINDINGS = [Binding("r", "retry", "Retry cut reply")]  # noqa: RUF012 - Textual's API

    class Status(Message):
        def __init__(self, text: str, ready: bool | None = None) -> None:
            self.text, self.ready = text, ready
            super().__init__()

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.backends: list[ChatBackend] = []

    def compose(self) -> ComposeResult:
        # One-line labelled fields, several per row (the labels say what a bare number is).
        with Horizontal(classes="chat-row enter-next"):
            yield Label("model", classes="chat-field-label")
            yield Input(placeholder="model folder, name or .gguf", id="chat-model")
            yield Label("adapter", classes="chat-field-label")
            yield Input(placeholder="run or adapter folder (optional)", id="chat-adapter")
        with Horizontal(classes="chat-row"):
            yield Label("template", classes="chat-field-label")
            yield Input("default", placeholder="template", id="chat-template")
            yield Checkbox("side by side", id="chat-side")
            yield Button("Start", id="chat-start", variant="primary")
            yield Button("Stop", id="chat-stop")
        with Horizontal(classes="chat-row enter-next"):
            yield Label("system", classes="chat-field-label")
            yield Input(placeholder="system prompt", id="chat-system")
        with Horizontal(classes="chat-row enter-next"):
            yield Label("temperature", classes="chat-num-label")
            yield Input("0", placeholder="temperature", id="chat-temperature")
            yield Label("top-p", classes="chat-num-label")
            yield Input("1.0", placeholder="top_p", id="chat-top-p")
            yield Label("max tokens", classes="chat-num-label")
            yield Input("128", placeholder="max_new_tokens", id="chat-max-tokens")
        with Horizontal(id="chat-state"):
            yield Static("no model started", id="chat-status")
            yield QuietProgressBar(id="chat-progress", show_percentage=False)
        yield Horizontal(id="chat-columns")
        yield Input(placeholder="message (enter sends)", id="chat-prompt", disabled=True)

    def on_mount(self) -> None:
        # An indeterminate ProgressBar animates forever: shown only while loading.
        self.query_one("#chat-progress", ProgressBar).display = False

    # -- starting and stopping --------------------------------------------------
    @on(Button.Pressed, "#chat-start")
    def start_models(self) -> None:
        from screens.evaluate import make_backends

        self.stop_models()
        try:
            self.backends = make_backends(
                self.screen,
                self.query_one("#chat-model", Input).value.strip(),
                self.query_one("#chat-adapter", Input).value.strip() or None,
                self.query_one("#chat-template", Input).value.strip() or "default",
                self.query_one("#chat-side", Checkbox).value,
            )
        except (ChatError, ValueError) as exc:
            self.post_message(self.Status(f"[red]{exc}[/red]", ready=False))
            return
        columns = self.query_one("#chat-columns", Horizontal)
        columns.remove_children()
        columns.mount_all(ChatColumn(b.label, classes="chat-column") for b in self.backends)
        bar = self.query_one("#chat-progress", ProgressBar)
        bar.update(total=None)
        bar.display = True  # animates while the models load; hidden again when they are up
        self._start_worker(list(self.backends))

    @work(thread=True, exclusive=True, group="chat-start")
    def _start_worker(self, backends: list[ChatBackend]) -> None:
        try:
            for b in backends:
                if isinstance(b, LlamaFactoryServer):  # reports its loading stages
                    b.start(lambda s, lb=b.label: self.post_message(self.Status(f"{lb}: {s}")))
                else:
                    b.start()
        except ChatError as exc:
            for b in backends:
                b.close()
            self.post_message(self.Status(f"[red]{exc}[/red]", ready=False))
            return
        names = " | ".join(b.label for b in backends)
        self.post_message(self.Status(f"ready: {names}", ready=True))

    @on(Status)
    def _show_status(self, msg: Status) -> None:
        self.query_one("#chat-status", Static).update(msg.text)
        if msg.ready is not None:
            bar = self.query_one("#chat-progress", ProgressBar)
            bar.update(total=1, progress=1)
            bar.display = False
            prompt = self.query_one("#chat-prompt", Input)
            prompt.disabled = not msg.ready
            if msg.ready:
                prompt.focus()

    @on(Button.Pressed, "#chat-stop")
    def _stop_pressed(self) -> None:
        self.stop_models()
        self.post_message(self.Status("stopped", ready=False))

    def stop_models(self, *, wait: bool = False) -> None:
        """Stop every started backend (in a thread unless `wait`): no orphan servers."""
        self.workers.cancel_group(self, "chat-send")
        backends, self.backends = self.backends, []
        if not backends:
            return
        if wait:
            for b in backends:
                b.close()
        else:
            self._close_worker(backends)

    @work(thread=True, group="chat-stop")
    def _close_worker(self, backends: list[ChatBackend]) -> None:
        for b in backends:
            b.close()
