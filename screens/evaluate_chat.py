"""The Chat pane: one or two models (base | fine-tuned) streaming replies side by side.

A reply cut mid-stream (the link dropped, the server died) stays in the transcript as it
arrived, marked as cut; `r` (in the footer while one is pending) sends the same messages
again. Over SSH the backend re-makes its forward first, so a retry after a reconnect
reaches the same server.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from screens.widgets.quiet_progress import QuietProgressBar
from tui_ft.chat.base import ChatBackend, ChatError, ChatParams, ReplyCut
from tui_ft.chat.server import LlamaFactoryServer


async def astream(
    backend: ChatBackend, messages: list[dict[str, str]], params: ChatParams
) -> AsyncIterator[str]:
    """A backend's blocking stream as an async iterator; cancelling stops the thread too."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
    stop = threading.Event()

    def pump() -> None:
        gen = backend.stream(messages, params)
        try:
            for piece in gen:
                if stop.is_set():
                    break
                loop.call_soon_threadsafe(queue.put_nowait, ("piece", piece))
        except Exception as exc:
            loop.call_soon_threadsafe(queue.put_nowait, ("error", exc))
        finally:
            gen.close()  # closes the HTTP response
            loop.call_soon_threadsafe(queue.put_nowait, ("end", None))

    threading.Thread(target=pump, name=f"chat-{backend.label}", daemon=True).start()
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            yield str(value)
    finally:
        stop.set()


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


class ChatPane(Vertical):
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

    # -- parameters -----------------------------------------------------------
    def params(self) -> ChatParams:
        def num(wid: str, default: float) -> float:
            try:
                return float(self.query_one(wid, Input).value)
            except ValueError:
                return default

        system = self.query_one("#chat-system", Input).value.strip() or None
        return ChatParams(
            temperature=num("#chat-temperature", 0.0),
            top_p=num("#chat-top-p", 1.0),
            max_new_tokens=int(num("#chat-max-tokens", 128)),
            system=system,
        )

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

    # -- chatting -------------------------------------------------------------
    @on(Input.Submitted, "#chat-prompt")
    def _send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or not self.backends:
            return
        event.input.value = ""
        self._send_worker(text, self.params())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":  # shown in the footer only while a cut reply waits
            return any(c.cut is not None for c in self.query(ChatColumn))
        return True

    def action_retry(self) -> None:
        if self.backends and any(c.cut is not None for c in self.query(ChatColumn)):
            self._send_worker(None, self.params())

    @work(exclusive=True, group="chat-send")
    async def _send_worker(self, text: str | None, params: ChatParams) -> None:
        """Send `text` to every column, or (None) resend the asks whose reply was cut."""
        columns = list(self.query(ChatColumn))
        for backend, column in zip(self.backends, columns, strict=False):
            if text is None:
                if column.cut is None or not column.history:
                    continue
                column.cut = None
                column.add_turn("user", f"↻ {column.history[-1]['content']}")
            else:
                column.settle_cut()
                column.add_turn("user", text)
                column.history.append({"role": "user", "content": text})
            await self._reply(backend, column, params)
        self.refresh_bindings()
        cut = next((c for c in columns if c.cut is not None), None)
        prompt = self.query_one("#chat-prompt", Input)
        if cut is not None and (prompt.has_focus and not prompt.value):
            cut.focus()  # r works (and shows in the footer) here; i goes back to typing

    async def _reply(self, backend: ChatBackend, column: ChatColumn, params: ChatParams) -> None:
        """Stream one reply to the column's history (which ends with the user's ask)."""
        bubble = column.add_turn("bot", "…")
        reply = ""
        column.last_pieces = 0
        try:
            async for piece in astream(backend, column.history, params):
                reply += piece
                column.last_pieces += 1
                bubble.update(reply)
                column.scroll_end(animate=False)
        except ReplyCut as exc:
            column.cut = exc.partial or reply  # the ask stays: r sends it again
            bubble.update(f"{column.cut}\n✂ reply cut: {exc} · r: retry")
            bubble.add_class("chat-cut")
            column.scroll_end(animate=False)
            return
        except ChatError as exc:
            bubble.update(f"[error] {exc}")
            column.history.pop()
            return
        column.history.append({"role": "assistant", "content": reply})
