"""Run the heavy GGUF steps on the host: in-process here, `python -m tui_ft ...` on a box."""

from __future__ import annotations

import json

from tui_ft.gguf.finish import Finished, FinishRequest
from tui_ft.gguf.inspect import GGUFInfo, read_gguf_info
from tui_ft.gguf.template_check import TemplateReport
from tui_ft.gguf.tools import GGUFError
from tui_ft.gguf.verify import VerifyReport
from tui_ft.host.base import Host
from tui_ft.host.crash import failure_detail


def _json_command(host: Host, args: list[str], what: str, timeout: float = 600) -> dict:
    res = host.run([host.python, "-m", "tui_ft", *args, "--json"], timeout=timeout)
    lines = res.stdout.strip().splitlines()
    if not res.ok or not lines:
        # Never empty: a crash (no output at all) says which signal, the cause and the fix.
        detail = failure_detail(res.argv, res.returncode, res.stderr or res.stdout, res.where, 3)
        raise GGUFError(f"{what} failed on {host.describe()}: {detail}")
    return json.loads(lines[-1])


def info_on(host: Host, path: str) -> GGUFInfo:
    if not host.is_remote:
        try:
            return read_gguf_info(path)
        except (ValueError, OSError) as exc:
            raise GGUFError(f"{path}: not a readable GGUF file ({exc})") from exc
    return GGUFInfo.from_json(_json_command(host, ["gguf-info", path], f"reading {path}"))


def verify_on(host: Host, path: str, hf_dir: str | None = None) -> VerifyReport:
    """Always a subprocess, also locally: llama.cpp's native logs and memory stay out of the TUI."""
    args = ["gguf-verify", path] + (["--hf", hf_dir] if hf_dir else [])
    return VerifyReport.from_json(_json_command(host, args, f"verifying {path}"))


def template_check_on(
    host: Host, path: str, hf_dir: str, template: str, modelfile: str | None = None
) -> TemplateReport:
    """The template check, in a subprocess on the host (llamafactory, llama-cpp-python)."""
    args = ["gguf-check-template", path, "--hf", hf_dir, "--template", template]
    args += ["--modelfile", modelfile] if modelfile else []
    return TemplateReport.from_json(_json_command(host, args, f"checking the template of {path}"))


def finish_on(host: Host, req: FinishRequest) -> Finished:
    """Modelfile, template check and verify in one subprocess on the host (one import of
    transformers, llamafactory and llama-cpp-python instead of three)."""
    what = "the template check" if req.template else "verifying"
    data = _json_command(host, req.argv(), f"{what} of {req.gguf}")
    return Finished.from_json(data)


def perplexity_on(host: Host, path: str, data: str, lora: str | None = None) -> float:
    """Perplexity of `path` (plus adapter `lora`) on the held-out slice of dataset `data`."""
    args = ["gguf-perplexity", path, "--data", data] + (["--lora", lora] if lora else [])
    return float(_json_command(host, args, f"perplexity of {path}", timeout=3600)["value"])
