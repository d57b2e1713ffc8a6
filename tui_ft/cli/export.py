"""`tui-ft export` (merge a LoRA) and `tui-ft gguf` (convert, quantise, Modelfile), headless.

Also `gguf-info` and `gguf-verify`, which print JSON with `--json`: the TUI runs them
on a remote box to read and test GGUF files where they are.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tui_ft.cli.common import CLIError, host_from_args, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="merge a LoRA adapter into its base model")
    p.add_argument("--model", required=True, metavar="DIR", help="base model folder")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter folder (a run's output)")
    p.add_argument("--template", default="default", help="LLaMA-Factory template (default)")
    p.add_argument("--out", required=True, metavar="DIR", help="export folder (must not exist)")
    p.add_argument("--size", type=int, default=5, help="shard size in GB (5)")
    p.add_argument("--device", choices=("cpu", "auto"), default="cpu")
    p.add_argument("--legacy-format", action="store_true", help=".bin instead of safetensors")
    p.add_argument("--hub-model-id", help="also push to this hub repository")
    p.set_defaults(handler=run_export_cmd)

    g = sub.add_parser("gguf", help="convert a model folder to GGUF, quantise, write a Modelfile")
    g.add_argument("model", metavar="MODEL_DIR")
    g.add_argument("--out", required=True, metavar="FILE.gguf")
    g.add_argument("--outtype", choices=("f16", "bf16", "q8_0"), default="f16")
    g.add_argument("--quant", action="append", metavar="TYPE", help="e.g. Q4_K_M (repeatable)")
    g.add_argument("--modelfile", action="store_true", help="write an Ollama Modelfile beside")
    g.add_argument("--template", help="LLaMA-Factory template (default: the export's)")
    g.add_argument("--verify", action="store_true", help="load the result and generate")
    g.set_defaults(handler=run_gguf_cmd)

    i = sub.add_parser("gguf-info", help="architecture, tensors, vocabulary of a GGUF file")
    i.add_argument("file")
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=run_info_cmd)

    v = sub.add_parser("gguf-verify", help="load a GGUF, generate, compare with its HF model")
    v.add_argument("file")
    v.add_argument("--hf", metavar="DIR", help="the Hugging Face folder it was converted from")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=run_verify_cmd)


@contextmanager
def _progress(title: str) -> Iterator[Callable[[str, float | None], None]]:
    """A rich progress bar on a terminal; plain lines on stderr otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        yield lambda line, _frac: print(line, file=sys.stderr, flush=True)
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task(title, total=1.0)

        def update(line: str, frac: float | None) -> None:
            text = line.strip()[:60]
            if frac is not None:
                bar.update(task, completed=frac, description=f"{title}: {text}")
            elif text:
                bar.update(task, description=f"{title}: {text}")

        yield update


def run_export_cmd(args: argparse.Namespace) -> int:
    from tui_ft.export import DiskSpaceError, ExportError, ExportSpec, run_export

    host = host_from_args(args, load_config())
    spec = ExportSpec(
        model=os.path.abspath(args.model) if not host.is_remote else args.model,
        adapter=(os.path.abspath(args.adapter) if not host.is_remote else args.adapter)
        if args.adapter
        else None,
        export_dir=os.path.abspath(args.out) if not host.is_remote else args.out,
        template=args.template,
        export_size=args.size,
        export_device=args.device,
        export_legacy_format=args.legacy_format,
        export_hub_model_id=args.hub_model_id,
    )
    try:
        with _progress("merging") as say:
            out = run_export(host, spec, lambda line: say(line, None))
    except (ExportError, DiskSpaceError) as exc:
        raise CLIError(str(exc), 1) from exc
    print(out)
    return 0


