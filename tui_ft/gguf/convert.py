"""HF model folder -> GGUF with llama.cpp's converter (through `toolrun.run_to_file`:
a temporary name renamed on a clean exit, output to the log beside the result)."""

from __future__ import annotations

import posixpath
import re

from tui_ft.export.preflight import check_disk, weights_bytes
from tui_ft.gguf.toolrun import Progress, log_path, partial_path, run_to_file
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host

__all__ = ["OUTTYPES", "convert", "log_path", "partial_path"]

OUTTYPES = ("f16", "bf16", "q8_0")
_SIZE_FACTOR = {"f16": 1.0, "bf16": 1.0, "q8_0": 0.55}
_PERCENT = re.compile(r"Writing:\s+(\d+)%")


def convert(
    host: Host,
    tools: LlamaCppTools,
    model_dir: str,
    out: str,
    outtype: str = "f16",
    progress: Progress | None = None,
    *,
    log: str | None = None,
    check: bool = True,
) -> str:
    """Convert `model_dir` to the GGUF file `out`; returns `out`. Raises GGUFError.

    `check`: refuse at once (architecture, BPE pre-tokenizer) instead of after loading.
    `log`: append the converter's output to this file.
    """
    say = progress or (lambda _line, _frac: None)
    if outtype not in OUTTYPES:
        raise GGUFError(f"outtype must be one of {', '.join(OUTTYPES)}, got {outtype!r}")
    if not host.exists(posixpath.join(model_dir, "config.json")):
        raise GGUFError(f"{model_dir}: not a Hugging Face model folder (no config.json)")
    if host.exists(posixpath.join(model_dir, "adapter_config.json")):
        raise GGUFError(f"{model_dir} is a LoRA adapter: merge it first (tui-ft export)")
    # f32 sources shrink to half: the estimate errs on the safe side.
    estimate = int(weights_bytes(host, model_dir) * _SIZE_FACTOR[outtype])
    check_disk(host, out, estimate, what="the GGUF file")
    if check:
        from tui_ft.gguf.preflight import preflight

        say("pre-flight: architecture, pre-tokenizer, disk", None)
        bad = preflight(host, tools, model_dir, out, outtype).first_failure()
        if bad is not None:
            raise GGUFError(f"{model_dir}: {bad.detail}; fix: {bad.fix}")
    argv = [tools.python, tools.converter, model_dir, "--outtype", outtype, "--outfile"]
    run_to_file(
        host, lambda tmp: [*argv, tmp], out, failed=f"conversion of {model_dir} failed",
        title=f"convert {model_dir} -> {out} ({outtype})", log=log, progress=progress,
        fraction=_fraction, env=tools.converter_env, reason=_reason,
    )  # fmt: skip
    return out


def _fraction(line: str) -> float | None:
    m = _PERCENT.search(line)
    return int(m.group(1)) / 100 if m else None


def _reason(lines: list[str]) -> str:
    """The converter's own error line (the last exception line), else its last lines."""
    for line in reversed(lines):
        text = line.strip()
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", text):
            return text
    return " | ".join(ln.strip() for ln in lines[-3:] if ln.strip())
