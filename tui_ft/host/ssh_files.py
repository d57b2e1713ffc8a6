"""Files on the box over SFTP: read, atomic write, stat, list, remove, follow."""

from __future__ import annotations

import contextlib
import stat as stat_mod
import uuid
from typing import TYPE_CHECKING

from tui_ft.atomic import SECRET_FILE, SECRET_FOLDER, file_mode
from tui_ft.host.base import ConnectionLost, DiskUsage, FileFollower, FileStat, HostError
from tui_ft.host.ssh_exec import SSHCommands, parent_dir

if TYPE_CHECKING:
    import paramiko


class SSHFiles(SSHCommands):
    """File access for an `SSHHost`: one SFTP client per connection, one request at a time."""

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

    def write_bytes(self, path: str, data: bytes, *, secret: bool = False) -> None:
        parent = parent_dir(path)
        self.makedirs(parent)
        tmp = f"{parent}/.{path.rsplit('/', 1)[-1]}.{uuid.uuid4().hex[:8]}.tmp"
        # paramiko's open sends no mode: sftp-server makes the file 0666 under its own
        # umask, which need not be the one the box's commands (training, cp) run with.
        # So the mode is set here, before any data: tui_ft.atomic's rule, the box's umask.
        new_mode = SECRET_FILE if secret else file_mode(False, self.box_umask())

        def write(sftp, path):
            mode = new_mode
            if secret:
                sftp.chmod(parent, SECRET_FOLDER)
            else:
                with contextlib.suppress(FileNotFoundError):  # an old file keeps its mode
                    mode = stat_mod.S_IMODE(sftp.stat(path).st_mode)
            try:
                with sftp.open(tmp, "wb") as fh:
                    fh.chmod(mode)
                    fh.set_pipelined(True)
                    fh.write(data)
                sftp.posix_rename(tmp, path)  # atomic replace (OpenSSH extension)
            except BaseException:
                with contextlib.suppress(Exception):
                    sftp.remove(tmp)
                raise

        self._sftp_call(write, path)

    def box_umask(self) -> int:
        """The umask the box's commands run with (asked once per host)."""
        umask = getattr(self, "_box_umask", None)
        if umask is None:
            res = self.run(["sh", "-c", "umask"], timeout=self.timeout)
            try:
                umask = int(res.stdout.strip() or "x", 8)
            except ValueError:
                umask = 0o022  # a shell that prints no umask: the common default
            self._box_umask = umask
        return umask

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
