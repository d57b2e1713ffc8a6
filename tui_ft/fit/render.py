"""The fit report as a compact table (the CLI prints it; the Train panel shows its head)."""

from __future__ import annotations

from tui_ft.fit.check import FitReport

GIB = 1 << 30


def gib(n: float) -> str:
    """GiB with one decimal; MiB under 1 GiB, so a small model's parts do not all read 0.0."""
    if abs(n) < GIB:
        return f"{n / (1 << 20):.0f} MiB"
    return f"{n / GIB:.1f} GiB"


def headline(r: FitReport) -> str:
    """One line: total per GPU against the tightest GPU, and the verdict."""
    est = r.estimate
    # GiB with one decimal even for small models: a line that does not twitch on every key
    each = f"{est.total / GIB:.1f} GiB per GPU" + (f" x {est.gpus}" if est.gpus > 1 else "")
    if not r.gpus:
        return f"{each} · no GPU here to judge against"
    worst = min(r.gpus, key=lambda g: g.free)
    return f"{each} · {gib(worst.free)} free on GPU {worst.index} · {r.verdict}"


def table(r: FitReport) -> list[str]:
    est = r.estimate
    lines = [
        f"model    {r.model}  ({est.params / 1e9:.2f} B params, "
        f"{est.trainable / 1e6:,.1f} M trainable)",
        f"sequence {est.seq_len} tokens: {r.seq_source}",
        "",
    ]
    width = max(len(p.label) for p in est.parts)
    for p in est.parts:
        lines.append(f"  {p.label:<{width}}  {gib(p.bytes):>10}  {p.detail}")
    lines.append(
        f"  {'torch peak':<{width}}  {gib(est.allocated):>10}  torch.cuda.max_memory_allocated"
    )
    lines.append(f"  {'total':<{width}}  {gib(est.total):>10}  per GPU, as NVML shows it")
    lines.append("")
    if r.lengths is not None:
        lines += [f"note     {n}" for n in r.lengths.notes]
    if not r.gpus:
        lines.append(
            f"GPU      no GPU ({r.gpu_note or 'none found'}): no verdict; --free SIZE plans for one"
        )
    for g in r.gpus:
        lines.append(
            f"GPU {g.index}    {g.name}: {gib(g.free)} free of {gib(g.total)} -> {g.verdict}"
        )
    for note in est.notes:
        lines.append(f"note     {note}")
    if r.suggestions:
        lines += ["", "to make it fit (each alone, new total per GPU):"]
        for s in r.suggestions:
            extra = f"; {s.note}" if s.note else ""
            lines.append(f"  {gib(s.total):>10}  {s.verdict:<9}  {s.change}{extra}")
    return lines
