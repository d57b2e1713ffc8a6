"""The SSH connection and its link state: (re)connect, drop, and tell who listens.

One place decides the link is down (`lost`): it drops the transport so every call in
flight fails at once and wakes the heartbeat, which reconnects.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui_ft.host.base import ConnectionLost, Host, LinkCallback, LinkStatus
from tui_ft.host.knownhosts import KnownHosts
from tui_ft.host.sshconfig import SSHTarget
from tui_ft.host.sshconnect import AskSecret, Connection, Credentials, open_connection

if TYPE_CHECKING:
    import paramiko

    from tui_ft.host.heartbeat import Heartbeat


class SSHLink(Host):
    """The connection state of an `SSHHost`; commands and files build on it."""

    def __init__(
        self,
        target: SSHTarget,
        *,
        ask_password: AskSecret | None = None,
        ask_passphrase: AskSecret | None = None,
        known_hosts: KnownHosts | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.target = target
        self.name = target.alias or target.describe()
        self.known_hosts = known_hosts or KnownHosts()
        self.timeout = timeout
        self.creds = Credentials(ask_password, ask_passphrase)
        self._hop_creds: dict[str, Credentials] = {}
        self._lock = threading.RLock()  # held only briefly: connection and link state
        self._sftp_lock = threading.Lock()
        # One SFTP request at a time: paramiko's client drops a response another thread
        # read for it, and that thread then waits forever (seen as a hung screen).
        self._sftp_io = threading.RLock()
        self._conn: Connection | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._home: str | None = None
        self.heartbeat: Heartbeat | None = None
        self.generation = 0  # bumped on every (re)connect, followers compare it
        self._link = LinkStatus("down", message="not connected")
        self._link_subs: list[LinkCallback] = []
        self._up = threading.Event()
        self.wake = threading.Event()  # set when a call finds the link dead: the heartbeat acts

    # -- connection -------------------------------------------------------------
    def connect(self) -> None:
        conn = open_connection(
            self.target,
            self.creds,
            self.known_hosts,
            timeout=self.timeout,
            hop_creds=self._hop_creds,
        )
        with self._lock:
            old, self._conn, self._sftp = self._conn, conn, None
            self.generation += 1
        if old is not None:
            old.close()
        self.set_link(LinkStatus("up", message=f"connected to {self.describe()}"))

    def reconnect(self) -> None:
        """Drop the old transport (dead or not) and open a new one with the same secrets."""
        self.connect()

    # -- the link state: one place decides it is down ----------------------------
    @property
    def link(self) -> LinkStatus:
        return self._link

    def on_link(self, callback: LinkCallback) -> Callable[[], None]:
        with self._lock:
            self._link_subs.append(callback)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._link_subs.remove(callback)

        return unsubscribe

    def set_link(self, status: LinkStatus) -> None:
        """Record a new link state and tell the subscribers (heartbeat and calls use it)."""
        with self._lock:
            old, self._link = self._link, status
            subs = list(self._link_subs)
        if status.up:
            self._up.set()
        else:
            self._up.clear()
        if (old.state, old.attempt, old.next_retry_at) == (
            status.state,
            status.attempt,
            status.next_retry_at,
        ):
            return
        for callback in subs:
            with contextlib.suppress(Exception):  # a subscriber's bug must not stop the link
                callback(status)

    def wait_up(self, timeout: float) -> bool:
        return self._up.wait(max(timeout, 0.0))

    def lost(self, reason: str, generation: int | None = None) -> ConnectionLost:
        """The transport of `generation` died: drop it so every call in flight fails now
        (a frozen link would otherwise hold them for minutes), mark the link lost and
        wake the heartbeat. Returns the error to raise.

        A loss seen on an older generation (a channel of a connection already
        replaced) changes nothing.
        """
        with self._lock:
            stale = generation is not None and generation != self.generation
            conn = None
            if not stale:
                conn, self._conn, self._sftp = self._conn, None, None
        if not stale:
            if conn is not None:
                threading.Thread(target=conn.close, name="ssh-drop", daemon=True).start()
            if self._link.up:
                hb = self.heartbeat
                state = "reconnecting" if hb is not None and hb.is_alive() else "down"
                self.set_link(LinkStatus(state, message=reason))
            self.wake.set()
        return ConnectionLost(reason)

    @property
    def host_key(self) -> paramiko.PKey:
        return self._connection().host_key

    @property
    def connected(self) -> bool:
        conn = self._conn
        return conn is not None and conn.transport.is_active()

    def _connection(self) -> Connection:
        conn = self._conn
        if conn is None or not conn.transport.is_active():
            raise self.lost(f"connection to {self.describe()} lost", self.generation)
        return conn

    @property
    def transport(self) -> paramiko.Transport:
        return self._connection().transport

    def start_heartbeat(self, **kwargs) -> Heartbeat:
        """Probe the connection every second and reconnect with backoff when it dies."""
        from tui_ft.host.heartbeat import Heartbeat

        if self.heartbeat is None:
            self.heartbeat = Heartbeat(self, **kwargs)
            self.heartbeat.start()
        return self.heartbeat

    def close(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        with self._lock:
            conn, self._conn, self._sftp = self._conn, None, None
        if conn is not None:
            conn.close()
        self.set_link(LinkStatus("down", message="closed"))

    def describe(self) -> str:
        t = self.target
        return f"{t.user}@{t.hostname}:{t.port}"
