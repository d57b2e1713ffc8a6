"""`tui-ft gguf`: the GGUF pipeline with a progress bar per step and a summary table
(`--json` for the structured result, `-v` for the tools' raw output)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config


def run_gguf_cmd(args: argparse.Namespace) -> int:
    from tui_ft.export.preflight import DiskSpaceError
    from tui_ft.gguf import GGUFError, find_tools
    from tui_ft.gguf.pipeline import GGUFSpec, refuse_iquants, run_gguf
    from tui_ft.gguf.remote import finish_on, info_on, perplexity_on
    from tui_ft.gguf.summary import summary_lines, template_problems
    from tui_ft.lf.recorded import recorded_template_for

    config = load_config()
    host = host_from_args(args, config)
    local = not host.is_remote

    def path(p: str | None, *under: str) -> str | None:
        # on a box, relative means the box's workspace, never its user's home
        return host_path(args, host, p, *under) if p else None

    model, out = str(path(args.model, "models")), str(path(args.out, "exports"))
    try:
        refuse_iquants([q.upper() for q in args.quant or []], args.imatrix)
    except GGUFError as exc:
        raise CLIError(str(exc), 1) from exc
    if not host.exists(f"{model.rstrip('/')}/config.json"):  # before any download or build
        raise CLIError(f"{model}: not a Hugging Face model folder (no config.json)", 1)
    template = args.template or recorded_template_for(host, model, path(args.adapter, "runs"))
    if args.modelfile and not template:
        raise CLIError(f"{model} records no template: pass --template (e.g. default, qwen)")
    spec = GGUFSpec(
        model=model, out=out, outtype=args.outtype, quants=[q.upper() for q in args.quant or []],
        adapter=path(args.adapter, "runs"), base_gguf=path(args.base_gguf, "exports"),
        modelfile=args.modelfile,
        template=template, perplexity_data=path(args.perplexity, "datasets"),
        imatrix=path(args.imatrix, "datasets"), verify=args.verify,
    )  # fmt: skip
    data = spec.perplexity_data
    try:
        with _steps(args.verbose) as say:
            # llama_cpp_dir is a path on this machine: a box uses its own tools.
            tools = find_tools(
                host, config.llama_cpp_dir if local else None,
                lambda line: say("llama.cpp", line, None),
            )  # fmt: skip
            run = run_gguf(
                host, tools, spec, say,
                inspect=lambda p: info_on(host, p),
                perplexity=(lambda p, lora: perplexity_on(host, p, str(data), lora))
                if data else None,
                finish=lambda req: finish_on(host, req),
            )  # fmt: skip
        report = run.verify
    except (GGUFError, DiskSpaceError) as exc:
        raise CLIError(str(exc), 1) from exc
    if args.json:
        print(json.dumps(run.to_json(), ensure_ascii=False))
    else:
        print("\n".join(summary_lines(run)))
        if report is not None:
            print(f"verify: reply {report.reply[:60]!r}")
    problems = []
    if args.verify and not template:
        print("warning: no template recorded with the model: pass --template to check the "
              "prompt format", file=sys.stderr)  # fmt: skip
    if run.template_check and not run.template_check.ok and (args.verify or args.modelfile):
        problems += template_problems(run)
    if report is not None and not report.ok:
        problems.append(f"verification of {report.info.path} failed: {_mismatch(report)}")
    if problems and args.verify:
        raise CLIError("; ".join(problems), 1)
    for line in problems:  # without --verify the files are there; say what to fix
        print(f"warning: {line}", file=sys.stderr)
    return 0


@contextmanager
def _steps(verbose: bool) -> Iterator[Callable[[str, str, float | None], None]]:
    """One progress bar per step on a terminal, the raw tool output with -v, else step names."""
    if verbose or not sys.stderr.isatty():
        seen: set[str] = set()

        def plain(step: str, line: str, _frac: float | None) -> None:
            if verbose:
                print(line.rstrip(), file=sys.stderr, flush=True)
            elif step not in seen:
                seen.add(step)
                print(f"{step} ...", file=sys.stderr, flush=True)

        yield plain
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        tasks: dict[str, object] = {}

        def update(step: str, line: str, frac: float | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=1.0)
            task = tasks[step]
            text = line.strip()[:50]
            bar.update(task, completed=frac if frac is not None else None,  # type: ignore[arg-type]
                       description=f"{step}: {text}" if text else step)  # fmt: skip

        yield update


def _mismatch(report) -> str:
    bad = [t.text for t in report.tokens if not t.equal]
    parts = [f"tokenisation differs for {bad}"] if bad else []
    if report.greedy_equal is False:
        parts.append(f"greedy tokens differ: HF {report.greedy_hf} vs GGUF {report.greedy_gguf}")
    return "; ".join(parts) or "empty reply"
