"""The one way the engine touches a machine: a `Host`, local or over SSH."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_ft.host.base import CommandResult, DiskUsage, FileStat, Host, HostError
from tui_ft.host.local import LocalHost

if TYPE_CHECKING:
    from tui_ft.config import Config

__all__ = [
    "CommandResult",
    "DiskUsage",
    "FileStat",
    "Host",
    "HostError",
    "LocalHost",
    "open_host",
]


def open_host(
    spec: str | None = None, *, python: str | None = None, config: Config | None = None
) -> Host:
    """`None`, "" or "local": this machine; anything else: an SSH alias or `ssh ...` line.

    `python` is an explicit interpreter for the box (a `--python` flag); otherwise the
    box's profile decides (tui_ft.host.profile), from `config` (default: the laptop's).
    """
    if not spec or spec == "local":
        return LocalHost()
    from tui_ft.host.ssh import SSHHost  # paramiko is only imported when asked for

    host = SSHHost.from_spec(spec)
    if python or config is not None:
        host.use_config(config, python)
    return host
