"""A loopback HTTP server that answers like the chat services' incoming webhooks and
records every POST (path, JSON body, arrival time). Set-up: tests.loopback."""

from __future__ import annotations

import json
import threading
import time

from tests.loopback import LoopbackServer, Request

# What each service answers when it takes a message (and DingTalk's keyword refusal).
ANSWERS = {
    "/slack": b"ok",
    "/feishu": b'{"code":0,"msg":"success","data":{}}',
    "/dingtalk": b'{"errcode":0,"errmsg":"ok"}',
    "/wecom": b'{"errcode":0,"errmsg":"ok"}',
    "/json": b"{}",
    "/refuse": b'{"errcode":310000,"errmsg":"keywords not in content"}',
}


class HookServer(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[tuple[str, dict, float]] = []
        self.lock = threading.Lock()

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

    def handle(self, request: Request, method: str) -> None:
        if method != "POST":
            request.send_error(501)
            return
        length = int(request.headers.get("Content-Length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}")
        assert request.headers.get("Content-Type", "").startswith("application/json")
        with self.lock:
            self.posts.append((request.path, body, time.time()))
        answer = ANSWERS.get(request.path)
        if answer is None:
            request.send_error(404)
            return
        request.send_response(200)
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)
