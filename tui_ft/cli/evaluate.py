"""`tui-ft eval` (predict + BLEU/ROUGE) and `tui-ft ask` (one reply from a model), headless.

Exit codes: 0 done, 1 the prediction or the model failed, 2 bad input (a missing model,
adapter or dataset), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import sys
import time

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config, workspace_from_args

TEMPLATE_HELP = "chat template (default: the run's or model's recorded one, else default)"


def _template(args: argparse.Namespace, host, model: str, adapter: str | None) -> str:
    """--template, else what training recorded (the adapter's run, then the model)."""
    from tui_ft.lf.recorded import recorded_template_for

    return args.template or recorded_template_for(host, model, adapter) or "default"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score a model on a dataset with LLaMA-Factory's predict")
    p.add_argument("--model", required=True, metavar="DIR", help="base or merged model folder")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter, or a run folder holding one")
    p.add_argument("--dataset", required=True, metavar="NAME", help="name in dataset_info.json")
    p.add_argument("--dataset-dir", metavar="DIR", help="default: the workspace's datasets/")
    p.add_argument("--template", help=TEMPLATE_HELP)
    p.add_argument("--max-samples", type=int, default=50, metavar="N")
    p.add_argument("--max-new-tokens", type=int, default=128, metavar="N")
    p.add_argument("--output", metavar="DIR", help="default: <workspace>/evals/<time>-<dataset>")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.set_defaults(handler=run_eval)

    a = sub.add_parser("ask", help="ask a model one question and print the reply")
    a.add_argument("model", metavar="MODEL", help="model folder, name under models/, or .gguf")
    a.add_argument("prompt", help="the question")
    a.add_argument("--adapter", metavar="DIR", help="LoRA adapter, or a run folder holding one")
    a.add_argument("--template", help=TEMPLATE_HELP)
    a.add_argument("--system", help="system prompt")
    a.add_argument("--temperature", type=float, default=0.0)
    a.add_argument("--top-p", type=float, default=1.0)
    a.add_argument("--max-new-tokens", type=int, default=128, metavar="N")
    a.set_defaults(handler=run_ask)


def _model_path(args: argparse.Namespace, host, ws, model: str) -> str:
    """A path as given, else a folder under the workspace's models/."""
    if host.is_remote and not model.startswith(("/", "~")):  # the box's workspace, not its home
        found = host_path(args, host, model, "models")
        return found if host.exists(found) else posixpath.join(ws.models, model)
    if model.startswith(("/", "~", ".")) or host.exists(model):
        return model if not model.startswith("~") else host.home() + model[1:]
    return posixpath.join(ws.models, model)


def _adapter(args: argparse.Namespace, host) -> str | None:
    """`--adapter`: a relative one on a box is in its workspace (or runs/), not its home."""
    from tui_ft.evaluate import resolve_adapter

    if not args.adapter:
        return None
    path = host_path(args, host, args.adapter, "runs") if host.is_remote else args.adapter
    return resolve_adapter(host, path)


def run_eval(args: argparse.Namespace) -> int:
    from tui_ft.evaluate import (
        METRIC_KEYS,
        EvalError,
        PredictSpec,
        launch_predict,
        load_metrics,
        load_predictions,
    )

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        adapter = _adapter(args, host)
        model = _model_path(args, host, ws, args.model)
        spec = PredictSpec(
            model=model,
            dataset=args.dataset,
            dataset_dir=args.dataset_dir or ws.datasets,
            output_dir=args.output or ws.path("evals", f"{stamp}-{args.dataset}"),
            adapter=adapter,
            template=_template(args, host, model, adapter),
            max_samples=args.max_samples,
            max_new_tokens=args.max_new_tokens,
        )
        job = launch_predict(host, spec)
    except EvalError as exc:
        raise CLIError(str(exc), 2) from exc
    print(f"predicting in {spec.output_dir} (pid {job.pid}) ...", file=sys.stderr)
    last = ""
    try:
        while True:
            prog = job.poll()
            shown = f"{prog.stage} {prog.done}/{prog.total}" if prog.total else prog.stage
            if shown != last:
                print(f"  {shown}", file=sys.stderr)
                last = shown
            if prog.state == "failed":
                raise CLIError(prog.error, 1)
            if prog.state == "done":
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        job.cancel()
        raise
    try:
        metrics = load_metrics(host, spec.output_dir)
        preds = load_predictions(host, spec.output_dir)
    except EvalError as exc:
        raise CLIError(str(exc), 1) from exc
    if args.json:
        out = {
            "output_dir": spec.output_dir,
            "metrics": {label: metrics[key] for key, label in METRIC_KEYS},
            "raw": metrics,
            "samples": len(preds),
            "exact_matches": sum(p.exact for p in preds),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for key, label in METRIC_KEYS:
        print(f"{label:<8} {metrics[key]:8.2f}")
    print(f"samples  {len(preds):8d}   exact {sum(p.exact for p in preds)}")
    print(f"results  {spec.output_dir}")
    return 0


def run_ask(args: argparse.Namespace) -> int:
    from tui_ft.chat.base import ChatError, ChatParams
    from tui_ft.chat.server import open_backend
    from tui_ft.evaluate import EvalError

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    model = _model_path(args, host, ws, args.model)
    try:
        adapter = _adapter(args, host)
        template = None if model.endswith(".gguf") else _template(args, host, model, adapter)
        backend = open_backend(host, model, adapter, template or "default")
        check = getattr(backend, "check", None)
        if check:
            check()
    except (ChatError, EvalError) as exc:
        raise CLIError(str(exc), 2) from exc
    params = ChatParams(
        temperature=args.temperature,
        top_p=args.top_p,
        max_new_tokens=args.max_new_tokens,
        system=args.system,
    )
    try:
        backend.start()
        for piece in backend.stream([{"role": "user", "content": args.prompt}], params):
            sys.stdout.write(piece)
            sys.stdout.flush()
        sys.stdout.write("\n")
    except ChatError as exc:
        raise CLIError(str(exc), 1) from exc
    finally:
        backend.close()
    return 0
