"""`tui-ft setup textonly`: make text-only LLaMA-Factory runs work without torchaudio."""

from __future__ import annotations

import argparse

from tui_ft import textonly


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="prepare this environment")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    t = what.add_parser(
        "textonly", help="let LLaMA-Factory train on text without torchaudio (CPU boxes)"
    )
    t.add_argument("--site-packages", help="target site-packages (default: this interpreter's)")
    t.set_defaults(handler=run_textonly)


def run_textonly(args: argparse.Namespace) -> int:
    path = textonly.install_pth(args.site_packages)
    print(f"text-only hook installed: {path}")
    return 0
