"""The host abstraction: every feature reaches a machine through these methods only.

Paths are POSIX strings on the host, never local `Path`s, so the same engine code
drives this machine and a rented box over SSH.
"""

from __future__ import annotations

import posixpath
import shlex
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from tui_ft.host.crash import exit_line


class HostError(RuntimeError):
    """A host operation failed; the message names the host and the path or command."""


class ConnectionLost(HostError):
    """The link to the host died (closed channel, EOF, no answer): not the command's fault.

    Callers skip or wait (`Host.wait_up`) instead of reporting an error; the heartbeat
    reconnects and the next call works again.
    """


@dataclass(frozen=True)
class LinkStatus:
    """The one state of a host's link that the heartbeat, the calls and the screens share."""

    state: str = "up"  # "up" | "reconnecting" | "down" (lost, nobody reconnecting)
    attempt: int = 0  # reconnect attempts since the link was lost
    next_retry_at: float | None = None  # time.monotonic() of the next attempt; None: now
    message: str = ""
    since: float = field(default_factory=time.monotonic)

    @property
    def up(self) -> bool:
        return self.state == "up"

    def retry_in(self, now: float | None = None) -> float | None:
        if self.next_retry_at is None:
            return None
        return max(0.0, self.next_retry_at - (now if now is not None else time.monotonic()))

    def describe(self) -> str:
        """ "reconnecting… (attempt 2, next in 3s)", as every screen shows it."""
        if self.up:
            return "connected"
        if self.state == "down":
            return f"link down: {self.message}" if self.message else "link down"
        wait = self.retry_in()
        when = "now" if wait is None or wait < 0.5 else f"next in {wait:.0f}s"
        return f"reconnecting… (attempt {max(self.attempt, 1)}, {when})"


