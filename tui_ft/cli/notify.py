"""`tui-ft notify test`: send a test message to every webhook of `notify.webhooks`."""

from __future__ import annotations

import argparse
import socket

from tui_ft.cli.common import CLIError, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notify", help="notifications: test the webhooks of the config")
    nsub = p.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    t = nsub.add_parser("test", help="send a test message to each webhook")
    t.set_defaults(handler=cmd_test)


def cmd_test(args: argparse.Namespace) -> int:
    from tui_ft.config import config_path
    from tui_ft.notify import Event, parse_notify, send_all

    settings = parse_notify(load_config().notify, str(config_path()))
    if not settings.webhooks:
        raise CLIError(
            f"no webhooks in {config_path()}: add `notify: {{webhooks: "
            "[{url: https://..., format: feishu}]}}` (formats: json slack feishu dingtalk wecom)"
        )
    event = Event("test", "tui-ft", detail=f"notify test from {socket.gethostname()}")
    failed = 0
    for d in send_all(settings.webhooks, event):
        print(f"{'ok  ' if d.ok else 'FAIL'} {d.format:8} {d.url}: {d.detail}")
        failed += not d.ok
    return 1 if failed else 0
