"""The `tui-ft` command: no subcommand opens the TUI, subcommands run headless.

Each subcommand lives in its own module under `tui_ft.cli` with a `register(sub)`
function; modules import their heavy dependencies inside the handlers only, so
`tui-ft --help` and the TUI start stay fast.
"""

from __future__ import annotations

import argparse
import gc
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
    "fit",
    "data",
    "evaluate",
    "remote",
    "export",
    "multinode",
    "watch",
    "notify",
)


# Options that work before the command and after it (`tui-ft check --host box`).
GLOBAL_OPTIONS: tuple[tuple[str, dict], ...] = (
    (
        "--host",
        {"metavar": "ALIAS", "help": "work on this SSH host (alias or 'ssh -p PORT user@host')"},
    ),
    ("--workspace", {"metavar": "DIR", "help": "workspace folder on the host"}),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-ft",
        description="Fine-tune LLMs with LLaMA-Factory from the terminal, on the box or over SSH.",
    )
    parser.add_argument("--version", action="version", version=f"tui-ft {__version__}")
    for flag, kwargs in GLOBAL_OPTIONS:
        parser.add_argument(flag, **kwargs)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"tui_ft.cli.{name}").register(sub)
    _add_global_options(parser)
    return parser


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand (at any depth) the global options too.

    SUPPRESS: a subcommand sets the value only when it is given there, so the one
    after the command wins and the one before it is kept otherwise.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for child in {id(p): p for p in action.choices.values()}.values():  # aliases: once
            for flag, kwargs in GLOBAL_OPTIONS:
                if flag not in child._option_string_actions:  # e.g. `remote`'s own --host
                    child.add_argument(flag, default=argparse.SUPPRESS, **kwargs)
            _add_global_options(child)


GC_THRESHOLDS = (10_000, 50, 100)
"""Fewer, larger garbage collections than Python's (700, 10, 10): the heavy commands import
torch, transformers or llama-cpp-python, whose objects every full collection walks (the
defaults spend about 1 s of a 6 s LLaMA-Factory import collecting), and the TUI allocates
on every frame. Garbage is still collected, in bigger batches."""


def main(argv: Sequence[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from tui_ft.cli.tui import run_tui

            return run_tui(args)
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if isinstance(exc, BrokenPipeError) and _stdout_closed():
            return 141  # `| head -1` took what it wanted: quiet, as `yes | head -1` is
        from tui_ft.cli.errors import explain

        known = explain(exc, args)
        if known is None:
            raise  # a bug in tui-ft: the traceback is what a report needs
        message, code = known
        print(f"tui-ft: {message}", file=sys.stderr)
        return code


def _stdout_closed() -> bool:
    """Whether our standard output's reader has gone (EPIPE); then nothing more is printed."""
    import os
    import select

    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        gone = any(ev & select.POLLERR for _fd, ev in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
    if gone:  # Python flushes stdout again at exit: /dev/null keeps that quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    return gone
