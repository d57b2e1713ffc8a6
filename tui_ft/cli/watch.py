"""`tui-ft watch`: the watchdog daemon on the box (start, --status, --stop, --cancel-poweroff).

Started detached like a run, so it outlives the SSH session and the laptop; with
`--host` it starts on the box. Its settings (notify.webhooks, watch:, hourly_price)
come from the config of the machine that starts it and are kept beside it.
"""

from __future__ import annotations

import argparse
import json
import time

from tui_ft.cli.common import CLIError, host_from_args, load_config, workspace_from_args

MARK = "tui_ft watch"  # in the daemon's command line: a recycled pid is not taken for it


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="watchdog daemon: notify when runs finish, fail or stall")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--status", action="store_true", help="what the daemon watches")
    g.add_argument("--stop", action="store_true", help="stop the daemon")
    g.add_argument("--cancel-poweroff", action="store_true", help="keep the box running")
    g.add_argument("--foreground", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="--status as JSON")
    p.set_defaults(handler=cmd_watch)


def _settings_path(files) -> str:
    return files.folder + "/settings.json"


def _daemon_pid(host, files) -> int | None:
    from tui_ft.train.rundir import read_int

    pid = read_int(host, files.pid)
    return pid if pid is not None and host.is_alive(pid, expect="watch") else None


def cmd_watch(args: argparse.Namespace) -> int:
    from tui_ft.watch.files import WatchFiles

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    files = WatchFiles(ws.root)
    if args.foreground:
        return _foreground(ws, files)
    if args.status:
        return _status(host, files, args.json)
    pid = _daemon_pid(host, files)
    if args.stop:
        if pid is None:
            print("no watch daemon runs")
            return 0
        host.signal(pid, 15)
        deadline = time.time() + 30
        while host.is_alive(pid, expect="watch") and time.time() < deadline:
            time.sleep(0.2)
        print(f"stopped the watch daemon (pid {pid})")
        return 0
    if args.cancel_poweroff:
        host.write_text(files.cancel_poweroff, str(time.time()))
        print("power-off cancelled: the daemon takes it back at its next look")
        return 0
    if pid is not None:
        print(f"already watching {ws.runs} (pid {pid}); `tui-ft watch --status` shows what")
        return 0
    from tui_ft.notify import parse_notify
    from tui_ft.watch.settings import parse_watch

    try:
        parse_notify(config.notify)
        parse_watch(config.watch)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    host.makedirs(files.folder)
    carried = {"notify": config.notify or {}, "watch": config.watch or {},
               "hourly_price": config.hourly_price, "currency": config.currency}  # fmt: skip
    host.write_text(_settings_path(files), json.dumps(carried))
    argv = [host.python, "-m", "tui_ft", "--workspace", ws.root, "watch", "--foreground"]
    pid = host.spawn_detached(argv, cwd=files.folder, log_path=files.log, pid_path=files.pid)
    print(f"watching {ws.runs} (pid {pid}); log: {files.log}")
    return 0


def _foreground(ws, files) -> int:
    """The daemon itself (what the detached process runs)."""
    import os

    from tui_ft.notify import parse_notify
    from tui_ft.train.sampler import read_local
    from tui_ft.watch.daemon import Watcher, run_forever
    from tui_ft.watch.settings import parse_watch

    try:
        carried = json.loads(ws.host.read_text(_settings_path(files)))
    except (FileNotFoundError, ValueError):
        config = load_config()
        carried = {"notify": config.notify, "watch": config.watch,
                   "hourly_price": config.hourly_price, "currency": config.currency}  # fmt: skip
    ws.host.makedirs(files.folder)
    ws.host.write_text(files.pid, f"{os.getpid()}\n")
    watcher = Watcher(
        ws,
        parse_watch(carried.get("watch")),
        parse_notify(carried.get("notify")),
        hourly_price=carried.get("hourly_price"),
        currency=carried.get("currency") or "",
        read_sample=read_local,
    )
    run_forever(watcher)
    return 0


def _status(host, files, as_json: bool) -> int:
    pid = _daemon_pid(host, files)
    try:
        state = json.loads(host.read_text(files.state))
    except (FileNotFoundError, ValueError):
        state = None
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
