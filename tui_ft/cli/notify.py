"""`tui-ft notify test`: send a test message to every webhook of `notify.webhooks`.

With `--host BOX` the messages leave from the box, as the watch daemon's do (a box may
reach one chat service and not another); the webhooks are this machine's config.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys

from tui_ft.cli.common import CLIError, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notify", help="notifications: test the webhooks of the config")
    nsub = p.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    t = nsub.add_parser("test", help="send a test message to each webhook")
    t.add_argument("--stdin", action="store_true", help=argparse.SUPPRESS)  # webhooks as JSON
    t.set_defaults(handler=cmd_test)


def cmd_test(args: argparse.Namespace) -> int:
    from tui_ft.config import config_path
    from tui_ft.notify import Event, parse_notify, send_all

    if args.stdin:  # sent by the laptop: its settings, this box's network
        raw, source = json.loads(sys.stdin.read()), "the laptop's config"
    else:
        raw, source = load_config().notify, str(config_path())
    settings = parse_notify(raw, source)
    if not settings.webhooks:
        raise CLIError(
            f"no webhooks in {source}: add `notify: {{webhooks: "
            "[{url: https://..., format: feishu}]}}` (formats: json slack feishu dingtalk wecom)"
        )
    spec = getattr(args, "host", None)
    if spec and spec != "local" and not args.stdin:
        return _on_box(spec, raw)
    import getpass

    where = f"{getpass.getuser()}@{socket.gethostname()}"
    event = Event("test", "tui-ft", detail=f"notify test from {where}")
    failed = 0
    for d in send_all(settings.webhooks, event):
        print(f"{'ok  ' if d.ok else 'FAIL'} {d.format:8} {d.url}: {d.detail}", flush=True)
        failed += not d.ok
    return 1 if failed else 0


def _on_box(spec: str, raw) -> int:
    from tui_ft.cli.common import host_from_args

    config = load_config()
    host = host_from_args(argparse.Namespace(host=spec), config)
    try:
        res = host.run([host.python, "-m", "tui_ft", "notify", "test", "--stdin"],
                       input=json.dumps(raw), timeout=120)  # fmt: skip
    finally:
        host.close()
    sys.stdout.write(res.stdout)
    if res.returncode not in (0, 1) or (res.returncode and not res.stdout.strip()):
        # rc 1 without a line per webhook: the box's tui-ft did not run (e.g. another python)
        from tui_ft.notify import parse_notify, scrub

        why = (res.stderr or res.stdout).strip()
        for hook in parse_notify(raw).webhooks:  # a traceback there may quote a URL
            why = scrub(why, hook.url)
        why = why[-300:] or f"exit {res.returncode}"
        raise CLIError(f"notify test on {spec} with {host.python} failed: {why}", 1)
    return res.returncode
