"""The standard-library SSE client of chat: whole replies, and replies cut mid-stream."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from tui_ft.chat.base import ChatError, ReplyCut
from tui_ft.chat.sse import get_status, stream_events


def _event(text: str) -> bytes:
    return f"data: {json.dumps({'choices': [{'delta': {'content': text}}]})}\n\n".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "whole"

    def do_GET(self) -> None:
        self.send_response(200 if self.headers["Authorization"] == "Bearer k" else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for word in body["words"]:
            chunk = _event(word)
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.flush()
        if Handler.mode == "cut":  # half a chunk, then the connection drops
            self.wfile.write(b"40\r\ndata: {")
            self.wfile.flush()
            self.close_connection = True
            return
        done = b"data: [DONE]\n\n"
        self.wfile.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    Handler.mode = "whole"


def _texts(url: str, words: list[str]) -> list[str]:
    events = stream_events(url, {"words": words}, {}, label="demo")
    return [e["choices"][0]["delta"]["content"] for e in events]


def test_whole_reply_and_status(server):
    assert _texts(f"{server}/v1/chat/completions", ["你", "好", "!"]) == ["你", "好", "!"]
    assert get_status(f"{server}/v1/models", {"Authorization": "Bearer k"}) == 200
    assert get_status(f"{server}/v1/models", {}) == 401
    assert get_status("http://127.0.0.1:9/v1/models", {}) is None  # nothing listens


def test_a_reply_cut_mid_stream_is_reported_as_cut(server):
    Handler.mode = "cut"
    got: list[str] = []
    with pytest.raises(ReplyCut, match="demo: reply cut"):
        for event in stream_events(f"{server}/x", {"words": ["one", "two"]}, {}, label="demo"):
            got.append(event["choices"][0]["delta"]["content"])
    assert got == ["one", "two"]  # what arrived before the cut is kept


def test_nothing_listening_is_a_chat_error_not_a_cut():
    with pytest.raises(ChatError) as info:
        list(stream_events("http://127.0.0.1:9/x", {"words": []}, {}, label="demo"))
    assert not isinstance(info.value, ReplyCut)
