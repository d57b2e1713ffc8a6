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
    g.add_argument("model", metavar="MODEL_DIR", help="the model (the base model with --adapter)")
    g.add_argument("--out", required=True, metavar="FILE.gguf")
    g.add_argument("--outtype", choices=("f16", "bf16", "q8_0"), default="f16")
    g.add_argument("--quant", action="append", metavar="TYPE", help="e.g. Q4_K_M (repeatable)")
    g.add_argument(
        "--adapter",
        metavar="RUN_OR_ADAPTER_DIR",
        help="write this LoRA as an adapter GGUF (merged instead when it can't be)",
    )
    g.add_argument("--base-gguf", metavar="FILE", help="with --adapter: the base model's GGUF")
    g.add_argument("--modelfile", action="store_true", help="write an Ollama Modelfile beside")
    g.add_argument("--template", help="LLaMA-Factory template (default: the one recorded)")
    g.add_argument(
        "--verify",
        action="store_true",
        help="load the result, generate, and fail on a template mismatch",
    )
    g.add_argument(
        "--perplexity",
        metavar="DATASET",
        help="perplexity of each file on the held-out tenth of this JSON dataset",
    )
    g.add_argument(
        "--imatrix",
        metavar="DATASET_OR_FILE",
        help="importance matrix for the quants: computed from a JSON dataset, or a file",
    )
    g.add_argument("--json", action="store_true", help="print the result as JSON")
    g.add_argument("-v", "--verbose", action="store_true", help="show the tools' raw output")
    g.set_defaults(handler=run_gguf_cmd)

    t = sub.add_parser("gguf-check-template", help="does a GGUF build the training prompts?")
    t.add_argument("file")
    t.add_argument("--hf", required=True, metavar="DIR", help="the model folder (tokenizer)")
    t.add_argument("--template", required=True, help="the LLaMA-Factory template of training")
    t.add_argument("--modelfile", metavar="FILE", help="also check this Ollama Modelfile")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=run_check_template_cmd)

    q = sub.add_parser("gguf-perplexity", help="perplexity on a dataset's held-out records")
    q.add_argument("file")
    q.add_argument("--data", required=True, metavar="DATASET.json")
    q.add_argument("--lora", metavar="ADAPTER.gguf", help="apply this adapter GGUF")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=run_perplexity_cmd)

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
    from tui_ft.export.preflight import DiskSpaceError
    from tui_ft.gguf import GGUFError, find_tools
    from tui_ft.gguf.pipeline import GGUFSpec, refuse_iquants, run_gguf
    from tui_ft.gguf.remote import info_on, perplexity_on, template_check_on, verify_on
    from tui_ft.gguf.summary import summary_lines

    config = load_config()
    host = host_from_args(args, config)
    local = not host.is_remote

    def path(p: str | None) -> str | None:
        return os.path.abspath(p) if p and local else p

    model, out = str(path(args.model)), str(path(args.out))
    try:
        refuse_iquants([q.upper() for q in args.quant or []], args.imatrix)
    except GGUFError as exc:
        raise CLIError(str(exc), 1) from exc
    if not host.exists(f"{model.rstrip('/')}/config.json"):  # before any download or build
        raise CLIError(f"{model}: not a Hugging Face model folder (no config.json)", 1)
    template = args.template or _recorded_template(host, model, path(args.adapter))
    if args.modelfile and not template:
        raise CLIError(f"{model} records no template: pass --template (e.g. default, qwen)")
    spec = GGUFSpec(
        model=model, out=out, outtype=args.outtype, quants=[q.upper() for q in args.quant or []],
        adapter=path(args.adapter), base_gguf=path(args.base_gguf), modelfile=args.modelfile,
        template=template, perplexity_data=path(args.perplexity), imatrix=path(args.imatrix),
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
                check_template=lambda g, hf, t, mf: template_check_on(host, g, hf, t, mf),
            )  # fmt: skip
        report = None
        if args.verify and run.mode != "adapter":  # the adapter: the template check covers it
            report = verify_on(host, run.files[-1].path, run.source)
    except (GGUFError, DiskSpaceError) as exc:
        raise CLIError(str(exc), 1) from exc
    if args.json:
        data_out = run.to_json()
        data_out["verify"] = report.to_json() if report else None
        print(json.dumps(data_out, ensure_ascii=False))
    else:
        print("\n".join(summary_lines(run)))
        if report is not None:
            print(f"verify: reply {report.reply[:60]!r}")
    problems = []
    if args.verify and not template:
        print("warning: no template recorded with the model: pass --template to check the "
              "prompt format", file=sys.stderr)  # fmt: skip
    if run.template_check and not run.template_check.ok and (args.verify or args.modelfile):
        problems += [f"{i.name}: {i.detail}; fix: {i.fix}" for i in run.template_check.failures()]
    if report is not None and not report.ok:
        problems.append(f"verification of {report.info.path} failed: {_mismatch(report)}")
    if problems and args.verify:
        raise CLIError("; ".join(problems), 1)
    for line in problems:  # without --verify the files are there; say what to fix
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _recorded_template(host, model: str, adapter: str | None) -> str | None:
    from tui_ft.lf.recorded import read_recorded_template

    found = read_recorded_template(host, model)
    if found is None and adapter:
        # A run's adapter: LLaMA-Factory keeps the training config in the run folder.
        for folder in (adapter, os.path.dirname(adapter.rstrip("/"))):
            found = found or read_recorded_template(host, folder)
    return found


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


