"""`tui-ft export` (merge a LoRA) and `tui-ft gguf` (convert, quantise, Modelfile), headless.

Also `gguf-info` and `gguf-verify`, which print JSON with `--json`: the TUI runs them
on a remote box to read and test GGUF files where they are.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config
from tui_ft.cli.gguf_run import run_gguf_cmd
from tui_ft.cli.gguf_tools import (
    run_check_template_cmd,
    run_finish_cmd,
    run_info_cmd,
    run_perplexity_cmd,
    run_verify_cmd,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="merge a LoRA adapter into its base model")
    p.add_argument("--model", required=True, metavar="DIR", help="base model folder")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter folder (a run's output)")
    p.add_argument(
        "--template",
        help="LLaMA-Factory template (default: the run's recorded one, else the model's, else "
        "default)",
    )
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
    t.add_argument("--template", help="the LLaMA-Factory template of training (default: recorded)")
    t.add_argument("--modelfile", metavar="FILE", help="also check this Ollama Modelfile")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=run_check_template_cmd)

    f = sub.add_parser(
        "gguf-finish", help="Modelfile, template check and verify of a GGUF in one process"
    )
    f.add_argument("file")
    f.add_argument("--hf", required=True, metavar="DIR", help="the model folder it came from")
    f.add_argument(
        "--template", help="the LLaMA-Factory template of training (checked; default: recorded)"
    )
    f.add_argument("--modelfile", action="store_true", help="write an Ollama Modelfile beside it")
    f.add_argument("--adapter", metavar="FILE", help="its adapter GGUF, beside it (ADAPTER)")
    f.add_argument("--verify", action="store_true", help="load, generate, compare with --hf")
    f.add_argument("--json", action="store_true")
    f.set_defaults(handler=run_finish_cmd)

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
    from tui_ft.lf.recorded import recorded_template_for

    host = host_from_args(args, load_config())
    # on a box, relative paths mean its workspace (host_path), as for every --host command
    model = host_path(args, host, args.model, "models")
    adapter = host_path(args, host, args.adapter, "runs") if args.adapter else None
    template = args.template or recorded_template_for(host, model, adapter)
    if not template:
        template = "default"
        print(f"note: {adapter or model} records no template: merging with LLaMA-Factory's "
              "`default` (pass --template to choose)", file=sys.stderr)  # fmt: skip
    spec = ExportSpec(
        model=model,
        adapter=adapter,
        export_dir=host_path(args, host, args.out, "exports"),
        template=template,
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
