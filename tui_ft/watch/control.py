"""Start, stop and ask the watch daemon, on any host (the CLI and the TUI use these).

The daemon's settings (notify.webhooks, watch:, hourly_price) come from the config of
the machine that starts it and are kept beside it, so a laptop's webhooks reach a box
that has no config of its own.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tui_ft.config import Config
from tui_ft.host.base import Host
from tui_ft.train.rundir import read_int
from tui_ft.watch.files import WatchFiles


def daemon_pid(host: Host, files: WatchFiles) -> int | None:
    """The running daemon's pid (its command line checked: a recycled pid is not it)."""
    pid = read_int(host, files.pid)
    return pid if pid is not None and host.is_alive(pid, expect="watch") else None


def read_state(host: Host, files: WatchFiles) -> dict[str, Any] | None:
    """What the daemon saw at its last look (runs, notifications, power-off), or None."""
    from tui_ft.notify.mask import masked_deliveries

    try:
        state = json.loads(host.read_text(files.state))
    except (FileNotFoundError, ValueError):
        return None
    if isinstance(state, dict) and isinstance(state.get("notifications"), list):
        state["notifications"] = masked_deliveries(state["notifications"])
    return state


def carried_settings(config: Config) -> dict[str, Any]:
    return {"notify": config.notify or {}, "watch": config.watch or {},
            "hourly_price": config.hourly_price, "currency": config.currency}  # fmt: skip


def read_carried(host: Host, files: WatchFiles) -> dict[str, Any] | None:
    try:
        return json.loads(host.read_text(files.settings))
    except (FileNotFoundError, ValueError):
        return None


def start_daemon(host: Host, workspace: str, config: Config) -> tuple[int, bool]:
    """(pid, started): the daemon of `workspace` on `host`, started detached if none runs."""
    from tui_ft.notify import parse_notify
    from tui_ft.watch.settings import parse_watch

    files = WatchFiles(workspace)
    pid = daemon_pid(host, files)
    if pid is not None:
        return pid, False
    parse_notify(config.notify)  # a bad setting fails here, not in a detached process
    parse_watch(config.watch)
    host.makedirs(files.folder)
    host.write_text(files.settings, json.dumps(carried_settings(config)), secret=True)
    argv = [host.python, "-m", "tui_ft", "--workspace", workspace, "watch", "--foreground"]
    pid = host.spawn_detached(argv, cwd=files.folder, log_path=files.log, pid_path=files.pid)
    return pid, True


def stop_daemon(host: Host, workspace: str, timeout: float = 30.0) -> int | None:
    """SIGTERM the daemon and wait for it; its pid, or None when none ran."""
    files = WatchFiles(workspace)
    pid = daemon_pid(host, files)
    if pid is None:
        return None
    host.signal(pid, 15)
    deadline = time.time() + timeout
    while host.is_alive(pid, expect="watch") and time.time() < deadline:
        time.sleep(0.2)
    return pid


def cancel_poweroff(host: Host, workspace: str) -> bool:
    """Ask the daemon to keep the box running; False when no power-off is scheduled."""
    files = WatchFiles(workspace)
    state = read_state(host, files) or {}
    if (state.get("poweroff") or {}).get("status") != "scheduled":
        return False
    host.write_text(files.cancel_poweroff, str(time.time()))
    return True
