"""Noticing a dead SSH connection within seconds, reconnecting, and resuming a follow.

paramiko's keepalive only sends packets; over a dead link (a suspended laptop, a box
whose network went away) TCP keeps retrying for minutes. The heartbeat sends a
request that needs an answer and declares the connection lost when none comes in
`timeout` seconds, then reconnects with exponential backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui_ft.host.base import Host, HostError

if TYPE_CHECKING:
    from tui_ft.host.ssh import SSHHost

# "connected", "lost" or "reconnecting", with a human message.
StateCallback = Callable[[str, str], None]


def ping(host: SSHHost, timeout: float) -> bool:
    """True when the box answers a keepalive global request within `timeout` seconds."""
    try:
        transport = host.transport
    except HostError:
        return False
    answered = threading.Event()

    def ask() -> None:
        try:
            transport.global_request("keepalive@openssh.com", wait=True)
        except Exception:  # a broken transport raises here: no answer
            return
        if transport.is_active():
            answered.set()

    threading.Thread(target=ask, name="ssh-ping", daemon=True).start()
    return answered.wait(timeout)


class Heartbeat(threading.Thread):
    def __init__(
        self,
        host: SSHHost,
        *,
        interval: float = 1.0,
        timeout: float = 2.0,
        backoff: tuple[float, float] = (0.5, 15.0),
        on_state: StateCallback | None = None,
    ) -> None:
        super().__init__(name=f"heartbeat-{host.describe()}", daemon=True)
        self.host = host
        self.interval = interval
        self.timeout = timeout
        self.backoff = backoff
        self.on_state = on_state
        self.state = "connected"
        self.losses = 0
        self.up = threading.Event()
        self.up.set()
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def _set(self, state: str, message: str) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state, message)

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            if ping(self.host, self.timeout):
                continue
            if self._stop.is_set():
                return
            self.up.clear()
            self.losses += 1
            self._set("lost", f"connection to {self.host.describe()} lost")
            delay = self.backoff[0]
            while not self._stop.is_set():
                self._set("reconnecting", f"reconnecting to {self.host.describe()} ...")
                try:
                    self.host.reconnect()
                except HostError as exc:
                    self._set("lost", f"{exc}; retrying in {delay:.0f}s")
                    if self._stop.wait(delay):
                        return
                    delay = min(delay * 2, self.backoff[1])
                    continue
                self.up.set()
                self._set("connected", f"reconnected to {self.host.describe()}")
                break


class ResumingFollower:
    """Follows a file across connection losses: on loss it waits for the heartbeat to
    reconnect, then goes on from the last byte offset it handed out."""

    def __init__(self, host: Host, path: str, offset: int = 0) -> None:
        self.host = host
        self.path = path
        self._follower = host.follow(path, offset)
        self.interruptions = 0

    @property
    def offset(self) -> int:
        return self._follower.offset

    def wait(self, timeout: float) -> list[str]:
        """Complete lines within `timeout` seconds; never raises for a lost connection."""
        from tui_ft.host.ssh import ConnectionLost

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                wait = getattr(self._follower, "wait", None)
                if wait is not None:
                    return wait(max(left, 0.0))
                lines = self._follower.poll()
                if lines or left <= 0:
                    return lines
                time.sleep(min(0.1, left))
                continue
            except ConnectionLost:
                self.interruptions += 1
                offset = self._follower.offset
                hb = getattr(self.host, "heartbeat", None)
                if hb is not None:
                    hb.up.wait(max(left, 0.0))
                elif left > 0:
                    time.sleep(min(0.5, left))
                if not getattr(self.host, "connected", True) and left > 0:
                    time.sleep(min(0.1, left))  # the heartbeat has not noticed yet
                self._follower = self.host.follow(self.path, offset)
                if time.monotonic() >= deadline:
                    return []

    def poll(self) -> list[str]:
        return self.wait(0)

    def close(self) -> None:
        close = getattr(self._follower, "close", None)
        if close is not None:
            close()
