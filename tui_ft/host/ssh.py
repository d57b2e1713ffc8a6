"""A box over SSH as a `Host`: commands over exec channels, files over SFTP.

Every command goes through `sh` on the box as `echo $$; cd DIR && exec env K=V argv`
(all words shell-quoted): the echoed pid lets us kill a command whose channel we
close, since sshd does not signal a process without a terminal.
"""

from __future__ import annotations

import contextlib
import shlex
import stat as stat_mod
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from tui_ft.host.base import (
    CommandResult,
    ConnectionLost,
    DiskUsage,
    FileFollower,
    FileStat,
    Host,
    HostError,
    LinkCallback,
    LinkStatus,
)
from tui_ft.host.knownhosts import KnownHosts
from tui_ft.host.sshconfig import SSHTarget, resolve
from tui_ft.host.sshconnect import AskSecret, Connection, Credentials, open_connection

if TYPE_CHECKING:
    import paramiko

    from tui_ft.host.heartbeat import Heartbeat

__all__ = ["ConnectionLost", "SSHHost", "command_line"]


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


class SSHHost(Host):
    is_remote = True

    def __init__(
        self,
        target: SSHTarget,
        *,
        ask_password: AskSecret | None = None,
        ask_passphrase: AskSecret | None = None,
        known_hosts: KnownHosts | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.target = target
        self.name = target.alias or target.describe()
        self.known_hosts = known_hosts or KnownHosts()
        self.timeout = timeout
        self.creds = Credentials(ask_password, ask_passphrase)
        self._hop_creds: dict[str, Credentials] = {}
        self._lock = threading.RLock()  # held only briefly: connection and link state
        self._sftp_lock = threading.Lock()
        # One SFTP request at a time: paramiko's client drops a response another thread
        # read for it, and that thread then waits forever (seen as a hung screen).
        self._sftp_io = threading.RLock()
        self._conn: Connection | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._home: str | None = None
        self.heartbeat: Heartbeat | None = None
        self.generation = 0  # bumped on every (re)connect, followers compare it
        self._link = LinkStatus("down", message="not connected")
        self._link_subs: list[LinkCallback] = []
        self._up = threading.Event()
        self.wake = threading.Event()  # set when a call finds the link dead: the heartbeat acts

    # -- connection -------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: str, **kwargs) -> SSHHost:
        """Resolve an alias or pasted `ssh ...` line and connect (askers default to a TTY)."""
        if "ask_password" not in kwargs and "ask_passphrase" not in kwargs:
            from tui_ft.host.sshprompt import tty_asker

            kwargs["ask_password"] = kwargs["ask_passphrase"] = tty_asker()
        host = cls(resolve(spec), **kwargs)
        host.connect()
        return host

    def connect(self) -> None:
        conn = open_connection(
            self.target,
            self.creds,
            self.known_hosts,
            timeout=self.timeout,
            hop_creds=self._hop_creds,
        )
        with self._lock:
            old, self._conn, self._sftp = self._conn, conn, None
            self.generation += 1
        if old is not None:
            old.close()
        self.set_link(LinkStatus("up", message=f"connected to {self.describe()}"))

    def reconnect(self) -> None:
        """Drop the old transport (dead or not) and open a new one with the same secrets."""
        self.connect()

    # -- the link state: one place decides it is down ----------------------------
    @property
    def link(self) -> LinkStatus:
        return self._link

    def on_link(self, callback: LinkCallback) -> Callable[[], None]:
        with self._lock:
            self._link_subs.append(callback)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._link_subs.remove(callback)

        return unsubscribe

    def set_link(self, status: LinkStatus) -> None:
        """Record a new link state and tell the subscribers (heartbeat and calls use it)."""
        with self._lock:
            old, self._link = self._link, status
            subs = list(self._link_subs)
        if status.up:
            self._up.set()
        else:
            self._up.clear()
        if (old.state, old.attempt, old.next_retry_at) == (
            status.state,
            status.attempt,
            status.next_retry_at,
        ):
            return
        for callback in subs:
            with contextlib.suppress(Exception):  # a subscriber's bug must not stop the link
                callback(status)

    def wait_up(self, timeout: float) -> bool:
        return self._up.wait(max(timeout, 0.0))

    def lost(self, reason: str, generation: int | None = None) -> ConnectionLost:
        """The transport of `generation` died: drop it so every call in flight fails now
        (a frozen link would otherwise hold them for minutes), mark the link lost and
        wake the heartbeat. Returns the error to raise.

        A loss seen on an older generation (a channel of a connection already
        replaced) changes nothing.
        """
        with self._lock:
            stale = generation is not None and generation != self.generation
            conn = None
            if not stale:
                conn, self._conn, self._sftp = self._conn, None, None
        if not stale:
            if conn is not None:
                threading.Thread(target=conn.close, name="ssh-drop", daemon=True).start()
            if self._link.up:
                hb = self.heartbeat
                state = "reconnecting" if hb is not None and hb.is_alive() else "down"
                self.set_link(LinkStatus(state, message=reason))
            self.wake.set()
        return ConnectionLost(reason)

    @property
    def host_key(self) -> paramiko.PKey:
        return self._connection().host_key

    @property
    def connected(self) -> bool:
        conn = self._conn
        return conn is not None and conn.transport.is_active()

    def _connection(self) -> Connection:
        conn = self._conn
        if conn is None or not conn.transport.is_active():
            raise self.lost(f"connection to {self.describe()} lost", self.generation)
        return conn

    @property
    def transport(self) -> paramiko.Transport:
        return self._connection().transport

    def start_heartbeat(self, **kwargs) -> Heartbeat:
        """Probe the connection every second and reconnect with backoff when it dies."""
        from tui_ft.host.heartbeat import Heartbeat

        if self.heartbeat is None:
            self.heartbeat = Heartbeat(self, **kwargs)
            self.heartbeat.start()
        return self.heartbeat

    def close(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        with self._lock:
            conn, self._conn, self._sftp = self._conn, None, None
        if conn is not None:
            conn.close()
        self.set_link(LinkStatus("down", message="closed"))

    def describe(self) -> str:
        t = self.target
        return f"{t.user}@{t.hostname}:{t.port}"

    # -- commands ---------------------------------------------------------------
    def _open(self, argv, cwd, env, *, combine: bool) -> tuple[paramiko.Channel, int]:
        import paramiko

        gen = self.generation
        transport = self.transport
        try:
            chan = transport.open_session(timeout=self.timeout)
        except paramiko.ChannelException as exc:  # refused (MaxSessions): the link is fine
            raise HostError(f"{self.describe()}: cannot start {argv[0]}: {exc}") from exc
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise self.lost(f"{self.describe()}: cannot start {argv[0]}: {exc}", gen) from exc
        try:
            chan.exec_command(command_line(tuple(argv), cwd, env, merge=combine))
        except (paramiko.SSHException, EOFError, OSError) as exc:
            chan.close()
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
            chan.close()
            raise self.lost(f"{self.describe()}: no answer starting {argv[0]}", gen) from exc
        try:
            return chan, int(head)
        except ValueError:
            pass
        # No pid line. A channel closed without an exit status is a dead link (the
        # sshd session was killed); a shell that ran and exited is the box's problem.
        chan.status_event.wait(1.0)
        code = chan.exit_status if chan.exit_status_ready() else -1
        chan.close()
        if not head and code == -1:
            raise self.lost(f"{self.describe()}: connection closed starting {argv[0]}", gen)
        raise HostError(f"{self.describe()}: unexpected shell output {head!r} (exit {code})")

    def _kill(self, pid: int) -> None:
        with contextlib.suppress(HostError):
            chan = self.transport.open_session(timeout=self.timeout)
            chan.exec_command(f"kill -TERM {pid} 2>/dev/null")
            chan.recv_exit_status()
            chan.close()

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
            chan.close()
            if gen != self.generation or not self.link.up:
                raise ConnectionLost(f"{self.describe()}: lost while running {argv[0]}") from None
            self._kill(pid)
            return CommandResult(
                argv, 124, out.decode(errors="replace"), f"timed out after {timeout}s"
            )
        except (EOFError, OSError) as exc:
            raise self.lost(f"{self.describe()}: lost while running {argv[0]}: {exc}", gen) from exc
        finally:
            chan.close()
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
            if code == -1:
                raise self.lost(f"{self.describe()}: connection lost during {argv[0]}", gen)
            if code != 0:
                raise HostError(f"`{shlex.join(argv)}` exited {code} on {self.describe()}")
        finally:
            chan.close()
            if not finished and gen == self.generation and self.link.up:
                self._kill(pid)

    def spawn_detached(self, argv, *, cwd, log_path, pid_path, env=None) -> int:
        q = shlex.quote
        inner = command_line(tuple(argv), cwd, env).removeprefix("echo $$; ")
        tmp = f"{pid_path}.{uuid.uuid4().hex[:8]}.tmp"
        # The inner shell records its own pid ($$ survives `exec`), then becomes argv.
        body = f"echo $$ > {q(tmp)} && mv -f {q(tmp)} {q(pid_path)} && {inner}"
        script = (
            f"mkdir -p {q(_parent(log_path))} {q(_parent(pid_path))} && rm -f {q(pid_path)} && "
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

    # -- files ------------------------------------------------------------------
    def sftp(self) -> paramiko.SFTPClient:
        # Its own lock: opening may block on a frozen link until the heartbeat drops the
        # transport, and dropping takes `_lock`.
        with self._sftp_lock:
            sftp, gen = self._sftp, self.generation
            if sftp is None:
                transport = self.transport
                try:
                    sftp = transport.open_sftp_client()
                    # A request that gets no answer is a dead link, not a wait forever.
                    sftp.get_channel().settimeout(max(self.timeout, 10.0))
                except Exception as exc:
                    raise self.lost(f"{self.describe()}: SFTP unavailable: {exc}", gen) from exc
                with self._lock:
                    if gen != self.generation:
                        raise ConnectionLost(f"{self.describe()}: reconnected meanwhile")
                    self._sftp = sftp
            return sftp

    def _sftp_call(self, fn, *args):
        import paramiko

        gen = self.generation
        try:
            with self._sftp_io:
                return fn(self.sftp(), *args)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # FileNotFoundError, PermissionError ...: the file's problem, not ours
            raise self.lost(f"{self.describe()}: SFTP failed: {exc}", gen) from exc

    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        def read(sftp, path):
            with sftp.open(path, "rb") as fh:
                if offset:
                    fh.seek(offset)
                if size is None:
                    fh.prefetch()
                    return fh.read()
                return fh.read(size)

        return self._sftp_call(read, path)

    def write_bytes(self, path: str, data: bytes) -> None:
        parent = _parent(path)
        self.makedirs(parent)
        tmp = f"{parent}/.{path.rsplit('/', 1)[-1]}.{uuid.uuid4().hex[:8]}.tmp"

        def write(sftp, path):
            try:
                with sftp.open(tmp, "wb") as fh:
                    fh.set_pipelined(True)
                    fh.write(data)
                with contextlib.suppress(FileNotFoundError):
                    sftp.chmod(tmp, stat_mod.S_IMODE(sftp.stat(path).st_mode))
                sftp.posix_rename(tmp, path)  # atomic replace (OpenSSH extension)
            except BaseException:
                with contextlib.suppress(Exception):
                    sftp.remove(tmp)
                raise

        self._sftp_call(write, path)

    def stat(self, path: str) -> FileStat | None:
        try:
            st = self._sftp_call(lambda s, p: s.stat(p), path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileStat(
            path, st.st_size or 0, float(st.st_mtime or 0), stat_mod.S_ISDIR(st.st_mode)
        )

    def listdir(self, path: str) -> list[FileStat]:
        attrs = self._sftp_call(lambda s, p: s.listdir_attr(p), path)
        base = path.rstrip("/") or ""
        out = [
            FileStat(
                f"{base}/{a.filename}",
                a.st_size or 0,
                float(a.st_mtime or 0),
                stat_mod.S_ISDIR(a.st_mode or 0),
            )
            for a in attrs
        ]
        return sorted(out, key=lambda f: f.name)

    def makedirs(self, path: str) -> None:
        self.run(["mkdir", "-p", path], timeout=self.timeout).check()

    def remove(self, path: str, *, recursive: bool = False) -> None:
        st = self.stat(path)
        if st is None:
            return
        if st.is_dir:
            if not recursive:
                raise HostError(f"{path} is a folder: refusing to remove it without recursive")
            self.run(["rm", "-rf", "--", path], timeout=300).check()
        else:
            self._sftp_call(lambda s, p: s.remove(p), path)

    def rename(self, src: str, dst: str) -> None:
        self._sftp_call(lambda s, p: s.posix_rename(p, dst), src)

    def disk_usage(self, path: str) -> DiskUsage:
        script = 'p=$1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; df -PB1 "$p"'
        res = self.run(["sh", "-c", script, "sh", path], timeout=self.timeout).check()
        fields = res.stdout.strip().splitlines()[-1].split()
        try:
            total, used, free = (int(f) for f in fields[1:4])
        except (ValueError, IndexError):
            raise HostError(f"{self.describe()}: cannot read `df` output {res.stdout!r}") from None
        return DiskUsage(path, total, used, free)

    def home(self) -> str:
        if self._home is None:
            self._home = self._sftp_call(lambda s, p: s.normalize(p), ".")
        return self._home

    def follow(self, path: str, offset: int = 0) -> FileFollower:
        """A `tail -F` channel: lines arrive as they are written, not at the next poll."""
        from tui_ft.host.sshfollow import StreamingFollower

        return StreamingFollower(self, path, offset)


def _parent(path: str) -> str:
    parent = path.rstrip("/").rsplit("/", 1)[0]
    return parent or "/"
