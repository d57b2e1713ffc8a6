"""`tui-ft fit CONFIG.yaml [--json] [--probe] | fit --report`: will this run fit in GPU memory?

Reads the config as `llamafactory-cli train` would and the model's config.json only (no
weights); with `--host` the whole estimate runs on the box in one command (its files,
its GPUs). `--probe` runs the config for a few steps and reports the real peak.
Exit status 1 when it won't fit on a GPU the run would use (scripts can gate on it),
2 for bad input; "no GPU" is an answer (0), not an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from tui_ft.cli.common import CLIError, host_from_args, load_config, workspace_from_args

if TYPE_CHECKING:
    from tui_ft.fit.check import FitReport
    from tui_ft.host.base import Host


def parse_size(text: str) -> int:
    from tui_ft.fit.check import parse_size as parse

    try:
        return parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit", help="estimate a training config's GPU memory: fits, tight or won't fit"
    )
    p.add_argument("config", nargs="?", help="LLaMA-Factory training YAML ('-': standard input)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--devices", help="the GPUs the run will use, e.g. 0,1 (default: all)")
    p.add_argument(
        "--free",
        type=parse_size,
        metavar="SIZE",
        help="plan for GPUs with this much free memory (e.g. 24GiB) instead of this box's",
    )
    p.add_argument("--gpus", type=int, metavar="N", help="plan for N GPUs (with --free)")
    p.add_argument(
        "--no-data", action="store_true", help="plan for cutoff_len, do not measure the data"
    )
    p.add_argument(
        "--probe", action="store_true", help="also run ~10 steps and report the real peak"
    )
    p.add_argument("--steps", type=int, default=10, help="steps of the probe (default 10)")
    p.add_argument("--report", action="store_true", help="estimate against the peak of past runs")
    p.add_argument(
        "--on-box", action="store_true", help=argparse.SUPPRESS
    )  # paths already resolved
    p.set_defaults(handler=run)


def _read_config(args: argparse.Namespace, ws, local: bool) -> dict:
    from tui_ft.train import TrainConfig

    if args.config == "-":
        try:
            cfg = TrainConfig.from_yaml(sys.stdin.read(), source="standard input")
        except ValueError as exc:
            raise CLIError(str(exc)) from exc
        return cfg.to_dict()
    from tui_ft.cli.train import load_train_yaml

    cfg = load_train_yaml(args.config, ws, local=local)
    raw = cfg.to_dict()
    if cfg.deepspeed_stage is not None and not cfg.deepspeed:
        raw["deepspeed_stage"] = cfg.deepspeed_stage
    return raw


def _fit(host: Host, raw: dict[str, Any], args: argparse.Namespace) -> FitReport:
    """The estimate with the command line's plan (devices, a planned GPU, data or not)."""
    from tui_ft.fit.check import fit_on

    return fit_on(
        host, raw, devices=args.devices, free=args.free, gpus=args.gpus,
        measure_data=not args.no_data,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from tui_ft.fit.check import FitError, dumps
    from tui_ft.host.base import HostError

    if args.report:
        return _report(args)
    if not args.config:
        raise CLIError("fit: give a training YAML (or --report)")
    if args.gpus is not None and args.gpus < 1:
        raise CLIError("--gpus: at least 1")
    config = load_config()
    if args.on_box:  # the box's side of `fit --host`: errors as JSON for the laptop
        from tui_ft.host import open_host

        host = open_host(None)
        try:
            report = _fit(host, _read_config(args, None, local=True), args)
        except FitError as exc:
            print(json.dumps({"error": str(exc)}))
            return 2
        print(dumps(report))
        return 0
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    raw = _read_config(args, ws, local=not host.is_remote)
    try:
        report = _fit(host, raw, args)
    except (FitError, HostError) as exc:
        raise CLIError(f"{args.config}: {exc}") from exc
    probe = None
    if args.probe:
        from tui_ft.fit.probe import ProbeError, run_probe

        try:
            probe = run_probe(
                ws,
                raw,
                report.estimate,
                steps=args.steps,
                devices=args.devices,
                progress=lambda m: print(m, file=sys.stderr),
            )
        except ProbeError as exc:
            raise CLIError(f"--probe: {exc}", 1) from exc
    if args.json:
        doc = report.to_dict()
        if probe is not None:
            doc["probe"] = probe.to_dict()
        print(json.dumps(doc, ensure_ascii=False))
    else:
        from tui_ft.fit.render import table

        print("\n".join(table(report)))
        if probe is not None:
            print("\n" + probe.describe(report.estimate))
    return 1 if report.verdict == "won't fit" else 0


def _report(args: argparse.Namespace) -> int:
    from tui_ft.fit.record import calibration_rows, render_rows

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    rows = calibration_rows(ws)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
    else:
        print("\n".join(render_rows(rows, ws.runs)))
    return 0
