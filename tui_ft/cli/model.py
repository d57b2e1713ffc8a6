"""`tui-ft model list|verify|download`: the workspace's models, headless."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading

from tui_ft.cli.common import (
    CLIError,
    host_from_args,
    host_path,
    load_config,
    workspace_from_args,
)
from tui_ft.cli.model_download import register_download


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="list, verify and download models")
    msub = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)

    ls = msub.add_parser("list", help="the workspace's models with size and verification state")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)

    v = msub.add_parser("verify", help="check a model folder's files (shards, headers, sizes)")
    v.add_argument("dir", help="model folder (or a name under the workspace's models/)")
    v.add_argument("--manifest", metavar="FILE", help="published file list (sizes, sha256)")
    v.add_argument("--sha256", action="store_true", help="hash the files (parallel)")
    v.add_argument("--json", action="store_true")
    v.add_argument("--progress", action="store_true", help="print 'progress DONE TOTAL' lines")
    v.set_defaults(handler=run_verify)

    register_download(msub)  # its own module: hub settings resolve on the box's side


def _resolve(args: argparse.Namespace, ws, name: str) -> str:
    if ws.host.is_remote:  # the box's workspace, then its models/: never this machine's cwd
        return host_path(args, ws.host, name, "models")
    if os.path.isabs(name) or os.path.exists(name):
        return os.path.abspath(name)
    return ws.path("models", name)


def run_list(args: argparse.Namespace) -> int:
    from tui_ft.models import list_models
    from tui_ft.units import human_bytes

    config = load_config()
    ws = workspace_from_args(args, host_from_args(args, config), config)
    models = list_models(ws)
    if args.json:
        print(json.dumps([m.__dict__ for m in models], indent=2))
        return 0
    if not models:
        print(f"no models in {ws.models}")
    for m in models:
        print(f"{human_bytes(m.size):>8}  {m.state:<10}  {m.name}")
    return 0


def _print_report(report) -> None:
    from tui_ft.cli.check import print_results
    from tui_ft.units import human_bytes

    for f in report.files:  # du -sh style
        flag = "" if f.status == "ok" else f"  {f.status.upper()}: {f.reason}"
        print(f"{human_bytes(f.size):>8}  {f.path}{flag}")
    print(f"{human_bytes(report.total_size):>8}  total\n")
    print_results(report.findings)


def run_verify(args: argparse.Namespace) -> int:
    from tui_ft.models import verify_model
    from tui_ft.models.manifest import ManifestError

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    path = _resolve(args, ws, args.dir)
    if not args.json:  # --json: the TUI reads a report even then
        st = host.stat(path)
        if st is None:
            raise CLIError(
                f"{path}: no such model folder (give a path or a name under {ws.models})"
            )
        if not st.is_dir:
            raise CLIError(f"{path}: not a folder; give the model's folder (config.json, weights)")

    lock, last = threading.Lock(), [-1]

    def progress(done: int, total: int) -> None:
        # One write per line under a lock: hashing threads call this concurrently.
        with lock:
            if done == total or done - last[0] >= total // 200:
                last[0] = done
                sys.stderr.write(f"progress {done} {total}\n")
                sys.stderr.flush()

    try:
        report = verify_model(
            host, path, args.manifest, args.sha256, progress if args.progress else None
        )
    except ManifestError as exc:
        raise CLIError(str(exc)) from exc
    return _finish(report, args.json, ws if report.files else None, path)


def _finish(report, as_json: bool, ws=None, path: str = "") -> int:
    """Remember the result of a workspace model, print it; exit 1 when something failed."""
    from tui_ft.models import record_verification

    if ws is not None and path.startswith(ws.models.rstrip("/") + "/"):
        record_verification(ws, report)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    return 1 if report.status == "fail" else 0
