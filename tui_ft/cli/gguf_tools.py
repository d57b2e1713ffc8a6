"""`tui-ft gguf-check-template`, `gguf-finish`, `gguf-perplexity`, `gguf-info` and
`gguf-verify`: one GGUF file each, JSON with `--json` (the TUI and `tui-ft gguf` run them on
the host, where the file is)."""

from __future__ import annotations

import argparse
import json

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config


def _check_inputs(gguf: str, hf_dir: str) -> None:
    """The GGUF's header and the model folder, before seconds of heavy imports."""
    import os

    from tui_ft.gguf.inspect import read_gguf_info

    if not os.path.isdir(hf_dir):
        raise CLIError(f"{hf_dir}: no such model folder (--hf)", 2)
    try:
        read_gguf_info(gguf)
    except (ValueError, OSError) as exc:
        raise CLIError(f"{gguf}: not a readable GGUF file ({exc})", 1) from exc


def _template(args: argparse.Namespace, required: bool) -> str | None:
    """--template, else the template recorded with the --hf model (tui_ft_template.json,
    export_args.yaml, training_args.yaml); one line naming what to pass when there is none."""
    from tui_ft.host.local import LocalHost
    from tui_ft.lf.recorded import RECORD_FILE, read_recorded_template

    found = args.template or read_recorded_template(LocalHost(), args.hf)
    if not found and required:
        raise CLIError(
            f"{args.hf} records no template (no {RECORD_FILE}, export_args.yaml or "
            "training_args.yaml naming one): pass --template, e.g. --template default",
            2,
        )
    return found


def run_check_template_cmd(args: argparse.Namespace) -> int:
    from tui_ft.gguf.template_check import check_template

    _check_inputs(args.file, args.hf)
    template = str(_template(args, required=True))
    modelfile = None
    if args.modelfile:
        try:
            with open(args.modelfile, encoding="utf-8") as f:
                modelfile = f.read()
        except OSError as exc:
            raise CLIError(f"{args.modelfile}: cannot read the Modelfile ({exc})", 2) from exc
    try:
        report = check_template(args.file, args.hf, template, modelfile)
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


def run_finish_cmd(args: argparse.Namespace) -> int:
    """The host side of `tui-ft gguf`'s last steps (what a summary shows comes from there)."""
    import llama_cpp  # noqa: F401  (a missing extra is named before any file is read)

    from tui_ft.gguf import GGUFError
    from tui_ft.gguf.finish import FinishRequest, finish_here

    _check_inputs(args.file, args.hf)
    template = _template(args, required=args.modelfile or not args.verify)
    req = FinishRequest(args.file, args.hf, template, args.modelfile, args.adapter, args.verify)
    try:
        done = finish_here(req)
    except (GGUFError, ValueError, OSError, RuntimeError) as exc:
        raise CLIError(f"{args.file}: {exc}", 1) from exc
    if args.json:
        print(json.dumps(done.to_json(), ensure_ascii=False))
        return 0
    if done.modelfile:
        print(f"Modelfile: {done.modelfile}")
    failed = False
    if done.template_check:
        for item in done.template_check.items:
            print(f"{'ok  ' if item.ok else 'FAIL'} {item.name}: {item.detail}")
        failed = not done.template_check.ok
    if done.verify:
        print(f"reply: {done.verify.reply!r}")
        failed = failed or not done.verify.ok
    return 1 if failed else 0


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
        info = info_on(host, host_path(args, host, args.file, "exports"))
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
            report = verify_on(
                host,
                host_path(args, host, args.file, "exports"),
                host_path(args, host, args.hf, "models") if args.hf else None,
            )
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
