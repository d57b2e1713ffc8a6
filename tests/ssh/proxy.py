"""A TCP proxy in front of the sshd fixture that makes the link slow, cut or frozen.

There is no `tc netem` here: every chunk is held `delay` seconds in each direction (a
round trip costs 2 x delay more), `cut()` closes every connection and refuses new ones,
`freeze()` stops forwarding without closing anything (a NAT timeout, a suspended
laptop), `restore()` brings the link back. `count_round_trips()` counts what crosses
the link at paramiko's level: channel opens, synchronous SFTP requests and requests to
the box's agent.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest


class _Pipe:
    """One direction of one connection: read as fast as it comes, send after `delay`."""

    def __init__(self, proxy: LinkProxy, src: socket.socket, dst: socket.socket) -> None:
        self.proxy, self.src, self.dst = proxy, src, dst
        self.queue: deque[tuple[float, bytes]] = deque()
        self.cond = threading.Condition()
        self.done = False
        for target in (self._read, self._send):
            threading.Thread(target=target, daemon=True, name="link-proxy").start()

    def _read(self) -> None:
        while True:
            try:
                data = self.src.recv(65536)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.done = True
                else:
                    self.queue.append((time.monotonic() + self.proxy.delay, data))
                self.cond.notify_all()
            if not data:
                return

    def _send(self) -> None:
        while True:
            with self.cond:
                while True:
                    if self.proxy.frozen or not self.queue:
                        if self.done and not self.queue:
                            with contextlib.suppress(OSError):
                                self.dst.shutdown(socket.SHUT_WR)
                            return
                        self.cond.wait(0.05)
                        continue
                    due, data = self.queue[0]
                    wait = due - time.monotonic()
                    if wait > 0:
                        self.cond.wait(wait)
                        continue
                    self.queue.popleft()
                    break
            try:
                self.dst.sendall(data)
            except OSError:
                return


class LinkProxy:
    """127.0.0.1:`port` forwards to 127.0.0.1:`target` (the sshd fixture's port)."""

    def __init__(self, target: int, delay: float = 0.0) -> None:
        self.target = target
        self.delay = delay  # seconds per chunk, each way
        self.frozen = False
        self.refusing = False
        self._conns: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="link-proxy-accept").start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._conns.append((client, upstream))
            _Pipe(self, client, upstream)
            _Pipe(self, upstream, client)

    @property
    def connections(self) -> int:
        return len(self._conns)

    def cut(self) -> None:
        """Close every connection (a crash, a dropped Wi-Fi); refuse new ones until restore()."""
        self.refusing = True
        with self._lock:
            conns, self._conns = self._conns, []
        for pair in conns:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def freeze(self) -> None:
        """Stop passing bytes, old and new connections alike, without closing anything."""
        self.frozen = True

    def restore(self) -> None:
        self.frozen = False
        self.refusing = False

    def close(self) -> None:
        self._closed = True
        self._server.close()
        self.cut()


@dataclass
class RoundTrips:
    """What crossed the link: each is at least one round trip."""

    channels: int = 0  # exec channels (commands, streams) and forwards
    sftp: int = 0  # synchronous SFTP requests (stat, open, read, listdir, ...)
    agent: int = 0  # requests to the box's agent (one line out, one line back)
    log: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.channels + self.sftp + self.agent


@contextlib.contextmanager
def count_round_trips() -> Iterator[RoundTrips]:
    """Count channel opens and synchronous SFTP requests made inside the block."""
    import paramiko
    from paramiko.sftp_client import SFTPClient

    counts = RoundTrips()
    open_channel = paramiko.Transport.open_channel
    request = SFTPClient._request

    def counted_open(self, kind, *args, **kwargs):
        counts.channels += 1
        counts.log.append(f"channel {kind}")
        return open_channel(self, kind, *args, **kwargs)

    def counted_request(self, t, *args):
        counts.sftp += 1
        counts.log.append(f"sftp {t}")
        return request(self, t, *args)

    from tui_ft.host.agent import Agent

    exchange = Agent._exchange

    def counted_exchange(self, line, timeout):
        counts.agent += 1
        counts.log.append("agent request")
        return exchange(self, line, timeout)

    paramiko.Transport.open_channel = counted_open  # type: ignore[method-assign]
    SFTPClient._request = counted_request  # type: ignore[method-assign]
    Agent._exchange = counted_exchange  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        paramiko.Transport.open_channel = open_channel  # type: ignore[method-assign]
        SFTPClient._request = request  # type: ignore[method-assign]
        Agent._exchange = exchange  # type: ignore[method-assign]


@pytest.fixture
def link_proxy(sshd) -> Iterator[LinkProxy]:
    proxy = LinkProxy(sshd.port)
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_host(ssh_home, sshd, link_proxy):
    """An SSHHost reaching the sshd fixture through `link_proxy`, with a heartbeat.

    The proxy port gets the sshd's host key in known_hosts; short timeouts so a frozen
    link is noticed and a reconnect attempt given up within seconds.
    """
    from tui_ft.host.ssh import SSHHost

    known = ssh_home / ".ssh" / "known_hosts"
    line = sshd.known_hosts_line().replace(f"]:{sshd.port} ", f"]:{link_proxy.port} ")
    known.write_text(known.read_text() + line)
    host = SSHHost.from_spec(f"ssh -p {link_proxy.port} {sshd.user}@127.0.0.1", timeout=3.0)
    host.start_heartbeat(interval=0.5, timeout=1.5, backoff=(0.5, 2.0))
    yield host
    host.close()
