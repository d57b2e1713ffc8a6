"""The `tui-ft` command: no subcommand opens the TUI, subcommands run headless.

Each subcommand lives in its own module under `tui_ft.cli` with a `register(sub)`
function; modules import their heavy dependencies inside the handlers only, so
`tui-ft --help` and the TUI start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui_ft import __version__

# One module per command group; each defines register(subparsers).
COMMAND_MODULES = (
    "demo",
    "setup",
    "replay",
    "check",
    "model",
    "train",
    "data",
    "evaluate",
    "remote",
    "export",
    "multinode",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-ft",
        description="Fine-tune LLMs with LLaMA-Factory from the terminal, on the box or over SSH.",
    )
    parser.add_argument("--version", action="version", version=f"tui-ft {__version__}")
    parser.add_argument(
        "--host", metavar="ALIAS", help="work on this SSH host (alias or 'ssh -p PORT user@host')"
    )
    parser.add_argument("--workspace", metavar="DIR", help="workspace folder on the host")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"tui_ft.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from tui_ft.cli.tui import run_tui

            return run_tui(args)
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
