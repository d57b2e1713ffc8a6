"""`tui-ft watch`: the watchdog daemon on the box (start, --status, --stop, --cancel-poweroff).

Started detached like a run, so it outlives the SSH session and the laptop; with
`--host` it starts on the box. Its settings (watch:, hourly_price) come from the config
of the machine that starts it and are kept beside it; its webhooks are the box's own
`notify:` when the box's config names any, else the starting machine's.
"""

from __future__ import annotations

import argparse
import json
import time

from tui_ft.cli.common import CLIError, host_from_args, load_config, workspace_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="watchdog daemon: notify when runs finish, fail or stall")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--status", action="store_true", help="what the daemon watches")
    g.add_argument("--stop", action="store_true", help="stop the daemon")
    g.add_argument("--cancel-poweroff", action="store_true", help="keep the box running")
    g.add_argument("--strays", action="store_true", help="GPU processes that no run owns")
    g.add_argument("--kill-stray", type=int, metavar="PID", help="kill one of those (SIGTERM)")
    g.add_argument("--foreground", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="--status as JSON")
    p.set_defaults(handler=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    from tui_ft.watch import control
    from tui_ft.watch.files import WatchFiles

    config = load_config()
    if args.foreground:  # the daemon itself: always this machine, never a default_host
        from tui_ft.host.local import LocalHost
        from tui_ft.workspace import Workspace

        ws = Workspace(LocalHost(), getattr(args, "workspace", None) or config.workspace)
        return _foreground(ws, WatchFiles(ws.root), config)
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    files = WatchFiles(ws.root)
    if args.status:
        return _status(host, files, args.json)
    if args.strays or args.kill_stray is not None:
        return _strays(host, ws.root, args)
    if args.stop:
        pid = control.stop_daemon(host, ws.root)
        print("no watch daemon runs" if pid is None else f"stopped the watch daemon (pid {pid})")
        return 0
    if args.cancel_poweroff:
        if not control.cancel_poweroff(host, ws.root):
            print("no power-off is scheduled")
            return 1
        print("power-off cancelled: the daemon takes it back at its next look")
        return 0
    try:
        pid, started = control.start_daemon(host, ws.root, config)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    if not started:
        print(f"already watching {ws.runs} (pid {pid}); `tui-ft watch --status` shows what")
    else:
        print(f"watching {ws.runs} (pid {pid}); log: {files.log}")
    return 0


def _foreground(ws, files, config) -> int:
    """The daemon itself (what the detached process runs)."""
    import os

    from tui_ft.notify import parse_notify
    from tui_ft.train.sampler import read_local
    from tui_ft.watch.control import carried_settings, read_carried
    from tui_ft.watch.daemon import Watcher, run_forever
    from tui_ft.watch.settings import parse_watch

    carried = read_carried(ws.host, files) or carried_settings(config)
    # Webhooks are the sending side's (README's settings table): this box's own `notify:`
    # when it names any, else what the starting laptop carried here.
    notify = config.notify if (config.notify or {}).get("webhooks") else carried.get("notify")
    ws.host.makedirs(files.folder)
    ws.host.write_text(files.pid, f"{os.getpid()}\n")
    watcher = Watcher(
        ws,
        parse_watch(carried.get("watch")),
        parse_notify(notify),
        hourly_price=carried.get("hourly_price"),
        currency=carried.get("currency") or "",
        read_sample=read_local,
    )
    run_forever(watcher)
    return 0


def _status(host, files, as_json: bool) -> int:
    from tui_ft.watch.control import daemon_pid, read_state

    pid = daemon_pid(host, files)
    state = read_state(host, files)
    if as_json:
        print(json.dumps({"alive": pid is not None, "pid": pid, "state": state}, indent=1))
        return 0 if pid else 1
    if pid is None:
        print("no watch daemon runs: start it with `tui-ft watch`")
    else:
        age = time.time() - state["updated_at"] if state else None
        seen = f", last look {age:.0f}s ago" if age is not None else ""
        hooks = state["webhooks"] if state else 0
        print(f"watch daemon pid {pid}{seen}, {hooks} webhook(s)")
    if not state:
        return 0 if pid else 1
    cur = state.get("currency") or ""
    print(f"{'run':40} {'state':9} {'step':>11} {'loss':>8} {'cost':>9} {'projected':>10}  why")
    for r in state["runs"]:
        step = f"{r['last_step'] or '-'}/{r['total_steps'] or '-'}"
        loss = f"{r['last_loss']:.4f}" if r["last_loss"] is not None else "-"
        cost = f"{cur}{r['cost']:.2f}" if r["cost"] is not None else "-"
        proj = f"{cur}{r['projected_cost']:.2f}" if r["projected_cost"] is not None else "-"
        print(f"{r['run_id'][:40]:40} {r['state']:9} {step:>11} {loss:>8} {cost:>9} {proj:>10}"
              f"  {r['reason']}")  # fmt: skip
    po = state.get("poweroff")
    if po:
        if po["status"] == "scheduled":
            left = po["deadline"] - time.time()
            print(f"power-off: `{po['command']}` in {max(0, left):.0f}s "
                  "(tui-ft watch --cancel-poweroff)")  # fmt: skip
        else:
            print(f"power-off: {po['status']} {po.get('reason', '')}".rstrip())
    return 0 if pid else 1


def _strays(host, workspace: str, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from tui_ft.gpu import gpu_unavailable_reason
    from tui_ft.watch.gpuprocs import kill_stray_on, strays_on

    if args.kill_stray is not None:
        if not kill_stray_on(host, workspace, args.kill_stray):
            print(f"pid {args.kill_stray} is not a GPU process left by a run: not killed")
            return 1
        print(f"sent SIGTERM to {args.kill_stray}")
        return 0
    strays = strays_on(host, workspace)
    if args.json:
        print(json.dumps([asdict(s) for s in strays]))
        return 0
    if not strays:
        why = "" if host.is_remote else gpu_unavailable_reason()
        print(f"no GPU process outside the runs{f' ({why})' if why else ''}")
    for s in strays:
        mem = f"{s.used_memory / 2**30:.1f} GiB" if s.used_memory else "?"
        gpus = ",".join(map(str, s.gpus))
        print(f"{s.pid:>8}  GPU {gpus:5}  {mem:>9}  {s.command}")
    return 0
