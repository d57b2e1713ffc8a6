"""Rendering helpers of the Datasets screen: records as turns, findings, summary lines."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.text import Text

from tui_ft.datasets import Finding, LintReport

ROLE_STYLE = {
    "system": "bold magenta",
    "user": "bold cyan",
    "assistant": "bold green",
    "chosen": "bold green",
    "rejected": "bold red",
}
MAX_TURN = 600  # characters of one turn shown; the rest is elided


def render_page(page: dict[str, Any], report: LintReport | None) -> Text:
    """A page of records as turns; each record's findings right under its header."""
    parts: list[Text] = []
    for rec in page.get("records", []):
        findings = report.for_record(rec["index"]) if report else []
        mark = " [b red]✗[/]" if any(f.severity == "error" for f in findings) else (
            " [yellow]![/]" if findings else " [green]✓[/]"
        )  # fmt: skip
        line = f" · line {rec['line']}" if rec.get("line") else ""
        parts.append(Text.from_markup(f"[b]record {rec['index']}[/b][dim]{line}[/]{mark}"))
        for role, content in rec["turns"]:
            text = content if len(content) <= MAX_TURN else content[:MAX_TURN] + " …"
            style = ROLE_STYLE.get(role, "bold yellow")
            parts.append(Text.assemble((f"{role:>9} ", style), text))
        for f in findings:
            where = f" ({f.field})" if f.field else ""
            color = "red" if f.severity == "error" else "yellow"
            parts.append(Text.from_markup(f"[{color}]          ↳ {escape(f.message)}{where}[/]"))
        parts.append(Text(""))
    if not parts:
        parts.append(Text("no records on this page", style="dim"))
    return Text("\n").join(parts)


def finding_row(f: Finding) -> tuple[Text, str, str, str]:
    where = "" if f.record is None else f"#{f.record}"
    if f.line is not None:
        where += f" L{f.line}"
    sev = Text("error", style="bold red") if f.severity == "error" else Text("warn", style="yellow")
    return (sev, where.strip() or "entry", f.field or "", f"{f.message} [{f.rule}]")


def summary_text(report: LintReport, name: str) -> str:
    head = f"[b]{escape(name)}[/b] · detected [b]{escape(report.kind)}[/b] · "
    head += f"{report.records} records · [red]{report.errors} errors[/] · "
    lines = [head + f"[yellow]{report.warnings} warnings[/]"]
    for note in report.notes:
        lines.append(f"  {escape(note)}")
    if report.placeholders:
        names = ", ".join("{{" + p + "}}" for p in report.placeholders)
        counts = ", ".join(f"{p}: {n} records" for p, n in report.placeholders.items())
        lines.append(f"  [yellow]placeholders {escape(names)}[/] ({counts}): fill them below")
    if report.counts:
        by_rule = " · ".join(f"{rule} {n}" for rule, n in sorted(report.counts.items()))
        lines.append(f"  [dim]{escape(by_rule)}[/]")
    return "\n".join(lines)
