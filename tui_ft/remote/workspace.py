"""The box's settings, resolved on the box's side (see "Which side a setting belongs to").

A box's workspace and hourly price come, first match wins, from: an explicit
`--workspace`; the laptop config's `hosts: {NAME: {...}}` entry; the laptop's memory of
that box (`tui_ft.hosts`, keyed by host key); and last the box itself: its tui-ft answers
with its own config, `$TUI_FT_WORKSPACE`, data disk and home. Nothing of the laptop's
home or config.workspace reaches the box. The interpreter is the host's profile's
(tui_ft.host.profile), resolved once per connection.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from tui_ft.config import DATA_DISKS, Config, ConfigError
from tui_ft.host.base import Host, HostError
from tui_ft.host.profile import host_entry

__all__ = ["BoxSettings", "box_settings", "box_workspace", "default_box_workspace", "host_entry"]

# Run by the box's python: the box's own Config (its ~/.config, env, data disk).
_ASK = (
    "import json; from tui_ft.config import Config; c = Config.load(); "
    "print(json.dumps({'workspace': c.workspace, 'hourly_price': c.hourly_price}))"
)


@dataclass
class BoxSettings:
    workspace: str
    python: str
    hourly_price: float | None
    source: str
    """Where the workspace came from: flag, config, memory, box, or box-default."""


def box_settings(host: Host, config: Config, *, workspace: str | None = None) -> BoxSettings:
    """Resolve (and remember) the box's settings."""
    from tui_ft import hosts

    entry = host_entry(host, config)
    memory = hosts.recall(host)
    # Only a python chosen for this box (a flag, a venv set up there) is worth remembering:
    # the others are resolved again from where they are set, and may change there.
    chosen = _chosen_python(host)
    price = entry.get("hourly_price")
    if price is None:
        price = memory.hourly_price
    source = "flag"
    if not workspace:
        workspace, source = entry.get("workspace"), "config"
    if not workspace:
        workspace, source = memory.workspace, "memory"
    if not workspace:
        asked = _ask_box(host)
        if asked is not None:
            workspace, source = asked.get("workspace"), "box"
            if price is None and isinstance(asked.get("hourly_price"), int | float):
                price = float(asked["hourly_price"])
    if not workspace:
        workspace, source = default_box_workspace(host), "box-default"
    hosts.remember(host, workspace=workspace, python=chosen, hourly_price=price)
    if price is None:
        price = config.hourly_price  # the laptop's general price, when nothing names this box's
    return BoxSettings(workspace, host.python, price, source)


def _chosen_python(host: Host) -> str | None:
    from tui_ft.host.ssh import SSHHost

    if isinstance(host, SSHHost) and host.profile.python_source == "flag":
        return host.python
    return None


def box_workspace(host: Host, config: Config | None = None) -> str:
    """The workspace on `host` (this machine: its config's; a box: `box_settings`)."""
    if config is None:
        try:
            config = Config.load()
        except ConfigError:
            config = Config()
    if not host.is_remote:
        return config.workspace
    return box_settings(host, config).workspace


def _ask_box(host: Host) -> dict | None:
    """The box's own answer (its tui-ft); None when tui-ft does not run there."""
    from tui_ft.host.call import run_script

    try:
        value = run_script(host, _ASK, timeout=60)
    except HostError:  # CallError included: no tui-ft there
        return None
    return value if isinstance(value, dict) else None


def default_box_workspace(host: Host) -> str:
    """tui-ft's rule applied through the Host: `tui-ft/` on a data disk, else ~/tui-ft."""
    home = host.home()
    for disk in DATA_DISKS:
        path = posixpath.join(home, disk[2:]) if disk.startswith("~/") else disk
        try:
            st = host.stat(path)
        except (OSError, HostError):  # e.g. /root/autodl-tmp as a non-root user
            continue
        if st is not None and st.is_dir:
            return posixpath.join(path, "tui-ft")
    return posixpath.join(home, "tui-ft")
