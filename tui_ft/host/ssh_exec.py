"""Commands on the box over SSH exec channels: run, stream, detach, probe and signal.

Every command goes through `sh` on the box as `echo $$; cd DIR && exec env K=V argv`
(all words shell-quoted): the echoed pid lets us kill a command whose channel we
close, since sshd does not signal a process without a terminal.
"""

from __future__ import annotations

import contextlib
import shlex
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from tui_ft.host.base import CommandResult, ConnectionLost, HostError
from tui_ft.host.crash import exit_line, signal_number
from tui_ft.host.ssh_link import SSHLink
from tui_ft.host.ssh_signal import exit_signal
from tui_ft.host.ssh_signal import watch as watch_signals

if TYPE_CHECKING:
    import paramiko


def close_channel(chan: paramiko.Channel) -> None:
    """Close `chan`, whatever state the link is in: on a cut link paramiko's close raises
    (EOFError, socket errors) while telling the box, which would hide the real error."""
    with contextlib.suppress(Exception):
        chan.close()


def command_line(
    argv: Sequence[str], cwd: str | None, env: Mapping[str, str] | None, *, merge: bool = False
) -> str:
    if not argv:
        raise HostError("empty command")
    parts = ["echo $$;"]
    if cwd:
        parts.append(f"cd {shlex.quote(cwd)} &&")
    parts.append("exec")
    if env:
        parts.append("env " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()))
    parts.append(shlex.join(argv))
    if merge:  # merged in one pipe on the box, so the order of the lines is kept
        parts.append("2>&1")
    return " ".join(parts)


