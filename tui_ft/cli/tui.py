"""Open the Textual app (the only place the engine hands over to `screens`)."""

from __future__ import annotations

import argparse

from tui_ft.cli.common import host_from_args, load_config, workspace_from_args


def run_tui(args: argparse.Namespace) -> int:
    config = load_config()
    host = host_from_args(args, config)
    workspace = workspace_from_args(args, host, config)
    from screens.app import TuiFtApp  # Textual is imported here, never by the engine

    app = TuiFtApp(config=config, host=host, workspace=workspace)
    app.run()
    host.close()
    return app.return_code or 0