def run_check_template_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf.template_check import check_template

    modelfile = None
    if args.modelfile:
        try:
            with open(args.modelfile, encoding="utf-8") as f:
                modelfile = f.read()
        except OSError as exc:
            raise CLIError(f"{args.modelfile}: cannot read the Modelfile ({exc})", 2) from exc
    try:
        report = check_template(args.file, args.hf, args.template, modelfile)
    except (ValueError, OSError, RuntimeError) as exc:
        raise CLIError(f"{args.file}: could not check the template ({exc})", 1) from exc
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    for item in report.items:
        print(f"{'ok  ' if item.ok else 'FAIL'} {item.name}: {item.detail}")
        if item.fix:
            print(f"     fix: {item.fix}")
    return 0 if report.ok else 1


def run_perplexity_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf.perplexity import held_out_text, perplexity

    try:
        text = held_out_text(args.data)
    except (OSError, ValueError) as exc:
        raise CLIError(f"{args.data}: cannot read the dataset ({exc})", 2) from exc
    try:
        result = perplexity(args.file, text, lora_path=args.lora)
    except (ValueError, OSError, RuntimeError) as exc:
        raise CLIError(f"{args.file}: perplexity failed ({exc})", 1) from exc
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"{args.file}: perplexity {result.value} over {result.tokens} tokens")
    return 0


def run_info_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf import GGUFError
    from tui_ft.gguf.remote import info_on

    host = host_from_args(args, load_config())  # the file is where the host is: on the box
    try:
        info = info_on(host, os.path.abspath(args.file) if not host.is_remote else args.file)
    except GGUFError as exc:
        raise CLIError(str(exc), 1) from exc
    finally:
        host.close()
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
    from tui_ft.gguf import GGUFError
    from tui_ft.gguf.remote import verify_on

    host = host_from_args(args, load_config())
    try:
        if host.is_remote:  # load and generate on the box, where the file and llama.cpp are
            report = verify_on(host, args.file, args.hf)
        else:
            from tui_ft.gguf.verify import verify_gguf

            report = verify_gguf(args.file, args.hf)
    except (ValueError, OSError, RuntimeError, GGUFError) as exc:
        raise CLIError(f"{args.file}: could not load and run ({exc})", 1) from exc
    finally:
        host.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(f"reply: {report.reply!r}")
        if report.tokens:
            print(f"tokenisation equal: {report.tokens_equal}; greedy equal: {report.greedy_equal}")
    return 0 if (args.json or report.ok) else 1
