"""Rows of the Environment screen's tables: status colours and short, stable cells."""

from __future__ import annotations

from rich.text import Text

from tui_ft.checks.base import CheckResult
from tui_ft.models.listing import ModelEntry
from tui_ft.models.report import FileEntry
from tui_ft.units import human_bytes

STYLE = {"ok": "bold green", "warn": "bold yellow", "fail": "bold red"}
STATE_STYLE = {**STYLE, "changed": "yellow", "unverified": "dim"}


def status_cell(status: str) -> Text:
    return Text(status.upper() if status != "ok" else "ok", style=STATE_STYLE.get(status, ""))


def check_row(r: CheckResult) -> tuple[Text, str, Text]:
    """The fix goes on a second line under the reason: it must be seen, not scrolled to."""
    text = Text(r.reason)
    if r.fix and r.status != "ok":
        text.append("\nfix: ", style="bold").append(r.fix, style="italic")
    return status_cell(r.status), r.name, text


def file_row(f: FileEntry) -> tuple[str, str, Text, str]:
    return human_bytes(f.size), f.path, status_cell(f.status), f.reason


def model_label(m: ModelEntry) -> str:
    return f"{m.name}  ({human_bytes(m.size)}, {m.state})"
