"""This machine as a `Host`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from tui_ft.atomic import atomic_write_bytes
from tui_ft.host.base import CommandResult, DiskUsage, FileStat, Host, HostError
from tui_ft.host.crash import exit_line


def _env(extra: Mapping[str, str] | None) -> dict[str, str] | None:
    if not extra:
        return None
    env = dict(os.environ)
    env.update(extra)
    return env


class LocalHost(Host):
    name = "local"
    is_remote = False
    python = sys.executable  # this very interpreter: it has tui-ft

    def run(self, argv, *, cwd=None, env=None, timeout=None, input=None) -> CommandResult:
        argv = tuple(argv)
        try:
            proc = subprocess.run(
                argv,
                cwd=cwd,
                env=_env(env),
                input=input,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=None if input is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            return CommandResult(argv, 127, "", f"{argv[0]}: command not found")
        except subprocess.TimeoutExpired as exc:
            return CommandResult(argv, 124, str(exc.stdout or ""), f"timed out after {timeout}s")
        return CommandResult(argv, proc.returncode, proc.stdout, proc.stderr)

    def stream(self, argv, *, cwd=None, env=None) -> Iterator[str]:
        argv = tuple(argv)
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=_env(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            )
        except FileNotFoundError as exc:
            raise HostError(f"{argv[0]}: command not found") from exc
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                yield line.rstrip("\n")
            code = proc.wait()
            if code != 0:
                raise HostError(exit_line(argv, code))  # a crash says which signal and why
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def spawn_detached(self, argv, *, cwd, log_path, pid_path, env=None) -> int:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log, open(os.devnull, "rb") as devnull:
            proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=_env(env),
                stdin=devnull,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own session: no SIGHUP when the terminal goes
                close_fds=True,
            )
        atomic_write_bytes(pid_path, f"{proc.pid}\n".encode())
        # Nobody here waits for it; a reaper thread keeps it from lingering as a zombie
        # while this program runs (after we exit, init adopts it).
        import threading

        threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()
        return proc.pid

    def is_alive(self, pid: int, expect: str | None = None) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                return False
            if expect is not None:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                return expect.encode() in cmdline
        except (OSError, IndexError):  # gone meanwhile: /proc reads fail with ENOENT or ESRCH
            return False
        return True

    def signal(self, pid: int, sig: int, *, group: bool = True) -> bool:
        try:
            if group:
                os.killpg(os.getpgid(pid), sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            return False
        return True

    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        with open(path, "rb") as fh:
            if offset:
                fh.seek(offset)
            return fh.read() if size is None else fh.read(size)

    def write_bytes(self, path: str, data: bytes, *, secret: bool = False) -> None:
        atomic_write_bytes(path, data, secret=secret)

    def stat(self, path: str) -> FileStat | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileStat(path, st.st_size, st.st_mtime, os.path.isdir(path))

    def listdir(self, path: str) -> list[FileStat]:
        out = []
        with os.scandir(path) as it:
            for entry in it:
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue
                out.append(FileStat(entry.path, st.st_size, st.st_mtime, entry.is_dir()))
        return sorted(out, key=lambda f: f.name)

    def makedirs(self, path: str) -> None:
        os.makedirs(path, exist_ok=True)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        if os.path.isdir(path) and not os.path.islink(path):
            if not recursive:
                raise HostError(f"{path} is a folder: refusing to remove it without recursive")
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)

    def rename(self, src: str, dst: str) -> None:
        os.replace(src, dst)

    def disk_usage(self, path: str) -> DiskUsage:
        probe = Path(path)
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        du = shutil.disk_usage(probe)
        return DiskUsage(str(path), du.total, du.used, du.free)

    def home(self) -> str:
        return str(Path.home())

    def which(self, program: str) -> str | None:
        return shutil.which(program)
