"""The one way the engine touches a machine: a `Host`, local or over SSH."""

from tui_ft.host.base import CommandResult, DiskUsage, FileStat, Host, HostError
from tui_ft.host.local import LocalHost

__all__ = [
    "CommandResult",
    "DiskUsage",
    "FileStat",
    "Host",
    "HostError",
    "LocalHost",
    "box_python",
    "open_host",
]


def open_host(spec: str | None = None, *, python: str | None = None) -> Host:
    """`None`, "" or "local": this machine; anything else: an SSH alias or `ssh ...` line.

    `python` is the box's interpreter with tui-ft (default: `$TUI_FT_BOX_PYTHON`, else
    `python3`); it matters where a login shell puts another `python3` first on PATH.
    """
    if not spec or spec == "local":
        return LocalHost()
    from tui_ft.host.ssh import SSHHost  # paramiko is only imported when asked for

    host = SSHHost.from_spec(spec)
    host.python = box_python(python)
    return host


def box_python(configured: str | None = None) -> str:
    """A remote box's Python with tui-ft: the setting, `$TUI_FT_BOX_PYTHON`, or python3."""
    import os

    return configured or os.environ.get("TUI_FT_BOX_PYTHON") or "python3"
