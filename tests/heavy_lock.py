"""One real training at a time on the machine: `flock /tmp/tui-ft-heavy.lock`.

Shared by the suite's xdist workers and by anyone running a training test by hand beside
it (`flock /tmp/tui-ft-heavy.lock pytest ...`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

HEAVY_LOCK = "/tmp/tui-ft-heavy.lock"
"""One real training at a time on a shared machine (`flock` this file)."""

_held: list[int] = []  # the descriptor this process locks with, while it holds the lock


def inherited_fd(path: str) -> int | None:
    """The descriptor of `path` that `flock PATH pytest ...` handed down, if any."""
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{name}") == path:
                return int(name)
    return None


def heavy_lock_path() -> str:
    """The lock file: the machine-wide one, or the run's own (`TUI_FT_HEAVY_LOCK`) where
    the pytest that started the xdist workers holds the machine-wide one for them."""
    return os.environ.get("TUI_FT_HEAVY_LOCK") or HEAVY_LOCK


@contextlib.contextmanager
def heavy_lock(path: str | None = None) -> Iterator[None]:
    """Hold the heavy-work lock; re-entrant within a process (a training test holds it
    while its fixtures take it again). Under `flock PATH pytest` the lock is already ours
    through the inherited descriptor (a second open of the file would wait on ourselves)."""
    path = path or heavy_lock_path()
    if _held:
        yield
        return
    fd = inherited_fd(path)
    inherited = fd is not None
    if fd is None:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # an inherited descriptor: granted at once
        _held.append(fd)
        yield
    finally:
        if _held:
            _held.pop()
        if not inherited:
            os.close(fd)  # releases the lock
