"""A chat reply cut mid-stream stays in the transcript, marked as cut, and `r` resends.

A loopback server speaks the OpenAI streaming API the LLaMA-Factory server speaks; its
first reply drops the connection halfway through a chunk. The backend is the real
LlamaFactoryServer client (its server already up at the loopback URL), driven by keys.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from textual.widgets import Input

from screens.evaluate_chat import ChatColumn, ChatPane
from tests.apps import local_app, until
from tui_ft.chat.server import LlamaFactoryServer
from tui_ft.host import LocalHost


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _event(text: str) -> bytes:
    return f"data: {json.dumps({'choices': [{'delta': {'content': text}}]})}\n\n".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    asked: list[dict] = []  # noqa: RUF012 - the bodies received, in order
    cuts = 1  # how many replies are cut before one goes through

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.asked.append(body)
        self.send_response(200 if self.headers["Authorization"] == "Bearer k" else 401)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cut = len(Handler.asked) <= Handler.cuts
        for word in ["half ", "a "] if cut else ["a ", "whole ", "reply"]:
            self.wfile.write(_chunk(_event(word)))
            self.wfile.flush()
        if cut:  # half a chunk, then the connection drops
            self.wfile.write(b"40\r\ndata: {")
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(_chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    Handler.asked, Handler.cuts = [], 1
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def open_chat(app, pilot, url: str) -> tuple[ChatPane, ChatColumn]:
    pane = app.screen.query_one(ChatPane)
    backend = LlamaFactoryServer(LocalHost(), "/models/demo", label="demo")
    backend.base_url, backend.api_key = url, "k"  # the server is up at the loopback URL
    pane.backends = [backend]
    column = ChatColumn("demo", classes="chat-column")
    await pane.query_one("#chat-columns").mount(column)
    pane.post_message(ChatPane.Status("ready: demo", ready=True))
    await until(pilot, lambda: app.focused and app.focused.id == "chat-prompt", "the prompt")
    return pane, column


def bubbles(column: ChatColumn, who: str) -> list[str]:
    return [str(b.render()) for b in column.query(f".chat-{who}")]


async def test_a_cut_reply_is_kept_marked_and_r_resends_the_question(tmp_path, api):
    app = local_app(tmp_path, "evaluate")
    async with app.run_test(size=(120, 40)) as pilot:
        _pane, column = await open_chat(app, pilot, api)
        await pilot.press(*"who are you", "enter")
        await until(pilot, lambda: column.cut is not None, "the cut")
        assert bubbles(column, "bot")[-1].startswith("half a \n✂ reply cut: demo: reply cut")
        assert "r: retry" in bubbles(column, "bot")[-1]
        assert column.query(".chat-cut")
        # the footer offers r (focus left the empty message box for the transcript)
        assert app.focused is column
        retry = app.screen.active_bindings.get("r")
        assert retry is not None and retry.enabled and retry.binding.show
        await pilot.press("r")
        await until(pilot, lambda: bubbles(column, "bot")[-1] == "a whole reply", "the retry")
        assert len(Handler.asked) == 2
        assert Handler.asked[1]["messages"] == Handler.asked[0]["messages"]
        assert Handler.asked[1]["messages"][-1] == {"role": "user", "content": "who are you"}
        assert bubbles(column, "user") == ["who are you", "↻ who are you"]
        assert column.history == [
            {"role": "user", "content": "who are you"},
            {"role": "assistant", "content": "a whole reply"},
        ]
        assert column.cut is None and "r" not in app.screen.active_bindings  # nothing to retry
        await pilot.press("r")  # does nothing now
        await pilot.pause()
        assert len(Handler.asked) == 2


async def test_a_new_message_after_a_cut_keeps_the_roles_alternating(tmp_path, api):
    app = local_app(tmp_path, "evaluate")
    async with app.run_test(size=(80, 24)) as pilot:
        pane, column = await open_chat(app, pilot, api)
        prompt = pane.query_one("#chat-prompt", Input)
        await pilot.press(*"hi", "enter")
        await until(pilot, lambda: column.cut is not None, "the cut")
        await pilot.press("i")  # back to the message box (Evaluate's key)
        assert app.focused is prompt
        await pilot.press(*"and now", "enter")
        await until(pilot, lambda: bubbles(column, "bot")[-1] == "a whole reply", "the reply")
        roles = [m["role"] for m in Handler.asked[-1]["messages"]]
        assert roles == ["user", "assistant", "user"]
        assert Handler.asked[-1]["messages"][1]["content"] == "half a "  # what arrived
