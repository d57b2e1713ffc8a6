"""A loopback HTTP server that answers like the chat services' incoming webhooks and
records every POST (path, JSON body, arrival time)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What each service answers when it takes a message (and DingTalk's keyword refusal).
ANSWERS = {
    "/slack": b"ok",
    "/feishu": b'{"code":0,"msg":"success","data":{}}',
    "/dingtalk": b'{"errcode":0,"errmsg":"ok"}',
    "/wecom": b'{"errcode":0,"errmsg":"ok"}',
    "/json": b"{}",
    "/refuse": b'{"errcode":310000,"errmsg":"keywords not in content"}',
}


class HookServer:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, float]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> HookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path: str) -> list[dict]:
        with self.lock:
            return [b for p, b, _ in self.posts if p == path]

    def wait_for(self, predicate, timeout: float = 60.0):
        """The first recorded (path, body, time) matching `predicate`, waiting for it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for post in self.posts:
                    if predicate(post):
                        return post
            time.sleep(0.05)
        raise AssertionError(f"no matching webhook POST within {timeout}s: {self.posts}")

    def _handler(self):
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                assert self.headers.get("Content-Type", "").startswith("application/json")
                with hooks.lock:
                    hooks.posts.append((self.path, body, time.time()))
                answer = ANSWERS.get(self.path)
                if answer is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler
