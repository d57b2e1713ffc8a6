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

from tui_ft.host.base import ConnectionLost, Host, HostError, LinkStatus

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
    """Pings every `interval` s; on no answer in `timeout` s (or when a call reports a
    dead transport through `host.lost`), drops the transport and reconnects with
    exponential backoff, publishing each step as `host.link` (attempt, next retry)."""

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
        self.up = host._up  # set while the link is up (ResumingFollower waits on it)
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        self.host.wake.set()

    def _set(self, state: str, message: str) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state, message)

    def run(self) -> None:
        host = self.host
        while not self._stop.is_set():
            host.wake.wait(self.interval)
            host.wake.clear()
            if self._stop.is_set():
                return
            gen = host.generation
            if host.link.up and ping(host, self.timeout):
                continue
            if self._stop.is_set():
                return
            # Same path for a ping without answer (a frozen link) and a call that saw
            # the transport die: the transport is dropped, then we reconnect.
            host.lost(f"no answer from {host.describe()} in {self.timeout:g}s", gen)
            self.losses += 1
            self._set("lost", f"connection to {host.describe()} lost")
            self._reconnect()

    def _reconnect(self) -> None:
        host = self.host
        delay, attempt = self.backoff[0], 0
        while not self._stop.is_set():
            attempt += 1
            host.set_link(LinkStatus("reconnecting", attempt, None, host.link.message))
            self._set("reconnecting", f"reconnecting to {host.describe()} ...")
            try:
                host.reconnect()
            except Exception as exc:  # HostError, or paramiko's own during a dying handshake
                retry_at = time.monotonic() + delay
                host.set_link(LinkStatus("reconnecting", attempt, retry_at, str(exc)))
                self._set("lost", f"{exc}; retrying in {delay:.0f}s")
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self.backoff[1])
                continue
            host.wake.clear()  # losses reported by calls on the old connection are done
            self._set("connected", f"reconnected to {host.describe()}")
            return


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
                if not self.host.wait_up(max(left, 0.0)) and left > 0:
                    time.sleep(min(0.1, left))
                self._follower = self.host.follow(self.path, offset)
                if time.monotonic() >= deadline:
                    return []

    def poll(self) -> list[str]:
        return self.wait(0)

    def close(self) -> None:
        close = getattr(self._follower, "close", None)
        if close is not None:
            close()
