"""A box's profile: which python runs tui-ft there, and the box's own config, resolved once.

Held by the `SSHHost` (`host.profile`, made on first use and kept for the connection), so
every command that runs tui-ft on the box (`host.python`) uses the same interpreter. The
order is the README's table ("Which side a setting belongs to"), first match wins:

    interpreter: an explicit `--python`; the laptop config's `hosts.BOX.python`; the
    laptop's memory of the box (`hosts.yaml`); the laptop's `box_python` or
    `$TUI_FT_BOX_PYTHON`; the box's own config (`box_python`); `python3`.

The box's own config is read over SFTP (`~/.config/tui-ft/config.yaml` of the box user),
not by running a python there: which python to run is what is being decided.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from tui_ft.host.base import Host, HostError

if TYPE_CHECKING:
    from tui_ft.config import Config

DEFAULT_PYTHON = "python3"
BOX_CONFIG = ".config/tui-ft/config.yaml"
"""The box user's config file, under its home (tui_ft.config.config_path on the box)."""


@dataclass
class BoxProfile:
    python: str
    python_source: str
    """flag, config (hosts.BOX.python), memory, laptop (box_python / env), box, default."""
    entry: dict[str, Any] = field(default_factory=dict)
    """The laptop config's `hosts:` entry for this box ({} when none)."""
    box_config: dict[str, Any] = field(default_factory=dict)
    """The box's own config file as written ({} when it has none or it cannot be read)."""
    laptop: Config | None = None


def host_entry(host: Host, config: Config) -> dict[str, Any]:
    """The laptop config's `hosts:` entry for this host: by alias, else user@host:port."""
    table = config.hosts or {}
    for name in (getattr(host, "name", None), host.describe()):
        if name and name in table:
            return table[name] or {}
    return {}


def read_box_config(host: Host) -> dict[str, Any]:
    """The box's own config (one SFTP read); {} when missing or not a YAML mapping."""
    try:
        text = host.read_text(posixpath.join(host.home(), BOX_CONFIG))
    except (OSError, HostError, UnicodeDecodeError):
        return {}
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}  # the box's own tui-ft names the broken line when it runs
    return raw if isinstance(raw, dict) else {}


def resolve_profile(
    host: Host, config: Config | None = None, python: str | None = None
) -> BoxProfile:
    """The one place that decides which python runs tui-ft on `host` (see the module doc)."""
    if config is None:
        from tui_ft.config import Config, ConfigError

        try:
            config = Config.load()
        except ConfigError:
            config = Config()  # the command itself reports a broken laptop config
    entry = host_entry(host, config)
    if not host.is_remote:
        return BoxProfile(python or host.python, "local", entry, {}, config)
    laptop = config.box_python or os.environ.get("TUI_FT_BOX_PYTHON")
    for value, source in (
        (python, "flag"),
        (entry.get("python"), "config"),
        (_remembered(host), "memory"),
        (laptop, "laptop"),
    ):
        if value:
            return BoxProfile(str(value), source, entry, {}, config)
    box = read_box_config(host)
    configured = box.get("box_python")
    if isinstance(configured, str) and configured:
        return BoxProfile(configured, "box", entry, box, config)
    return BoxProfile(DEFAULT_PYTHON, "default", entry, box, config)


def _remembered(host: Host) -> str | None:
    from tui_ft import hosts

    python = hosts.recall(host).python
    # Earlier versions remembered every box's python, the default included: a remembered
    # `python3` would hide the laptop's box_python and the box's own config.
    return None if python == DEFAULT_PYTHON else python
