"""`tui-ft check [--model DIR] [--manifest FILE] [--sha256] [--json]`: is this box ready?

Exit status 0 only when no check failed (warnings pass), so scripts can gate on it.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config, workspace_from_args

MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check Python, torch/CUDA, GPUs, disk, tools and a model")
    p.add_argument("--model", metavar="DIR", help="also verify this model folder")
    p.add_argument("--manifest", metavar="FILE", help="compare the model with this file list")
    p.add_argument("--sha256", action="store_true", help="hash the files (with --manifest)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(handler=run)


def print_results(results, out=None) -> None:
    out = out or sys.stdout
    for r in results:
        where = f"  [{r.path}]" if r.path and r.group == "model" else ""
        print(f"{MARK[r.status]}  {r.name:<16} {r.reason}{where}", file=out)
        if r.fix and r.status != "ok":
            print(f"      fix: {r.fix}", file=out)


def run(args: argparse.Namespace) -> int:
    from tui_ft.checks import counts, run_checks, worst
    from tui_ft.models import verify_model
    from tui_ft.models.manifest import ManifestError

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    need = 0
    report = None
    if args.model:
        try:
            # over --host: relative to the box's workspace (or its models/), not its home
            model = host_path(args, host, args.model, "models")
            manifest = host_path(args, host, args.manifest) if args.manifest else None
            report = verify_model(host, model, manifest, args.sha256)
        except ManifestError as exc:
            raise CLIError(str(exc)) from exc
        need = report.total_size
    results = run_checks(host, config, ws, need=need)
    if report is not None:
        results += report.findings
    status = worst(results)
    if args.json:
        doc = {
            "status": status,
            "counts": counts(results),
            "checks": [r.to_dict() for r in results],
        }
        if report is not None:
            doc["model"] = report.to_dict()
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print_results(results)
        c = counts(results)
        print(f"\n{c['ok']} ok, {c['warn']} warnings, {c['fail']} failed")
    return 1 if status == "fail" else 0
