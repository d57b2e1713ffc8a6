"""The one way the engine touches a machine: a `Host`, local or over SSH."""

from tui_ft.host.base import CommandResult, DiskUsage, FileStat, Host, HostError
from tui_ft.host.local import LocalHost

__all__ = ["CommandResult", "DiskUsage", "FileStat", "Host", "HostError", "LocalHost", "open_host"]


def open_host(spec: str | None = None) -> Host:
    """`None`, "" or "local": this machine; anything else: an SSH alias or `ssh ...` line."""
    if not spec or spec == "local":
        return LocalHost()
    from tui_ft.host.ssh import SSHHost  # paramiko is only imported when asked for

    return SSHHost.from_spec(spec)