def run_gguf_cmd(args: argparse.Namespace) -> int:
    from tui_ft.export.merge import read_export_args
    from tui_ft.export.preflight import DiskSpaceError
    from tui_ft.gguf import GGUFError, find_tools
    from tui_ft.gguf.convert import convert
    from tui_ft.gguf.modelfile import write_modelfile
    from tui_ft.gguf.quantize import quantize, quantized_name
    from tui_ft.gguf.remote import info_on, verify_on
    from tui_ft.units import human_bytes

    config = load_config()
    host = host_from_args(args, config)
    local = not host.is_remote
    model = os.path.abspath(args.model) if local else args.model
    out = os.path.abspath(args.out) if local else args.out
    template = args.template or read_export_args(host, model).get("template")
    if args.modelfile and not template:
        raise CLIError(f"{model} records no template: pass --template (e.g. default, qwen)")
    try:
        with _progress("preparing llama.cpp") as say:
            tools = find_tools(host, config.llama_cpp_dir, lambda line: say(line, None))
        with _progress(f"converting to {args.outtype}") as say:
            convert(host, tools, model, out, args.outtype, say)
        print(f"{out}  {human_bytes(host.stat(out).size)}")  # type: ignore[union-attr]
        final = out
        for qtype in args.quant or []:
            target = quantized_name(out, qtype.upper())
            with _progress(f"quantising {qtype.upper()}") as say:
                res = quantize(host, tools, out, target, qtype, progress=say,
                               inspect=lambda p: info_on(host, p))  # fmt: skip
            print(f"{target}  {human_bytes(res.size)}  ({res.size / res.source_size:.0%} of f16)")
            if res.fallbacks:
                print(f"  note: {res.summary()}")
                for fb in res.fallbacks:
                    print(f"    {fb.describe()}")
            final = target
        if args.modelfile:
            path = write_modelfile(host, model, str(template), final)
            print(f"Modelfile: {path}")
            if host.which("ollama"):
                print(f"  import it: cd {os.path.dirname(path)} && ollama create NAME -f Modelfile")
        if args.verify:
            report = verify_on(host, final, model)
            print(f"verify: {report.info.architecture}, {report.info.tensor_count} tensors, "
                  f"vocab {report.info.vocab_size}, chat template "
                  f"{'present' if report.info.has_chat_template else 'MISSING'}; "
                  f"reply: {report.reply[:60]!r}")  # fmt: skip
            if not report.ok:
                raise CLIError(f"verification of {final} failed: {_mismatch(report)}", 1)
    except (GGUFError, DiskSpaceError) as exc:
        raise CLIError(str(exc), 1) from exc
    return 0


def _mismatch(report) -> str:
    bad = [t.text for t in report.tokens if not t.equal]
    parts = [f"tokenisation differs for {bad}"] if bad else []
    if report.greedy_equal is False:
        parts.append(f"greedy tokens differ: HF {report.greedy_hf} vs GGUF {report.greedy_gguf}")
    return "; ".join(parts) or "empty reply"


def run_info_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf.inspect import read_gguf_info

    try:
        info = read_gguf_info(args.file)
    except (ValueError, OSError) as exc:
        raise CLIError(f"{args.file}: not a readable GGUF file ({exc})", 1) from exc
    if args.json:
        print(json.dumps(info.to_json()))
        return 0
    template = "yes" if info.has_chat_template else "no"
    print(
        f"{info.path}: {info.architecture} '{info.name}', {info.tensor_count} tensors, "
        f"vocab {info.vocab_size}, chat template {template}"
    )
    for name, count in sorted(info.type_counts().items()):
        print(f"  {name:6} {count}")
    return 0


def run_verify_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf.verify import verify_gguf

    try:
        report = verify_gguf(args.file, args.hf)
    except (ValueError, OSError, RuntimeError) as exc:
        raise CLIError(f"{args.file}: could not load and run ({exc})", 1) from exc
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(f"reply: {report.reply!r}")
        if report.tokens:
            print(f"tokenisation equal: {report.tokens_equal}; greedy equal: {report.greedy_equal}")
    return 0 if (args.json or report.ok) else 1
