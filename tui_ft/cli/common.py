"""Shared pieces of the headless commands: the host, the config, the workspace."""

from __future__ import annotations

import argparse
import sys

from tui_ft.config import Config, ConfigError
from tui_ft.host import Host, open_host
from tui_ft.workspace import Workspace


class CLIError(SystemExit):
    """Exit with a one-line message on stderr (no traceback for user errors)."""

    def __init__(self, message: str, code: int = 2) -> None:
        print(f"tui-ft: {message}", file=sys.stderr)
        super().__init__(code)


def load_config() -> Config:
    try:
        return Config.load()
    except ConfigError as exc:
        raise CLIError(str(exc)) from exc


def host_from_args(args: argparse.Namespace, config: Config | None = None) -> Host:
    spec = getattr(args, "host", None) or (config.default_host if config else None)
    return open_host(spec, python=config.box_python if config else None)


def workspace_from_args(args: argparse.Namespace, host: Host, config: Config) -> Workspace:
    root = getattr(args, "workspace", None) or config.workspace
    return Workspace(host, root)
