"""`tui-ft train / runs / attach / stop / resume / delete`: training without the TUI.

`train` validates, starts the run detached and prints its id (the run survives this
command, the SSH session and the TUI); `--follow` and `attach` stream progress until
the run ends (Ctrl-C leaves the run running).
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import sys
import time

from tui_ft.cli.common import CLIError, host_from_args, load_config, workspace_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="start a LLaMA-Factory training run detached")
    p.add_argument("config", help="LLaMA-Factory training YAML")
    p.add_argument("--name", help="name in the run id (default: the model folder)")
    p.add_argument("--devices", help="GPUs to use, e.g. 0,1 (several: torchrun)")
    p.add_argument("--follow", action="store_true", help="stream progress until it ends")
    p.add_argument(
        "--run",
        metavar="RUN_ID",
        help="fixed run id: a finished run is left as it is, a killed one resumes (recipes)",
    )
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("runs", help="list the runs with status, step and loss")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_runs)

    p = sub.add_parser("attach", help="show a run's whole history and follow it")
    p.add_argument("run", help="run id (or a unique prefix/suffix)")
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("stop", help="stop a run gracefully (forced after a timeout)")
    p.add_argument("run")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before SIGTERM")
    p.set_defaults(handler=cmd_stop)

    p = sub.add_parser("resume", help="resume a stopped or killed run from its checkpoint")
    p.add_argument("run")
    p.add_argument("--follow", action="store_true")
    p.set_defaults(handler=cmd_resume)

    p = sub.add_parser("delete", help="delete a run folder")
    p.add_argument("run")
    p.add_argument("--force", action="store_true", help="kill it first if it runs")
    p.set_defaults(handler=cmd_delete)


def _ws(args):
    config = load_config()
    host = host_from_args(args, config)
    return config, host, workspace_from_args(args, host, config)


def _find(ws, ref):
    from tui_ft.train import RunNotFound, find_run

    try:
        return find_run(ws, ref)
    except RunNotFound as exc:
        raise CLIError(str(exc)) from exc


def load_train_yaml(path: str, ws, *, local: bool):
    """Read a training YAML; fill dataset_dir with the workspace's when it has none."""
    from tui_ft.train import TrainConfig

    try:
        with open(path, encoding="utf-8") as fh:  # the file is on this machine
            text = fh.read()
        cfg = TrainConfig.from_yaml(text, source=path)
    except OSError as exc:
        # Name the machine: over --host the YAML is read HERE, not on the box.
        where = "this machine" if local else f"this machine (not {ws.host.describe()})"
        why = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror or str(exc)
        hint = ": the training YAML is read here and sent to the box" if not local else ""
        raise CLIError(f"{path}: {why} on {where}{hint}") from exc
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    if "dataset_dir" not in (cfg.raw or {}) and not cfg.uses_v1:  # v1 refuses unknown keys
        cfg.dataset_dir = ws.datasets
    for key in ("model_name_or_path", "dataset_dir"):
        value = getattr(cfg, key)
        if not value or os.path.isabs(value):
            continue
        if local:  # relative paths mean the caller's folder, not the run folder
            if os.path.exists(value):
                setattr(cfg, key, os.path.abspath(value))
        elif ws.host.exists(in_ws := posixpath.join(ws.root, value)):
            setattr(cfg, key, in_ws)  # on a box: its workspace's (else a hub id, as given)
    return cfg


def cmd_train(args: argparse.Namespace) -> int:
    from tui_ft.train import TrainConfigError, start_run
    from tui_ft.train.launch import output_notice

    config, host, ws = _ws(args)
    cfg = load_train_yaml(args.config, ws, local=not host.is_remote)
    existing = _existing_run(host, ws, args.run)
    if existing is not None:
        return _continue(args, config, host, existing)
    base = None if host.is_remote else os.getcwd()  # llamafactory-cli's relative output_dir
    try:
        paths = start_run(
            ws, cfg, name=args.name, devices=args.devices, run_id=args.run, base_dir=base
        )
    except TrainConfigError as exc:
        raise CLIError(str(exc)) from exc
    print(paths.run_id)
    print(f"run folder: {paths.root}", file=sys.stderr)
    print(f"output: {output_notice(host, paths)}", file=sys.stderr)  # where, and why there
    if args.follow:
        return follow(host, paths, config.hourly_price, config.currency)
    return 0


