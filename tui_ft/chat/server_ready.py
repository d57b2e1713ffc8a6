"""Starting a chat server: a free port on its host, then wait until it answers.

While the model loads, the server's log is followed and its stages shown; a server that
exits or never answers is a `ChatError` naming its log.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tui_ft.chat.base import ChatError
from tui_ft.chat.sse import get_status
from tui_ft.host.base import Host

Progress = Callable[[str], None]

# Log markers -> what the user sees while the server loads.
_STAGES = (
    ("Loading", "loading the model"),
    ("all params", "model loaded"),
    ("Loaded adapter", "adapter loaded"),
    ("Waiting for application startup", "starting the HTTP server"),
    ("Uvicorn running", "listening"),
)
_FREE_PORT = (
    "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
)


def free_port(host: Host) -> int:
    """A port free on `host`'s loopback now (the server binds it a moment later)."""
    if not host.is_remote:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])
    res = host.run([host.python, "-c", _FREE_PORT], timeout=30).check()
    return int(res.stdout.strip())


def wait_ready(
    host: Host,
    *,
    pid: int,
    log_path: str,
    base_url: str | None,
    api_key: str,
    label: str,
    ready_timeout: float,
    progress: Progress | None,
) -> None:
    """Block until `GET /v1/models` answers 200; raise ChatError if the server dies or stalls."""
    follower = host.follow(log_path)
    tail: list[str] = []
    deadline = time.monotonic() + ready_timeout
    headers = {"Authorization": f"Bearer {api_key}"}
    while True:
        for line in follower.poll():
            tail = [*tail[-19:], line]
            for marker, stage in _STAGES:
                if marker in line and progress:
                    progress(stage)
        if get_status(f"{base_url}/v1/models", headers) == 200:
            if progress:
                progress("ready")
            return
        if not host.is_alive(pid):
            last = " | ".join(ln.strip() for ln in tail[-3:] if ln.strip()) or "no output"
            raise ChatError(f"{label}: the API server exited: {last} ({log_path})")
        if time.monotonic() > deadline:
            raise ChatError(
                f"{label}: the API server was not ready after {ready_timeout:.0f}s ({log_path})"
            )
        time.sleep(0.5)
