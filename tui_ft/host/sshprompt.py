"""Asking for a password or passphrase on the terminal (the CLI); the TUI asks in a modal."""

from __future__ import annotations

import getpass
import sys

from tui_ft.host.sshconnect import AskSecret


def tty_asker() -> AskSecret | None:
    """A getpass prompt when a person is at the terminal; None (never ask) otherwise."""
    if not sys.stdin.isatty():
        return None

    def ask(prompt: str) -> str | None:
        try:
            return getpass.getpass(f"{prompt}: ")
        except (EOFError, KeyboardInterrupt):
            return None

    return ask
