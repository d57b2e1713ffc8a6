"""The box's settings, resolved on the box's side (see "Which side a setting belongs to").

A box's workspace, interpreter and hourly price come, first match wins, from:
an explicit `--workspace` / `--python`; the laptop config's `hosts: {NAME: {...}}`
entry; the laptop's memory of that box (`tui_ft.hosts`, keyed by host key); and
last the box itself: its tui-ft answers with its own config, `$TUI_FT_WORKSPACE`,
data disk and home. Nothing of the laptop's home or config.workspace reaches the box.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from tui_ft.config import DATA_DISKS, Config, ConfigError
from tui_ft.host.base import Host, HostError

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


def host_entry(host: Host, config: Config) -> dict:
    """The laptop config's `hosts:` entry for this host: by alias, else user@host:port."""
    table = config.hosts or {}
    for name in (getattr(host, "name", None), host.describe()):
        if name and name in table:
            return table[name] or {}
    return {}


def box_settings(host: Host, config: Config, *, workspace: str | None = None) -> BoxSettings:
    """Resolve (and remember) the box's settings; sets `host.python` to the box's."""
    from tui_ft import hosts

    entry = host_entry(host, config)
    memory = hosts.recall(host)
    python = entry.get("python") or memory.python
    if python:
        host.python = python
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
    hosts.remember(host, workspace=workspace, python=host.python, hourly_price=price)
    if price is None:
        price = config.hourly_price  # the laptop's general price, when nothing names this box's
    return BoxSettings(workspace, host.python, price, source)


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
    try:
        res = host.run([host.python, "-c", _ASK], timeout=60)
    except HostError:
        return None
    if not res.ok:
        return None
    try:
        value = json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
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
