"""The Export screen's GGUF job as a plain function (run in a thread worker, reports by
callback): `tui_ft.gguf.pipeline.run_gguf` with the same checks the CLI runs.

Everything goes through the app's Host, so the same job runs on a remote box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tui_ft.gguf import find_tools
from tui_ft.gguf.modelfile import ollama_create_argv
from tui_ft.gguf.pipeline import GGUFRun, GGUFSpec, PreflightFailed, run_gguf
from tui_ft.gguf.preflight import Preflight
from tui_ft.gguf.remote import finish_on, info_on, perplexity_on
from tui_ft.gguf.summary import template_problems
from tui_ft.gguf.verify import VerifyReport
from tui_ft.host.base import Host

Say = Callable[[str, str, float | None], None]
"""(step, line, fraction of the step done or None)."""


@dataclass
class GGUFJob:
    spec: GGUFSpec
    """What to write (the model, or the base model plus `adapter`, quants, datasets)."""
    verify: bool = True
    """Load the result, generate, compare with transformers (not for an adapter GGUF)."""


@dataclass
class GGUFOutcome:
    run: GGUFRun | None = None
    preflight: Preflight | None = None
    report: VerifyReport | None = None
    modelfile_text: str = ""
    ollama: list[str] | None = None
    error: str = ""


def run_gguf_job(host: Host, llama_cpp_dir: str | None, job: GGUFJob, say: Say) -> GGUFOutcome:
    """Run the job; a failed pre-flight comes back as an outcome with its checks and error."""
    tools = find_tools(host, llama_cpp_dir, lambda line: say("llama.cpp", line, None))
    data = job.spec.perplexity_data
    spec = replace(job.spec, verify=job.verify)
    try:
        run = run_gguf(
            host, tools, spec, say,
            inspect=lambda p: info_on(host, p),
            perplexity=(lambda p, lora: perplexity_on(host, p, str(data), lora)) if data else None,
            finish=lambda req: finish_on(host, req),
        )  # fmt: skip
    except PreflightFailed as exc:
        return GGUFOutcome(preflight=exc.preflight, error=str(exc))
    outcome = GGUFOutcome(run=run, preflight=run.preflight, report=run.verify)
    if run.modelfile:
        outcome.modelfile_text = host.read_text(run.modelfile)
        outcome.ollama = ollama_create_argv(host, "my-model", run.modelfile)
    problems = template_problems(run) if job.verify else []
    if problems:  # as `tui-ft gguf --verify`: a GGUF that builds other prompts is not done
        outcome.error = "template check failed: " + "; ".join(problems)
        say("template check failed", outcome.error, 1.0)
        return outcome
    say("done", "", 1.0)
    return outcome
