"""The GGUF step's result as a plain-text table (the CLI's summary; the screen renders the
same `GGUFRun` fields in a DataTable)."""

from __future__ import annotations

import os

from tui_ft.gguf.pipeline import GGUFRun
from tui_ft.units import human_bytes


def perplexity_delta(run: GGUFRun, value: float | None) -> str:
    """'+3.1%' against the unquantised file's perplexity: the first row, or with an adapter
    the f16 base plus the adapter (what the quants plus the adapter are compared with)."""
    rows = [r for r in run.files if r.kind == "adapter"] or run.files
    ref = next((r.perplexity for r in rows if r.perplexity is not None), None)
    if value is None or ref is None or value == ref:
        return ""
    return f"{(value / ref - 1) * 100:+.1f}%"


def summary_lines(run: GGUFRun) -> list[str]:
    lines = []
    if run.mode == "merged":
        lines.append(f"merged instead of an adapter GGUF: {run.reason}")
    lines.append(f"{'file':34} {'type':12} {'size':>9} {'':>11} {'bpw':>6} {'perplexity':>11}")
    ref = next((r for r in run.files if r.kind != "adapter"), None)
    for row in run.files:
        share = ""
        if ref is not None and row.kind.isupper():  # a quant: its size against the source
            share = f"{row.size / ref.size:.0%} of {ref.kind.split()[0]}"
        ppl = f"{row.perplexity:.3f}" if row.perplexity is not None else "-"
        delta = perplexity_delta(run, row.perplexity)
        lines.append(
            f"{os.path.basename(row.path)[:34]:34} {row.kind:12} {human_bytes(row.size):>9} "
            f"{share:>11} {row.bpw:6.2f} {ppl:>11} {delta}".rstrip()
        )
        for fb in row.fallbacks:
            wanted = fb.wanted or "a k-quant"
            lines.append(f"    {fb.role}: {fb.count}x {wanted} -> {fb.got} ({fb.bpw} bpw)")
    if run.modelfile:
        lines.append(f"Modelfile: {run.modelfile}")
    if run.template_check is not None:
        state = "ok" if run.template_check.ok else "MISMATCH"
        lines.append(f"template check ({run.template}): {state}")
        for item in run.template_check.items:
            lines.append(f"  {'ok  ' if item.ok else 'FAIL'} {item.name}: {item.detail}")
            if item.fix:
                lines.append(f"       fix: {item.fix}")
    lines.append(f"log: {run.log}")
    return lines


def template_problems(run: GGUFRun) -> list[str]:
    """Each failed template check as one 'what: detail; fix: how' (the CLI's error with
    --verify, its warnings without; the Export screen's failure)."""
    check = run.template_check
    return [f"{i.name}: {i.detail}; fix: {i.fix}" for i in check.failures()] if check else []
