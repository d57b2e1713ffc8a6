"""The whole GGUF step as one call with a structured result (CLI table, --json, screen).

pre-flight -> convert (model, or adapter, or merge-then-convert when the adapter can't be
a GGUF adapter) -> quantise each type -> perplexity per file -> Modelfile, template check
and verify (one host process). Tool output goes to `NAME.log` beside the output;
`progress(step, line, fraction)` gets every line, for a bar or for `-v`.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable

from tui_ft.gguf.adapter import convert_adapter, merge_reasons, resolve_adapter
from tui_ft.gguf.convert import convert, log_path
from tui_ft.gguf.finish import Finished, FinishRequest
from tui_ft.gguf.preflight import preflight
from tui_ft.gguf.quantize import IMATRIX_REQUIRED, quantize, quantized_name
from tui_ft.gguf.run_types import (
    FallbackGroup,
    FileRow,
    GGUFRun,
    GGUFSpec,
    PreflightFailed,
    group_fallbacks,
)
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host

__all__ = ["FallbackGroup", "FileRow", "GGUFRun", "GGUFSpec", "PreflightFailed", "group_fallbacks",
           "refuse_iquants", "run_gguf"]  # fmt: skip

Progress = Callable[[str, str, float | None], None]
"""(step, line, fraction done or None)."""


def refuse_iquants(quants: list[str], imatrix: str | None) -> None:
    """I-quants without an importance matrix come out useless: refuse them up front."""
    iq = [q for q in quants if q.upper() in IMATRIX_REQUIRED]
    if iq and not imatrix:
        raise GGUFError(
            f"{', '.join(iq)}: i-quants need an importance matrix; pass --imatrix DATASET "
            "(built from the training data) or choose a K-quant such as Q4_K_M"
        )


def run_gguf(
    host: Host,
    tools: LlamaCppTools,
    spec: GGUFSpec,
    progress: Progress | None = None,
    *,
    inspect: Callable[[str], object] | None = None,
    perplexity: Callable[[str, str | None], float] | None = None,
    finish: Callable[[FinishRequest], Finished],
) -> GGUFRun:
    """Run the GGUF step; raises GGUFError (a failed pre-flight names its fix).

    `finish` runs the last steps on the host (`tui_ft.gguf.remote.finish_on`)."""
    say = progress or (lambda _s, _l, _f: None)
    log = log_path(spec.out)
    if host.exists(log):
        host.remove(log)
    run = GGUFRun(mode="model", log=log, template=spec.template)
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        run.seconds[name] = round(now - clock, 2)
        clock = now

    refuse_iquants(spec.quants, spec.imatrix)  # before a conversion, not after it
    source = spec.model
    adapter_dir = resolve_adapter(host, spec.adapter) if spec.adapter else None
    if adapter_dir:
        reasons = merge_reasons(host, tools.python, spec.model, adapter_dir)
        run.mode = "merged" if reasons else "adapter"
        run.reason = "; ".join(reasons) or None
    say("pre-flight", "architecture, pre-tokenizer, disk", None)
    weights = adapter_dir if run.mode == "adapter" else None
    run.preflight = preflight(host, tools, spec.model, spec.out, spec.outtype, weights_dir=weights)
    lap("preflight")
    bad = run.preflight.first_failure()
    if bad is not None:
        raise PreflightFailed(f"{spec.model}: {bad.detail}; fix: {bad.fix}", run.preflight)
    if run.mode == "merged":
        source = _merge(host, spec, adapter_dir, run, say)  # type: ignore[arg-type]
        lap("merge")
    run.source = source
    step = lambda name: lambda line, frac: say(name, line, frac)  # noqa: E731
    if run.mode == "adapter":
        convert_adapter(host, tools, spec.model, adapter_dir, spec.out, spec.outtype,  # type: ignore[arg-type]
                        step("convert adapter"), log=log)  # fmt: skip
    else:
        convert(host, tools, source, spec.out, spec.outtype, step("convert"), log=log, check=False)
    lap("convert")
    run.files.append(_row(host, spec.out, "adapter" if run.mode == "adapter" else spec.outtype,
                          inspect))  # fmt: skip
    final, base = spec.out, spec.out
    if run.mode == "adapter":
        base = final = spec.base_gguf or _base_gguf(host, tools, spec, log, step)
        lap("convert base")
    qtools, matrix = tools, spec.imatrix
    if spec.quants and matrix:
        qtools, matrix = _imatrix_tools(host, tools, spec, base, log, step)
        run.imatrix = matrix
        lap("imatrix")
    for qtype in spec.quants:
        target = quantized_name(base, qtype.upper())
        res = quantize(
            host, qtools, base, target, qtype, progress=step(f"quantise {qtype.upper()}"),
            inspect=inspect, log=log, imatrix=matrix,  # type: ignore[arg-type]
        )  # fmt: skip
        row = _row(host, target, res.qtype, inspect)
        row.fallbacks = group_fallbacks(res.fallbacks)
        run.files.append(row)
        final = target
        lap(f"quantise {res.qtype}")
    if perplexity and spec.perplexity_data:
        if run.mode == "adapter":
            _add_base_row(host, run, base, spec, inspect)
        # With an adapter, each quant is measured as Ollama runs it: FROM quant + ADAPTER.
        adapter_file = spec.out if run.mode == "adapter" else None
        for row in run.files:
            say("perplexity", row.path, None)
            if row.kind == "adapter":
                model, lora = base, row.path
            else:
                model, lora = row.path, None if row.path == base else adapter_file
            row.perplexity = perplexity(model, lora)
        lap("perplexity")
    req = FinishRequest(
        final, source, spec.template, spec.modelfile and bool(spec.template),
        spec.out if run.mode == "adapter" else None,
        spec.verify and run.mode != "adapter",  # an adapter: the template check covers it
    )  # fmt: skip
    if req.template or req.verify:
        # One process on the host for the Modelfile, the template check and verify.
        say("template check" if req.template else "verify", final, None)
        done = finish(req)
        run.modelfile, run.template_check = done.modelfile, done.template_check
        run.verify = done.verify
        lap("checks")
    return run


def _imatrix_tools(host: Host, tools: LlamaCppTools, spec: GGUFSpec, base: str, log: str, step):
    """(tools with a llama-quantize that takes a matrix, the matrix file); builds on demand."""
    from dataclasses import replace

    from tui_ft.gguf.build import ensure_built
    from tui_ft.gguf.imatrix import compute_imatrix, is_dataset
    from tui_ft.gguf.tools import installed_versions

    if tools.quantize and not is_dataset(str(spec.imatrix)):
        return tools, spec.imatrix  # a matrix file and a llama-quantize: nothing to build
    version = installed_versions(host, tools.python)["llama_cpp_python"]
    if not version:
        raise GGUFError("an importance matrix needs llama.cpp's tools: set llama_cpp_dir")
    built = ensure_built(host, tools.python, version, step("build llama.cpp tools"))
    qtools = replace(tools, quantize=tools.quantize or built.quantize)
    if not is_dataset(str(spec.imatrix)):
        return qtools, spec.imatrix
    stem = base[:-5] if base.endswith(".gguf") else base
    matrix = compute_imatrix(host, built, base, str(spec.imatrix), f"{stem}.imatrix.gguf",
                             step("importance matrix"), log=log)  # fmt: skip
    return qtools, matrix


def _row(host: Host, path: str, kind: str, inspect) -> FileRow:
    size = host.stat(path).size  # type: ignore[union-attr]
    bpw = round(inspect(path).bits_per_weight, 2) if inspect else 0.0
    return FileRow(path, kind, size, bpw)


def _add_base_row(host: Host, run: GGUFRun, base: str, spec: GGUFSpec, inspect) -> None:
    if not any(r.path == base for r in run.files):
        run.files.insert(0, _row(host, base, spec.outtype + " (base)", inspect))


def _base_gguf(host: Host, tools: LlamaCppTools, spec: GGUFSpec, log: str, step) -> str:
    """The base model's GGUF beside the adapter (converted once, then reused)."""
    name = posixpath.basename(spec.model.rstrip("/")) + f"-{spec.outtype}.gguf"
    path = posixpath.join(posixpath.dirname(spec.out), name)
    if not host.exists(path):
        convert(host, tools, spec.model, path, spec.outtype, step("convert base"), log=log)
    return path


def _merge(host: Host, spec: GGUFSpec, adapter_dir: str, run: GGUFRun, say: Progress) -> str:
    from tui_ft.export import ExportSpec, run_export

    stem = posixpath.basename(spec.out)
    stem = stem[:-5] if stem.endswith(".gguf") else stem
    merged = posixpath.join(posixpath.dirname(spec.out), f"{stem}-merged")
    if host.exists(merged):
        raise GGUFError(f"{merged} already exists (an earlier merge?): remove it or choose --out")
    say("merge", f"merging instead of an adapter GGUF: {run.reason}", None)
    export = ExportSpec(model=spec.model, adapter=adapter_dir, export_dir=merged,
                        template=spec.template or "default")  # fmt: skip
    run_export(host, export, lambda line: say("merge", line, None))
    return merged
