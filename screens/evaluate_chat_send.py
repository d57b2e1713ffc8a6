"""Sending in the Chat pane: a message (or the retry of a cut reply) to every column, each
reply streamed from its backend in a thread and shown as it arrives."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

from textual import on, work
from textual.containers import Vertical
from textual.widgets import Input

from screens.evaluate_chat_column import ChatColumn
from tui_ft.chat.base import ChatBackend, ChatError, ChatParams, ReplyCut


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


class ChatSending(Vertical):
    """The sending part of `ChatPane`, which lays out the fields and starts `backends`."""

    backends: list[ChatBackend]

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
