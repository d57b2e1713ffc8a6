"""What the Export screen shows of a GGUF run, as plain data and Rich markup (no widgets):
the quality table's rows, the pre-flight and template-check panels, the verify report,
and the quant types on offer (the i-quants only with an importance matrix)."""

from __future__ import annotations

import posixpath

from rich.markup import escape

from tui_ft.gguf.pipeline import GGUFRun
from tui_ft.gguf.preflight import Preflight
from tui_ft.gguf.quantize import IQ_TYPES, QUANT_TYPES
from tui_ft.gguf.summary import perplexity_delta
from tui_ft.gguf.template_check import TemplateReport
from tui_ft.gguf.verify import VerifyReport
from tui_ft.units import human_bytes

# The numbers first: on a narrow terminal the file name is what scrolls out of sight.
QUALITY_COLUMNS = (("type", 10), ("size", 7), ("bpw", 5), ("ppl", 8), ("Δ ppl", 6), ("file", 26))
IQ_REASON = "IQ quants need an importance matrix"


def quant_options(has_imatrix: bool) -> list[tuple[str, str]]:
    """K-quants always; the i-quants only when a matrix (or its dataset) is given."""
    types = QUANT_TYPES + (IQ_TYPES if has_imatrix else ())
    return [(t, t) for t in types]


def quality_rows(run: GGUFRun) -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for row in run.files:
        ppl = f"{row.perplexity:.3f}" if row.perplexity is not None else "—"
        rows.append((
            row.kind, human_bytes(row.size), f"{row.bpw:.2f}", ppl,
            perplexity_delta(run, row.perplexity), posixpath.basename(row.path),
        ))  # fmt: skip
    return rows


def notes_text(run: GGUFRun) -> str:
    """Merged instead of an adapter (and why), the matrix used, K-quant fallbacks."""
    lines = []
    if run.mode == "merged":
        lines.append(f"[yellow]merged instead of an adapter GGUF:[/] {escape(run.reason or '')}")
    if run.mode == "adapter" and any(r.perplexity is not None for r in run.files):
        lines.append("perplexity of each quant with the adapter applied (FROM + ADAPTER)")
    if run.imatrix:
        lines.append(f"importance matrix: {escape(posixpath.basename(run.imatrix))}")
    for row in run.files:
        for fb in row.fallbacks:
            wanted = fb.wanted or "a k-quant"
            lines.append(
                f"{escape(row.kind)} {escape(fb.role)}: {fb.count}× {wanted} → {fb.got} "
                f"({fb.bpw} bpw)"
            )
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "[green]✓[/]" if ok else "[red]✗[/]"


def preflight_text(result: Preflight | None) -> str:
    if result is None:
        return "[dim]architecture, pre-tokenizer and disk are checked before converting[/]"
    lines = []
    for item in result.items:
        lines.append(f"{_mark(item.ok)} {escape(item.name)}: {escape(item.detail)}")
        if not item.ok and item.fix:
            lines.append(f"   [b]fix:[/b] {escape(item.fix)}")
    return "\n".join(lines)


def template_text(report: TemplateReport | None, template: str | None) -> str:
    if report is None:
        if not template:
            return "[dim]no template: fill in 'template' to compare the prompts[/]"
        return "[dim]the GGUF's and the Modelfile's prompts are compared with the training one[/]"
    state = "[green]matches[/]" if report.ok else "[red]MISMATCH[/]"
    lines = [f"template {escape(report.template)}: {state} ({report.seconds:.1f} s)"]
    for item in report.items:
        lines.append(f"{_mark(item.ok)} {escape(item.name)}: {escape(item.detail)}")
        if not item.ok and item.fix:
            lines.append(f"   [b]fix:[/b] {escape(item.fix)}")
    return "\n".join(lines)


def verify_text(report: VerifyReport) -> str:
    info = report.info
    lines = [
        f"architecture {info.architecture} · {info.tensor_count} tensors · "
        f"vocabulary {info.vocab_size} · chat template "
        f"{'present' if info.has_chat_template else 'MISSING'}",
        f"reply: {escape(report.reply.strip()[:120])}",
    ]
    if report.tokens_equal is not None:
        lines.append(
            "tokenisation = Hugging Face" if report.tokens_equal else "tokenisation DIFFERS"
        )
    if report.greedy_equal is not None:
        verdict = "matches" if report.greedy_equal else "DIFFERS from"
        lines.append(f"greedy output {verdict} transformers ({len(report.greedy_hf or [])} tokens)")
    return "\n".join(lines)
