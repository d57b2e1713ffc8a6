"""The port forward from here to a chat server on an SSH box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui_ft.chat.base import ChatError
from tui_ft.host.base import Host


class SSHForward:
    """The port forward to a server on an SSH box: open, ensure (after a reconnect), close."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.held: list[Any] = []

    def open(self, port: int) -> tuple[str, int]:
        from tui_ft.host.tunnel import forward

        tunnel = forward(self.host, port)  # bound to 127.0.0.1 here, host key already checked
        self.held.append(tunnel)
        return "127.0.0.1", tunnel.local_port

    def ensure(self) -> None:
        """Re-make dead forwards on the same local port, so the chat's URL stays valid."""
        from tui_ft.host.base import HostError

        for tunnel in self.held:
            try:
                tunnel.ensure()
            except HostError as exc:
                raise ChatError(f"the forward to the chat server is down: {exc}") from exc

    def close(self) -> None:
        while self.held:
            self.held.pop().stop()


def ssh_forward(host: Host) -> tuple[Callable[[int], tuple[str, int]], Callable[[], None]]:
    """A port forward for a server on an SSH box, as (open, close) callbacks."""
    fwd = SSHForward(host)
    return fwd.open, fwd.close
