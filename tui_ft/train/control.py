"""Stop and delete runs, through the host (the same calls drive a remote box).

A stop is graceful first: SIGABRT, which LLaMA-Factory (with LLAMABOARD_ENABLED)
turns into "finish this step, save, exit"; then SIGTERM; SIGKILL after the timeout.
Signals go to the run's process group, so torchrun workers get them too.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from tui_ft.host.base import Host, HostError
from tui_ft.train.discover import RunInfo, run_info
from tui_ft.train.rundir import RunPaths, read_status, write_status


def _wait_gone(host: Host, pid: int, expect: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not host.is_alive(pid, expect=expect):
            return True
        time.sleep(0.2)
    return not host.is_alive(pid, expect=expect)


def request_stop(host: Host, paths: RunPaths) -> bool:
    """Mark the stop and send SIGABRT; returns False when the run was not running."""
    info = run_info(host, paths)
    if not info.alive or info.pid is None:
        return False
    status = read_status(host, paths)
    status.setdefault("stop_requested_at", time.time())
    write_status(host, paths, status)
    return host.signal(info.pid, signal.SIGABRT)


def stop_run(
    host: Host,
    paths: RunPaths,
    *,
    timeout: float = 60.0,
    term_timeout: float = 10.0,
    progress: Callable[[str], None] | None = None,
) -> RunInfo:
    """Stop a run and wait for it: SIGABRT, then SIGTERM, then SIGKILL."""
    say = progress or (lambda _msg: None)
    info = run_info(host, paths)
    if not info.alive or info.pid is None:
        return info
    pid, expect = info.pid, paths.args
    request_stop(host, paths)
    say(f"asked run {info.run_id} to stop (SIGABRT); it finishes its step and saves")
    if not _wait_gone(host, pid, expect, timeout):
        say(f"still running after {timeout:.0f}s: SIGTERM")
        host.signal(pid, signal.SIGTERM)
        if not _wait_gone(host, pid, expect, term_timeout):
            say(f"still running after {term_timeout:.0f}s more: SIGKILL")
            host.signal(pid, signal.SIGKILL)
            _wait_gone(host, pid, expect, 5.0)
    return run_info(host, paths)


def delete_run(host: Host, paths: RunPaths, *, force: bool = False) -> None:
    """Remove a run folder; a live run must be stopped first unless `force`."""
    info = run_info(host, paths)
    if info.alive:
        if not force:
            raise HostError(f"run {info.run_id} is {info.state}: stop it before deleting")
        if info.pid is not None:
            host.signal(info.pid, signal.SIGKILL)
            _wait_gone(host, info.pid, paths.args, 5.0)
    host.remove(paths.root, recursive=True)
