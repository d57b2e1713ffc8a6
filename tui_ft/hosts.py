"""Per-host memory on the laptop: the workspace, interpreter and hourly price used per box.

Keyed by the box's host-key fingerprint, not its address: a rented box that comes back
on a new port or IP keeps its settings as long as its host key is the same. The names
it was reached by are kept for people reading the file. The file lives beside the
laptop's config (`hosts.yaml`); writes are atomic and a broken file is read as empty
(it is a memory, not a setting: the config's `hosts:` section is where settings go).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tui_ft.atomic import atomic_write_text
from tui_ft.config import config_path
from tui_ft.host.base import Host

KEYS = ("workspace", "python", "hourly_price")


def memory_path() -> Path:
    return config_path().parent / "hosts.yaml"


@dataclass
class Remembered:
    workspace: str | None = None
    python: str | None = None
    hourly_price: float | None = None
    names: list[str] = field(default_factory=list)


def host_id(host: Host) -> str | None:
    """The SHA256 fingerprint of the box's host key; None for this machine."""
    if not host.is_remote:
        return None
    from tui_ft.host.knownhosts import fingerprint

    return fingerprint(host.host_key)  # type: ignore[attr-defined] - SSHHost


def _load() -> dict[str, dict[str, Any]]:
    try:
        raw = yaml.safe_load(memory_path().read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return raw if isinstance(raw, dict) else {}


def recall(host: Host) -> Remembered:
    key = host_id(host)
    entry = _load().get(key) if key else None
    if not isinstance(entry, dict):
        return Remembered()
    names = entry.get("names")
    values = {k: entry.get(k) for k in KEYS}
    return Remembered(**values, names=list(names) if isinstance(names, list) else [])


def remember(host: Host, **values: Any) -> None:
    """Record what was used on `host` (None values are left as they were)."""
    key = host_id(host)
    if key is None:
        return
    doc = _load()
    entry = dict(doc.get(key) or {})
    before = dict(entry)
    entry.update({k: v for k, v in values.items() if k in KEYS and v is not None})
    name = host.describe()
    names = [n for n in entry.get("names", []) if n != name]
    entry["names"] = [name, *names][:5]  # the latest address first
    if entry == before:
        return  # nothing new: no write on every command
    doc[key] = entry
    atomic_write_text(
        memory_path(), yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), secret=True
    )
