"""One loopback HTTP server set-up for the tests' fake services (hubs, webhooks).

A subclass defines `handle(request, method)`; this class owns the threaded server on
127.0.0.1, its start and stop, and the replies every fake needs: JSON, 404, and a
file served with byte ranges that can be cut halfway once, as a flaky link would.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Request(BaseHTTPRequestHandler):
    """The handler: hands every request to its server's `LoopbackServer.handle`."""

    owner: LoopbackServer

    def log_message(self, *args: Any) -> None:  # quiet: the tests print what matters
        pass

    def _dispatch(self, method: str) -> None:
        self.owner.requests.append((method, self.path))
        self.owner.handle(self, method)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def send_json(self, value: Any, status: int = 200) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_file(
        self, data: bytes, *, head: bool = False, cut: bool = False, headers: dict | None = None
    ) -> None:
        """`data` from the Range's start (206) or whole (200); `cut`: half of it, then close."""
        rng = self.headers.get("Range") or ""
        start = int(rng[6:].split("-")[0]) if rng.startswith("bytes=") else 0
        self.send_response(206 if start else 200)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if head:
            return
        body = data[start:]
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1, started and stopped as a context manager."""

    def __init__(self) -> None:
        handler = type("Handler", (Request,), {"owner": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.requests: list[tuple[str, str]] = []  # (method, path) of everything asked

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: Request, method: str) -> None:
        raise NotImplementedError