LinkCallback = Callable[[LinkStatus], None]
LINK_UP = LinkStatus("up", since=0.0)


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    where: str = ""
    """The host it ran on, where it matters to the message (a crash on a box)."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def check(self) -> CommandResult:
        if not self.ok:
            tail = (self.stderr or self.stdout).strip().splitlines()[-5:]
            # A crash (signal) names the signal, its likely cause and the fix.
            head = exit_line(self.argv, self.returncode, self.where)
            raise HostError(head + (": " + " | ".join(tail) if tail else ""))
        return self


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime: float
    is_dir: bool

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DiskUsage:
    path: str
    total: int
    used: int
    free: int


class Host(ABC):
    """A machine tui-ft works on. `LocalHost` is this one; `SSHHost` a box over SSH."""

    name: str = "local"
    is_remote: bool = False
    batched: bool = False
    """True for a view whose reads one command fetched already (tui_ft.remote.view)."""
    python: str = "python3"
    """The interpreter on this host that has tui-ft installed: engine work that must run
    on the machine itself (hashing, linting, torch probes) runs `python -m tui_ft ...`.
    A box's may be set with `box_python` in the config or TUI_FT_BOX_PYTHON."""

    # -- commands -------------------------------------------------------------
    @abstractmethod
    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input: str | None = None,
    ) -> CommandResult:
        """Run a command to completion and capture its output."""

    @abstractmethod
    def stream(
        self,
        argv: Sequence[str],
        *,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Iterator[str]:
        """Run a command and yield its output lines (stdout and stderr merged) as they come.

        Raises HostError at the end when the command failed. Closing the iterator
        kills the command.
        """

    @abstractmethod
    def spawn_detached(
        self,
        argv: Sequence[str],
        *,
        cwd: str,
        log_path: str,
        pid_path: str,
        env: Mapping[str, str] | None = None,
    ) -> int:
        """Start a process that outlives this program and this connection.

        It runs in its own session with no terminal, stdin from /dev/null and stdout
        plus stderr appended to `log_path`; its pid is written to `pid_path`.
        Returns the pid.
        """

    @abstractmethod
    def is_alive(self, pid: int, expect: str | None = None) -> bool:
        """True when `pid` runs and, if `expect` is given, its command line contains it.

        The command-line check keeps a recycled pid from passing for the old process.
        """

    @abstractmethod
    def signal(self, pid: int, sig: int, *, group: bool = True) -> bool:
        """Send `sig` to the process (and by default its process group). False if gone."""

    # -- files ----------------------------------------------------------------
    @abstractmethod
    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        """Read a file from `offset`; `size` None reads to the end. Raises FileNotFoundError."""

    @abstractmethod
    def write_bytes(self, path: str, data: bytes, *, secret: bool = False) -> None:
        """Write a file atomically (temporary file and rename), creating parent folders.

        The mode follows tui_ft.atomic's rule: `secret` makes it 0600 and its folder 0700;
        else an old file keeps its mode and a new one gets the host's umask.
        """

    @abstractmethod
    def stat(self, path: str) -> FileStat | None:
        """Size, mtime and kind of a path, or None when it does not exist."""

    @abstractmethod
    def listdir(self, path: str) -> list[FileStat]:
        """The entries of a folder, sorted by name. Raises FileNotFoundError."""

    @abstractmethod
    def makedirs(self, path: str) -> None: ...

    @abstractmethod
    def remove(self, path: str, *, recursive: bool = False) -> None: ...

    @abstractmethod
    def rename(self, src: str, dst: str) -> None: ...

    @abstractmethod
    def disk_usage(self, path: str) -> DiskUsage:
        """Usage of the filesystem holding `path` (its nearest existing parent)."""

    @abstractmethod
    def home(self) -> str: ...

    # -- conveniences built on the primitives ---------------------------------
    def read_text(self, path: str) -> str:
        return self.read_bytes(path).decode("utf-8")

    def write_text(self, path: str, text: str, *, secret: bool = False) -> None:
        self.write_bytes(path, text.encode("utf-8"), secret=secret)

    def exists(self, path: str) -> bool:
        return self.stat(path) is not None

    def which(self, program: str) -> str | None:
        res = self.run(["sh", "-c", f"command -v {shlex.quote(program)}"])
        out = res.stdout.strip()
        return out or None

    def tool(self, name: str) -> str | None:
        """A console script of tui-ft's environment (llamafactory-cli, torchrun), else PATH's.

        The script beside `python` comes first: `.venv/bin/tui-ft` started without an
        activated venv has no llamafactory-cli on PATH.
        """
        folder = posixpath.dirname(self.python)
        if folder:
            beside = posixpath.join(folder, name)
            if self.exists(beside):
                return beside
        return self.which(name)

    def follow(self, path: str, offset: int = 0) -> FileFollower:
        """A follower of a growing file from a byte offset (see `FileFollower`)."""
        return FileFollower(self, path, offset)

    def close(self) -> None:  # noqa: B027 - optional hook, a local host holds nothing
        """Release connections."""

    # -- the link (a local host is always up) ----------------------------------
    @property
    def link(self) -> LinkStatus:
        return LINK_UP

    @property
    def link_state(self) -> str:
        """ "up", "reconnecting" or "down"."""
        return self.link.state

    def on_link(self, callback: LinkCallback) -> Callable[[], None]:
        """Call `callback(status)` (from any thread) on every link change; returns an
        unsubscribe function."""
        return lambda: None

    def wait_up(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the link to be up; True when it is."""
        return True

    def describe(self) -> str:
        return self.name


class FileFollower:
    """Reads the complete lines appended to a file since the last poll.

    It keeps the byte offset of the first unread byte, so a reader that reconnects
    (or a TUI that restarts) goes on exactly where it stopped: no line is lost or
    read twice, and a half-written last line waits for its newline.
    """

    def __init__(self, host: Host, path: str, offset: int = 0) -> None:
        self.host = host
        self.path = path
        self.offset = offset

    def poll(self) -> list[str]:
        try:
            data = self.host.read_bytes(self.path, self.offset)
        except FileNotFoundError:
            return []
        end = data.rfind(b"\n")
        if end < 0:
            return []
        chunk = data[: end + 1]
        self.offset += len(chunk)
        return chunk.decode("utf-8", errors="replace").splitlines()
