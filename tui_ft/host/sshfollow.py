"""Following a growing file on a box through one long-lived `tail -c +N -F` channel.

Polling over SFTP costs a round trip per check; a streaming channel delivers a line
as soon as it is written. The byte offset only advances past complete lines handed
out, so a follower restarted at `offset` (after a reconnect) neither loses nor
repeats a line.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tui_ft.host.base import FileFollower, HostError
from tui_ft.host.ssh_exec import close_channel

if TYPE_CHECKING:
    import paramiko

    from tui_ft.host.ssh import SSHHost


class StreamingFollower(FileFollower):
    host: SSHHost

    def __init__(self, host: SSHHost, path: str, offset: int = 0) -> None:
        super().__init__(host, path, offset)
        self._chan: paramiko.Channel | None = None
        self._pid = 0
        self._gen = -1
        self._buf = b""

    def _channel(self) -> paramiko.Channel:
        if self._chan is None or self._gen != self.host.generation:
            self._drop()
            # -s: a file that does not exist yet is looked for 5 times a second
            argv = ["tail", "-s", "0.2", "-c", f"+{self.offset + 1}", "-F", self.path]
            self._gen = self.host.generation
            self._chan, self._pid = self.host._open(argv, None, None, combine=False)
            self._chan.shutdown_write()
        return self._chan

    def _drop(self) -> None:
        """Forget the channel and any partial line: it is read again from `offset`."""
        chan, self._chan, self._buf = self._chan, None, b""
        if chan is not None:
            close_channel(chan)

    def _take(self) -> list[str]:
        end = self._buf.rfind(b"\n")
        if end < 0:
            return []
        chunk, self._buf = self._buf[: end + 1], self._buf[end + 1 :]
        self.offset += len(chunk)
        return chunk.decode("utf-8", errors="replace").splitlines()

    def poll(self) -> list[str]:
        return self.wait(0)

    def wait(self, timeout: float) -> list[str]:
        """The complete lines that arrive within `timeout` seconds (returns on the first)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self._take()
            if lines:
                return lines
            chan = self._channel()
            while chan.recv_stderr_ready():  # "tail: ... has appeared" notices
                chan.recv_stderr(4096)
            left = deadline - time.monotonic()
            if left <= 0 and not chan.recv_ready():
                if chan.closed or (chan.exit_status_ready() and not chan.recv_ready()):
                    self._lost()
                return []
            chan.settimeout(left if left > 0 else 0.0)
            try:
                data = chan.recv(65536)
            except TimeoutError:
                return []
            except (EOFError, OSError) as exc:
                gen = self._gen
                self._drop()
                msg = f"{self.host.describe()}: follow {self.path}: {exc}"
                raise self.host.lost(msg, gen) from exc
            if not data:
                self._lost()
            self._buf += data

    def _lost(self) -> None:
        gen = self._gen
        self._drop()
        if gen != self.host.generation:
            return  # the connection was replaced under us: the caller reopens at `offset`
        if not self.host.connected:
            msg = f"{self.host.describe()}: connection lost following {self.path}"
            raise self.host.lost(msg, gen)
        raise HostError(f"{self.host.describe()}: `tail -F {self.path}` stopped")

    def close(self) -> None:
        pid, chan = self._pid, self._chan
        self._drop()
        if chan is not None and pid:
            self.host._kill(pid)
