"""Shared pieces of the headless commands: the host, the config, the workspace."""

from __future__ import annotations

import argparse
import os
import posixpath
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
    return open_host(spec, config=config)


def workspace_from_args(args: argparse.Namespace, host: Host, config: Config) -> Workspace:
    """`--workspace`, else this machine's config; on a box, the BOX's workspace.

    A remote host's settings resolve on the box's side (`box_settings`): the laptop's
    `config.workspace` is a laptop path and never applies there. Also sets the box's
    session's hourly price from the per-host entry or memory. The interpreter is the host's
    profile's (tui_ft.host.profile).
    """
    explicit = getattr(args, "workspace", None)
    if not host.is_remote:
        return Workspace(host, explicit or config.workspace)
    from tui_ft.host.base import HostError
    from tui_ft.remote.workspace import box_settings

    try:
        settings = box_settings(host, config, workspace=explicit)
    except HostError as exc:
        raise CLIError(f"{host.describe()}: cannot find the workspace on the box: {exc}") from exc
    config.hourly_price = settings.hourly_price
    args._box_workspace = settings.workspace  # host_path's base: no second look-up
    return Workspace(host, settings.workspace)


def host_path(args: argparse.Namespace, host: Host, path: str, *under: str) -> str:
    """A path the user typed, on `host`. Here: from this shell's folder, as usual.

    On a box, a relative path means the box's workspace (then each of `under`, e.g.
    its dataset_dir, relative to the workspace or absolute), never the box user's home
    where the box's commands start: the first of those that exists, else the workspace's.
    """
    if not host.is_remote:
        return os.path.abspath(path)
    if posixpath.isabs(path):
        return path
    if path == "~" or path.startswith("~/"):  # the box user's home, as a shell there reads it
        return posixpath.join(host.home(), path[2:])
    root = getattr(args, "_box_workspace", None)
    if root is None:  # one look-up per command: the box's settings may cost a round trip
        root = workspace_from_args(args, host, load_config()).root
        args._box_workspace = root
    joined = [posixpath.join(root, path)]
    joined += [posixpath.normpath(posixpath.join(root, folder, path)) for folder in under]
    return next((p for p in joined if host.exists(p)), joined[0])
