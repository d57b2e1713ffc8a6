"""Open the Textual app (the only place the engine hands over to `screens`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tui_ft.cli.common import host_from_args, load_config, workspace_from_args

if TYPE_CHECKING:
    from screens.app import TuiFtApp


def build_app(args: argparse.Namespace, *, can_ask: bool = True, **options: Any) -> TuiFtApp:
    """The app on the host of `--host`, with that host's own workspace (the box's over SSH).

    `can_ask`: a terminal is there to ask a first contact's fingerprint question on."""
    from tui_ft.host.knownhosts import UnknownHostKey

    config = load_config()
    try:
        host = host_from_args(args, config)
    except UnknownHostKey:
        # First contact: the TUI asks the fingerprint question (its Connect screen), as
        # when connecting from inside it; headless commands refuse in one line instead,
        # and so does a TUI with no terminal to ask on (a script, CI).
        if not can_ask:
            raise
        from tui_ft.host import LocalHost

        host = LocalHost()
        options["connect_to"] = getattr(args, "host", None) or config.default_host
    workspace = workspace_from_args(args, host, config)
    from screens.app import TuiFtApp  # Textual is imported here, never by the engine

    return TuiFtApp(config=config, host=host, workspace=workspace, **options)


def run_tui(args: argparse.Namespace) -> int:
    app = build_app(args, can_ask=sys.stdin.isatty() and sys.stdout.isatty())
    try:
        app.run()
    finally:
        app.host.close()
    return app.return_code or 0
