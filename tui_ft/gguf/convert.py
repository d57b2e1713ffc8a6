"""HF model folder -> GGUF with llama.cpp's converter, written to a temporary name first.

The converter writes its output as it goes; killed or failing half-way it leaves a
truncated .gguf that loads as garbage or not at all. Here it writes
`.<name>.partial` beside the target, renamed only after a clean exit, so the target
is either the previous file or a complete new one.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from tui_ft.export.preflight import check_disk, weights_bytes
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host, HostError

OUTTYPES = ("f16", "bf16", "q8_0")
_SIZE_FACTOR = {"f16": 1.0, "bf16": 1.0, "q8_0": 0.55}
_PERCENT = re.compile(r"Writing:\s+(\d+)%")

Progress = Callable[[str, float | None], None]
"""(line, fraction done or None)."""


def partial_path(out: str) -> str:
    parent, name = posixpath.split(out)
    return posixpath.join(parent, f".{name}.partial")


def log_path(out: str) -> str:
    """The log of the converter and quantiser runs for `out`: `NAME.log` beside it."""
    return (out[:-5] if out.endswith(".gguf") else out) + ".log"


class RunLog:
    """Collects a tool's output lines and writes them to the log file beside the output.

    The terminal gets a progress bar; the full text stays in the file (appended per step).
    """

    def __init__(self, host: Host, path: str | None) -> None:
        self.host, self.path, self.lines = host, path, []

    def add(self, line: str) -> None:
        self.lines.append(line.rstrip("\n"))

    def flush(self, title: str) -> None:
        if not self.path:
            return
        old = self.host.read_text(self.path) if self.host.exists(self.path) else ""
        self.host.write_text(self.path, old + f"==> {title}\n" + "\n".join(self.lines) + "\n")
        self.lines = []


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
    tmp = partial_path(out)
    runlog = RunLog(host, log)
    host.makedirs(posixpath.dirname(out) or ".")
    argv = [tools.python, tools.converter, model_dir, "--outfile", tmp, "--outtype", outtype]
    lines: list[str] = []
    try:
        for line in host.stream(argv, env=tools.converter_env or None):
            lines.append(line)
            runlog.add(line)
            m = _PERCENT.search(line)
            say(line, int(m.group(1)) / 100 if m else None)
        host.rename(tmp, out)
    except HostError as exc:
        raise GGUFError(f"conversion of {model_dir} failed: {exc}: {_reason(lines)}") from exc
    finally:
        runlog.flush(f"convert {model_dir} -> {out} ({outtype})")
        if host.exists(tmp):
            host.remove(tmp)
    return out


def _reason(lines: list[str]) -> str:
    """The converter's own error line (the last exception line), else its last lines."""
    for line in reversed(lines):
        text = line.strip()
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", text):
            return text
    return " | ".join(ln.strip() for ln in lines[-3:] if ln.strip())
