"""User configuration: a typed model, one function saying where it lives.

`TUI_FT_CONFIG` points at another file (tests use it); `TUI_FT_WORKSPACE` overrides
the workspace location. Nothing is read or created at import time.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from tui_ft.atomic import atomic_write_text
from tui_ft.yamlpos import yaml_where

DATA_DISKS = ("/root/autodl-tmp", "~/autodl-tmp")
"""Data disks of rented boxes: the workspace goes there when one exists (the
system disk of such boxes is small and is reset with the image). `~` is the home
of the user on the side that resolves it (autodl's non-root accounts)."""

HUBS = ("modelscope", "hf")
"""The model hubs downloads know (tui_ft.models.hubs picks one)."""


class ConfigError(ValueError):
    """A config file that cannot be used, with the file and field named."""


def config_path() -> Path:
    """The config file: `$TUI_FT_CONFIG`, else `$XDG_CONFIG_HOME/tui-ft/config.yaml`."""
    override = os.environ.get("TUI_FT_CONFIG")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tui-ft" / "config.yaml"


def default_workspace() -> str:
    """`$TUI_FT_WORKSPACE`, else `tui-ft/` on the data disk when the box has one, else ~/tui-ft."""
    override = os.environ.get("TUI_FT_WORKSPACE")
    if override:
        return str(Path(override).expanduser())
    for disk in map(os.path.expanduser, DATA_DISKS):
        if os.path.isdir(disk):
            return os.path.join(disk, "tui-ft")
    return str(Path.home() / "tui-ft")


@dataclass
class Config:
    workspace: str = field(default_factory=default_workspace)
    llama_cpp_dir: str | None = None
    """A llama.cpp checkout (converter script and built tools); None: use llama-cpp-python's."""
    hourly_price: float | None = None
    """What the rented box costs per hour, to show the cost of a run."""
    currency: str = "¥"
    gpu_sample_interval: float = 1.0
    default_host: str | None = None
    """An SSH alias to open by default; None: this machine."""
    box_python: str | None = None
    """The Python with tui-ft on remote boxes; None: `python3` (or $TUI_FT_BOX_PYTHON)."""
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-host overrides on the laptop: `{alias: {workspace, python, hourly_price, hub, ...}}`."""
    hub: str | None = None
    """The hub downloads on THIS machine use (modelscope, hf); None: the environment's choice."""
    hf_endpoint: str | None = None
    """A Hugging Face endpoint (a mirror) for downloads here; None: $HF_ENDPOINT or the default."""
    modelscope_endpoint: str | None = None
    """A ModelScope endpoint for downloads here; None: $MODELSCOPE_ENDPOINT or the default."""
    notify: dict[str, Any] = field(default_factory=dict)
    """`webhooks: [{url, format}]` told when a run finishes, fails or stalls (tui_ft.notify)."""
    watch: dict[str, Any] = field(default_factory=dict)
    """Stall thresholds and the opt-in power-off of `tui-ft watch` (tui_ft.watch.settings)."""

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_path()
        if not path.exists():
            return cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}{yaml_where(exc)}: not valid YAML ({exc})") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "config") -> Config:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}")
        cfg = cls()
        for key, value in raw.items():
            if value is None:
                setattr(cfg, key, None)
                continue
            if key == "hosts":
                value = _hosts_section(value, source)
            elif key in ("notify", "watch"):
                value = _checked_section(key, value, source)
            elif key in ("hourly_price", "gpu_sample_interval"):
                if not isinstance(value, int | float) or value < 0:
                    raise ConfigError(
                        f"{source}: {key} must be a non-negative number, got {value!r}"
                    )
                value = float(value)
            elif not isinstance(value, str):
                raise ConfigError(f"{source}: {key} must be text, got {value!r}")
            elif key == "hub" and value not in HUBS:
                raise ConfigError(f"{source}: hub must be one of {', '.join(HUBS)}, got {value!r}")
            setattr(cfg, key, value)
        if os.environ.get("TUI_FT_WORKSPACE"):
            cfg.workspace = default_workspace()
        return cfg

    def save(self, path: Path | None = None) -> Path:
        path = path or config_path()
        atomic_write_text(  # it holds the webhook URLs: a secret
            path, yaml.safe_dump(asdict(self), sort_keys=False, allow_unicode=True), secret=True
        )
        return path


def _checked_section(key: str, value: Any, source: str) -> dict[str, Any]:
    """`notify:` / `watch:` kept as written, after their own modules validated them."""
    from tui_ft.notify.settings import parse_notify
    from tui_ft.watch.settings import parse_watch

    try:
        (parse_notify if key == "notify" else parse_watch)(value, source)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    return value


HOST_KEYS = {
    "workspace": str,
    "python": str,
    "hourly_price": float,
    "hub": str,
    "hf_endpoint": str,
    "modelscope_endpoint": str,
}


def _hosts_section(value: Any, source: str) -> dict[str, dict[str, Any]]:
    """`hosts:` maps an SSH alias (or user@host:port) to the settings that override the box's."""
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: hosts must map host names to settings, got {value!r}")
    out: dict[str, dict[str, Any]] = {}
    for name, entry in value.items():
        if not isinstance(entry, dict):
            raise ConfigError(f"{source}: hosts.{name} must be a mapping, got {entry!r}")
        for key, val in entry.items():
            kind = HOST_KEYS.get(key)
            if kind is None:
                raise ConfigError(
                    f"{source}: hosts.{name}: unknown setting {key} (known: {', '.join(HOST_KEYS)})"
                )
            if val is not None and not (
                isinstance(val, str) if kind is str else isinstance(val, int | float) and val >= 0
            ):
                what = "text" if kind is str else "a non-negative number"
                raise ConfigError(f"{source}: hosts.{name}.{key} must be {what}, got {val!r}")
            if key == "hub" and val is not None and val not in HUBS:
                raise ConfigError(
                    f"{source}: hosts.{name}.hub must be one of {', '.join(HUBS)}, got {val!r}"
                )
        out[str(name)] = {
            k: (float(v) if HOST_KEYS[k] is float and v is not None else v)
            for k, v in entry.items()
        }
    return out