def _existing_run(host, ws, run_id: str | None):
    """The run folder of a fixed `--run` id when it was launched before, else None."""
    if not run_id:
        return None
    from tui_ft.train import RunPaths, run_info

    paths = RunPaths(f"{ws.runs.rstrip('/')}/{run_id}")
    return paths if run_info(host, paths).state != "created" else None


def _continue(args: argparse.Namespace, config, host, paths) -> int:
    """Replaying the same run: finished stays finished, running is followed, else resume."""
    from tui_ft.train import ResumeError, resume_run, run_info

    info = run_info(host, paths)
    if info.state == "finished":
        print(paths.run_id)
        print(f"run {paths.run_id} already finished", file=sys.stderr)
        return 0
    if info.state not in ("running", "stopping"):
        try:
            resume_run(host, paths)
        except ResumeError as exc:
            raise CLIError(str(exc)) from exc
        print(f"run {paths.run_id} resumed ({info.detail})", file=sys.stderr)
    print(paths.run_id)
    if args.follow:
        return follow(host, paths, config.hourly_price, config.currency)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from tui_ft.train import list_runs

    _config, _host, ws = _ws(args)
    runs = list_runs(ws)
    if args.json:
        print(json.dumps([r.to_json() for r in runs], indent=1))
        return 0
    if not runs:
        print(f"no runs in {ws.runs}")
        return 0
    from tui_ft.units import human_duration

    for r in runs:
        step = f"{r.last_step or 0}/{r.total_steps or '?'}"
        loss = "—" if r.last_loss is None else f"{r.last_loss:.4f}"
        dur = human_duration(r.active_seconds)
        print(f"{r.run_id:<40} {r.detail:<40} step {step:<10} loss {loss:<8} {dur}")
    return 0


def follow(host, paths, hourly_price=None, currency="", *, interval: float = 1.0) -> int:
    """Print the history, then one line per new log record, until the run ends."""
    from tui_ft.host.base import FileFollower
    from tui_ft.train import TrainerLog, catch_up, compute_metrics, run_info
    from tui_ft.train.discover import run_view

    log = TrainerLog()
    offset = 0
    for lines, end in catch_up(host, paths.trainer_log):
        log.feed(lines)
        offset = end
    _print_progress(log, None, hourly_price, currency, history=True)
    follower: FileFollower = host.follow(paths.trainer_log, offset)
    try:
        while True:
            info = run_info(run_view(host, paths), paths)  # one round trip over SSH
            lines = follower.poll()
            for line in lines:
                if log.feed([line]):
                    _print_progress(log, info, hourly_price, currency)
            if not info.alive and not lines:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        print(f"detached; the run goes on (tui-ft attach {paths.run_id})", file=sys.stderr)
        return 0
    m = compute_metrics(log, info, hourly_price)
    print(f"run {paths.run_id}: {info.detail} at step {m.step}/{m.total_steps}")
    return 0 if info.state in ("finished", "stopped") else 1


def _print_progress(log, info, hourly_price, currency, history=False) -> None:
    from tui_ft.train import compute_metrics

    if history:
        print(f"history: {log.lines} records, {len(log.loss)} loss points kept")
        return
    m = compute_metrics(log, info, hourly_price)
    print("  ".join(f"{k} {v}" for k, v in m.lines(currency)), flush=True)


def cmd_attach(args: argparse.Namespace) -> int:
    config, host, ws = _ws(args)
    return follow(host, _find(ws, args.run), config.hourly_price, config.currency)


def cmd_stop(args: argparse.Namespace) -> int:
    from tui_ft.train import stop_run

    _config, host, ws = _ws(args)
    paths = _find(ws, args.run)
    info = stop_run(host, paths, timeout=args.timeout, progress=lambda m: print(m, file=sys.stderr))
    print(f"{info.run_id}: {info.detail}")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    from tui_ft.train import ResumeError, resume_run

    config, host, ws = _ws(args)
    paths = _find(ws, args.run)
    try:
        info = resume_run(host, paths)
    except ResumeError as exc:
        raise CLIError(str(exc)) from exc
    start = f"checkpoint-{info.checkpoint}" if info.checkpoint else "the start"
    print(f"{info.run_id}: resumed from {start} (pid {info.pid})")
    if args.follow:
        return follow(host, paths, config.hourly_price, config.currency)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from tui_ft.host.base import HostError
    from tui_ft.train import delete_run

    _config, host, ws = _ws(args)
    paths = _find(ws, args.run)
    try:
        delete_run(host, paths, force=args.force)
    except HostError as exc:
        raise CLIError(str(exc)) from exc
    print(f"deleted {paths.run_id}")
    return 0
