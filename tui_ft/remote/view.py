"""A read-only view of a host: the base of the batched views (`SnapshotHost`, `TreeHost`).

A view answers some reads from what one command fetched and passes everything else,
writes and commands included, to the real host. `batched` tells the listing code that
the reads are already batched, so it does not fetch again.
"""

from __future__ import annotations

from tui_ft.host.base import CommandResult, DiskUsage, FileStat, Host


class HostView(Host):
    batched = True

    def __init__(self, host: Host) -> None:
        self.host = host
        self.name = host.name
        self.is_remote = host.is_remote
        self.python = host.python

    # -- reads a view may answer itself ------------------------------------------
    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        return self.host.read_bytes(path, offset, size)

    def stat(self, path: str) -> FileStat | None:
        return self.host.stat(path)

    def listdir(self, path: str) -> list[FileStat]:
        return self.host.listdir(path)

    def is_alive(self, pid: int, expect: str | None = None) -> bool:
        return self.host.is_alive(pid, expect)

    def disk_usage(self, path: str) -> DiskUsage:
        return self.host.disk_usage(path)

    # -- everything else is the real host's --------------------------------------
    def run(self, argv, *, cwd=None, env=None, timeout=None, input=None) -> CommandResult:
        return self.host.run(argv, cwd=cwd, env=env, timeout=timeout, input=input)

    def stream(self, argv, *, cwd=None, env=None):
        return self.host.stream(argv, cwd=cwd, env=env)

    def spawn_detached(self, argv, *, cwd, log_path, pid_path, env=None) -> int:
        return self.host.spawn_detached(
            argv, cwd=cwd, log_path=log_path, pid_path=pid_path, env=env
        )

    def signal(self, pid: int, sig: int, *, group: bool = True) -> bool:
        return self.host.signal(pid, sig, group=group)

    def write_bytes(self, path: str, data: bytes, *, secret: bool = False) -> None:
        self.host.write_bytes(path, data, secret=secret)

    def makedirs(self, path: str) -> None:
        self.host.makedirs(path)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        self.host.remove(path, recursive=recursive)

    def rename(self, src: str, dst: str) -> None:
        self.host.rename(src, dst)

    def home(self) -> str:
        return self.host.home()

    def describe(self) -> str:
        return self.host.describe()

    # -- the link is the real host's ----------------------------------------------
    @property
    def link(self):
        return self.host.link

    def on_link(self, callback):
        return self.host.on_link(callback)

    def wait_up(self, timeout: float) -> bool:
        return self.host.wait_up(timeout)