class SSHCommands(SSHLink):
    """Process control on the box; the pid of each command comes back first."""

    def _open(self, argv, cwd, env, *, combine: bool) -> tuple[paramiko.Channel, int]:
        import paramiko

        gen = self.generation
        transport = self.transport
        watch_signals(transport)  # a crash on the box is not a lost link
        try:
            chan = transport.open_session(timeout=self.timeout)
        except paramiko.ChannelException as exc:  # refused (MaxSessions): the link is fine
            raise HostError(f"{self.describe()}: cannot start {argv[0]}: {exc}") from exc
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise self.lost(f"{self.describe()}: cannot start {argv[0]}: {exc}", gen) from exc
        try:
            chan.exec_command(command_line(tuple(argv), cwd, env, merge=combine))
        except (paramiko.SSHException, EOFError, OSError) as exc:
            close_channel(chan)
            raise self.lost(f"{self.describe()}: cannot start {argv[0]}: {exc}", gen) from exc
        head = b""
        chan.settimeout(self.timeout)
        try:
            while not head.endswith(b"\n"):
                c = chan.recv(1)
                if not c:
                    break
                head += c
        except (TimeoutError, EOFError, OSError) as exc:
            close_channel(chan)
            raise self.lost(f"{self.describe()}: no answer starting {argv[0]}", gen) from exc
        try:
            return chan, int(head)
        except ValueError:
            pass
        # No pid line. A channel closed without an exit status is a dead link (the
        # sshd session was killed); a shell that ran and exited is the box's problem.
        chan.status_event.wait(1.0)
        code = chan.exit_status if chan.exit_status_ready() else -1
        close_channel(chan)
        if not head and code == -1:
            raise self.lost(f"{self.describe()}: connection closed starting {argv[0]}", gen)
        raise HostError(f"{self.describe()}: unexpected shell output {head!r} (exit {code})")

    def _kill(self, pid: int) -> None:
        # Best effort: a cut link (paramiko raises EOFError, socket errors) or a process
        # already gone is not the caller's problem.
        with contextlib.suppress(Exception):
            chan = self.transport.open_session(timeout=self.timeout)
            chan.exec_command(f"kill -TERM {pid} 2>/dev/null")
            chan.recv_exit_status()
            close_channel(chan)

    def run(self, argv, *, cwd=None, env=None, timeout=None, input=None) -> CommandResult:
        argv = tuple(argv)
        gen = self.generation
        chan, pid = self._open(argv, cwd, env, combine=False)
        deadline = None if timeout is None else time.monotonic() + timeout
        out = bytearray()
        try:
            if input is not None:
                chan.sendall(input.encode())
            chan.shutdown_write()  # stdin at EOF, like </dev/null
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError
                chan.settimeout(left if left is not None else 30.0)
                try:
                    data = chan.recv(65536)
                except TimeoutError:
                    if deadline is None and self.connected:
                        continue
                    raise
                if not data:
                    break
                out += data
            err = bytearray()
            while data := chan.recv_stderr(65536):
                err += data
            code = chan.recv_exit_status()
        except TimeoutError:
            close_channel(chan)
            if gen != self.generation or not self.link.up:
                raise ConnectionLost(f"{self.describe()}: lost while running {argv[0]}") from None
            self._kill(pid)
            return CommandResult(
                argv, 124, out.decode(errors="replace"), f"timed out after {timeout}s"
            )
        except (EOFError, OSError) as exc:
            raise self.lost(f"{self.describe()}: lost while running {argv[0]}: {exc}", gen) from exc
        finally:
            close_channel(chan)
        if code == -1 and (number := signal_number(exit_signal(chan) or "")):
            out_text, err_text = out.decode(errors="replace"), err.decode(errors="replace")
            return CommandResult(argv, -number, out_text, err_text, where=self.describe())
        if code == -1:
            raise self.lost(f"{self.describe()}: connection lost while running {argv[0]}", gen)
        return CommandResult(argv, code, out.decode(errors="replace"), err.decode(errors="replace"))

    def stream(self, argv, *, cwd=None, env=None) -> Iterator[str]:
        argv = tuple(argv)
        gen = self.generation
        chan, pid = self._open(argv, cwd, env, combine=True)
        chan.shutdown_write()
        chan.settimeout(None)
        finished = False
        buf = b""
        try:
            while True:
                try:
                    data = chan.recv(65536)
                except (EOFError, OSError) as exc:
                    raise self.lost(f"{self.describe()}: lost during {argv[0]}", gen) from exc
                if not data:
                    break
                buf += data
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    yield line.decode(errors="replace")
            if buf:
                yield buf.decode(errors="replace")
            code = chan.recv_exit_status()
            finished = True
            if code == -1 and (number := signal_number(exit_signal(chan) or "")):
                code = -number  # died by a signal on the box: a crash line, not a lost link
            if code == -1:
                raise self.lost(f"{self.describe()}: connection lost during {argv[0]}", gen)
            if code != 0:
                raise HostError(exit_line(argv, code, self.describe()))
        finally:
            close_channel(chan)
            if not finished and gen == self.generation and self.link.up:
                self._kill(pid)

    def spawn_detached(self, argv, *, cwd, log_path, pid_path, env=None) -> int:
        q = shlex.quote
        inner = command_line(tuple(argv), cwd, env).removeprefix("echo $$; ")
        tmp = f"{pid_path}.{uuid.uuid4().hex[:8]}.tmp"
        # The inner shell records its own pid ($$ survives `exec`), then becomes argv.
        body = f"echo $$ > {q(tmp)} && mv -f {q(tmp)} {q(pid_path)} && {inner}"
        script = (
            # `;` before nohup: with `&&` the `&` put the rm in the background too, and the
            # wait below could read the previous daemon's pid file before it was removed.
            f"mkdir -p {q(parent_dir(log_path))} {q(parent_dir(pid_path))} && "
            f"rm -f {q(pid_path)} || exit 1; "
            f"nohup setsid sh -c {q(body)} </dev/null >>{q(log_path)} 2>&1 & "
            f"i=0; while [ ! -s {q(pid_path)} ] && [ $i -lt 200 ]; "
            "do sleep 0.05; i=$((i+1)); done; "
            f"cat {q(pid_path)}"
        )
        res = self.run(["sh", "-c", script], timeout=30)
        try:
            return int(res.stdout.strip())
        except ValueError:
            raise HostError(
                f"{self.describe()}: could not start {argv[0]} detached: "
                f"{(res.stderr or res.stdout).strip()[-300:]}"
            ) from None

    def is_alive(self, pid: int, expect: str | None = None) -> bool:
        proc = f"/proc/{pid}"
        script = f"[ -r {proc}/stat ] || exit 1; cat {proc}/stat; echo; cat {proc}/cmdline"
        res = self.run(["sh", "-c", script], timeout=self.timeout)
        if not res.ok or ")" not in res.stdout:
            return False
        stat_line, _, cmdline = res.stdout.partition("\n")
        if stat_line.rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return expect is None or expect in cmdline.replace("\0", " ")

    def signal(self, pid: int, sig: int, *, group: bool = True) -> bool:
        num = int(sig)
        if group:
            script = (
                f"s=$(cat /proc/{pid}/stat 2>/dev/null) || exit 1; s=${{s##*) }}; set -- $s; "
                f"kill -{num} -$3 2>/dev/null"
            )
        else:
            script = f"kill -{num} {pid} 2>/dev/null"
        return self.run(["sh", "-c", script], timeout=self.timeout).ok


def parent_dir(path: str) -> str:
    parent = path.rstrip("/").rsplit("/", 1)[0]
    return parent or "/"
