"""Port forwards to the box (chat API server, TensorBoard, the LLaMA-Factory WebUI).

sshtunnel has no public way to hand it an existing paramiko transport, so each
forward opens its own SSH connection, and we make that connection as safe as the
main one: `ssh_host_key` is the key the main connection verified against
known_hosts (paramiko refuses any other), the credentials are the ones that worked
(kept in memory), ProxyJump goes through a direct-tcpip channel of the verified jump
transport, no ~/.ssh/config or key folder is read behind our back, and the local end
is bound to 127.0.0.1 only.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from tui_ft.host.base import ConnectionLost, HostError

if TYPE_CHECKING:
    import sshtunnel

    from tui_ft.host.ssh import SSHHost

LOCALHOST = "127.0.0.1"


class Tunnel:
    """`local_port` on 127.0.0.1 reaches `remote_host:remote_port` as seen from the box."""

    def __init__(
        self, host: SSHHost, remote_port: int, *, remote_host: str = LOCALHOST, local_port: int = 0
    ) -> None:
        self.host = host
        self.remote = (remote_host, remote_port)
        self.local_port = local_port
        self._fwd: sshtunnel.SSHTunnelForwarder | None = None
        self._gen = -1  # the host connection generation this forward was made on
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.local_port}"

    def _forwarder(self) -> sshtunnel.SSHTunnelForwarder:
        import sshtunnel

        host = self.host
        t = host.target
        proxy = None
        conn = host._connection()
        if conn.hops:  # reach the box through the already-verified jump transport
            proxy = conn.hops[-1].open_channel(
                "direct-tcpip", (t.hostname, t.port), (LOCALHOST, 0), timeout=host.timeout
            )
        keys = list(host.creds.keys.values())
        logger = logging.getLogger("tui_ft.tunnel")
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        fwd = sshtunnel.SSHTunnelForwarder(
            (t.hostname, t.port),
            ssh_config_file=None,
            ssh_host_key=conn.host_key,
            ssh_username=t.user,
            ssh_pkey=keys[0] if keys else None,
            ssh_password=host.creds.password,
            ssh_proxy=proxy,
            host_pkey_directories=[],
            allow_agent=True,
            remote_bind_address=self.remote,
            local_bind_address=(LOCALHOST, self.local_port),
            logger=logger,
            set_keepalive=5.0,
        )
        return fwd

    def start(self) -> Tunnel:
        import sshtunnel

        fwd = self._forwarder()
        try:
            fwd.start()
        except (sshtunnel.BaseSSHTunnelForwarderError, OSError) as exc:
            fwd.stop(force=True)
            raise HostError(
                f"cannot forward {LOCALHOST}:{self.local_port or '*'} to "
                f"{self.remote[0]}:{self.remote[1]} on {self.host.describe()}: {exc}"
            ) from exc
        self._fwd = fwd
        self._gen = self.host.generation
        self.local_port = fwd.local_bind_port  # keep the same port across restarts
        return self

    @property
    def active(self) -> bool:
        return self._fwd is not None and self._fwd.is_active

    def ensure(self) -> None:
        """Re-create the forward after a reconnect (same local port, so open URLs and an
        open chat keep working). Cheap when nothing changed: two attribute reads, no
        traffic; call it before each request.

        The forward has its own SSH connection, which died with the main one (a cut) or
        hangs with it (a freeze) without knowing: the host's `generation` tells.
        Raises ConnectionLost while the link is down.
        """
        if not self.host.link.up:
            raise ConnectionLost(f"{self.host.describe()}: link down, the forward waits")
        if self._fwd is not None and self._gen == self.host.generation and self.active:
            return
        with self._lock:
            if self._fwd is not None and self._gen == self.host.generation and self.active:
                return  # another thread re-created it meanwhile
            self.stop()
            self.start()

    def stop(self) -> None:
        fwd, self._fwd = self._fwd, None
        if fwd is not None:
            fwd.stop(force=True)

    def __enter__(self) -> Tunnel:
        return self.start() if self._fwd is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def forward(host, remote_port: int, *, remote_host: str = LOCALHOST, local_port: int = 0):
    """A started forward for an SSH host; None for the local host (the port is right here)."""
    if not getattr(host, "is_remote", False):
        return None
    return Tunnel(host, remote_port, remote_host=remote_host, local_port=local_port).start()
