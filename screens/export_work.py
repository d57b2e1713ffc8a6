"""The Export screen's jobs as plain functions (run in thread workers, report by callbacks).

Everything goes through the app's Host, so the same jobs run on a remote box.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_ft.gguf import find_tools
from tui_ft.gguf.convert import convert
from tui_ft.gguf.modelfile import ollama_create_argv, write_modelfile
from tui_ft.gguf.quantize import quantize, quantized_name
from tui_ft.gguf.remote import info_on, verify_on
from tui_ft.gguf.verify import VerifyReport
from tui_ft.host.base import Host

Say = Callable[[str, float | None], None]


@dataclass
class GGUFJob:
    model: str
    out: str
    outtype: str = "f16"
    quant: str | None = None
    template: str | None = None
    modelfile: bool = True
    verify: bool = True


@dataclass
class GGUFOutcome:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(file, type, size in bytes as text, note) per written GGUF."""
    report: VerifyReport | None = None
    modelfile: str | None = None
    modelfile_text: str = ""
    ollama: list[str] | None = None


def run_gguf_job(host: Host, llama_cpp_dir: str | None, job: GGUFJob, say: Say) -> GGUFOutcome:
    outcome = GGUFOutcome()
    tools = find_tools(host, llama_cpp_dir, lambda line: say(line, None))
    say(f"converting with {tools.describe()}", 0.0)
    convert(host, tools, job.model, job.out, job.outtype, say)
    size = host.stat(job.out).size  # type: ignore[union-attr]
    outcome.rows.append((posixpath.basename(job.out), job.outtype, str(size), "converted"))
    final = job.out
    if job.quant:
        target = quantized_name(job.out, job.quant)
        say(f"quantising to {job.quant}", 0.0)
        res = quantize(
            host, tools, job.out, target, job.quant, progress=say,
            inspect=lambda p: info_on(host, p),
        )  # fmt: skip
        note = f"{len(res.fallbacks)} tensor(s) fell back" if res.fallbacks else "quantised"
        outcome.rows.append((posixpath.basename(target), job.quant, str(res.size), note))
        for fb in res.fallbacks:
            say(f"fallback: {fb.describe()}", None)
        final = target
    if job.verify:
        say(f"verifying {posixpath.basename(final)} (load, generate, compare)", None)
        outcome.report = verify_on(host, final, job.model)
    if job.modelfile and job.template:
        say("writing the Ollama Modelfile", None)
        outcome.modelfile = write_modelfile(host, job.model, job.template, final)
        outcome.modelfile_text = host.read_text(outcome.modelfile)
        outcome.ollama = ollama_create_argv(host, "my-model", outcome.modelfile)
    say("done", 1.0)
    return outcome


def verify_text(report: VerifyReport) -> str:
    info = report.info
    lines = [
        f"architecture {info.architecture} · {info.tensor_count} tensors · "
        f"vocabulary {info.vocab_size} · chat template "
        f"{'present' if info.has_chat_template else 'MISSING'}",
        f"reply: {report.reply.strip()[:120]}",
    ]
    if report.tokens_equal is not None:
        lines.append(
            "tokenisation = Hugging Face" if report.tokens_equal else "tokenisation DIFFERS"
        )
    if report.greedy_equal is not None:
        verdict = "matches" if report.greedy_equal else "DIFFERS from"
        lines.append(f"greedy output {verdict} transformers ({len(report.greedy_hf or [])} tokens)")
    return "\n".join(lines)
