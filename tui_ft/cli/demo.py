"""`tui-ft demo [DIR] [--open]`: make the demo workspace (tiny model + identity data)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from tui_ft.cli.common import CLIError, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="create the demo workspace: a tiny Llama and identity data")
    p.add_argument("dir", nargs="?", help="workspace folder (default: the configured workspace)")
    p.add_argument("--force", action="store_true", help="rebuild the demo model")
    p.add_argument("--open", action="store_true", help="open the TUI on it afterwards")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    root = os.path.abspath(args.dir or args.workspace or config.workspace)
    if args.open:
        return build_then_open(args, root)
    try:
        from tui_ft.demo.build import create_demo_workspace
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CLIError(f"the demo needs the [train] extra ({exc})") from exc
    print(f"building the demo workspace in {root} ...", file=sys.stderr)
    try:
        model = create_demo_workspace(root, force=args.force)
    except ImportError as exc:
        raise CLIError(
            f"the demo model needs torch, transformers and sentencepiece: {exc}. "
            "Run scripts/setup.sh, or pip install 'tui-ft[train]'"
        ) from exc
    print(f"demo model: {model}")
    print(f"datasets:   {os.path.join(root, 'datasets')}")
    return 0


def build_then_open(args: argparse.Namespace, root: str) -> int:
    """Build in a child process, then open the TUI here: building loads torch (~400 MB),
    and the TUI process must never hold it."""
    cmd = [sys.executable, "-m", "tui_ft", "demo", root, *(["--force"] if args.force else [])]
    code = subprocess.call(cmd)
    if code:
        return code
    from tui_ft.cli.tui import run_tui

    args.workspace = root
    return run_tui(args)
