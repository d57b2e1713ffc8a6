"""The chat servers this process started, and stopping them all on the way out.

`close_all` runs at interpreter exit and on SIGTERM/SIGHUP, so no server outlives the
process that started it (a SIGKILL is left to the local watchdog).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_ft.chat.server import LlamaFactoryServer

_LIVE: dict[int, LlamaFactoryServer] = {}
_LIVE_LOCK = threading.Lock()
_HOOKS_INSTALLED = False


def register(server: LlamaFactoryServer) -> None:
    with _LIVE_LOCK:
        _LIVE[id(server)] = server


def unregister(server: LlamaFactoryServer) -> None:
    with _LIVE_LOCK:
        _LIVE.pop(id(server), None)


def close_all() -> None:
    """Stop every server this process started (atexit and signal clean-up)."""
    with _LIVE_LOCK:
        servers = list(_LIVE.values())
    for server in servers:
        with contextlib.suppress(Exception):  # best effort on the way out
            server.close()


def live_servers() -> list[LlamaFactoryServer]:
    with _LIVE_LOCK:
        return list(_LIVE.values())


def install_hooks() -> None:
    global _HOOKS_INSTALLED
    if _HOOKS_INSTALLED:
        return
    _HOOKS_INSTALLED = True
    atexit.register(close_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _on_signal)


def _on_signal(signum: int, frame: object) -> None:
    close_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
