"""Run folders read in one command: a few round trips per action, whatever the number of runs.

Over a 50 ms link every SFTP `stat` or small read is a round trip, and reading one run's
state (`run_info`) took about 40 of them. `snapshot()` runs one reader on the host
(`tui_ft.batch_readers`: Python through the box's agent where the connection keeps one,
else one command; plain `sh` without Python) that prints, for every run folder, the
small files run_info needs (whole), the tails of the logs, the checkpoint folders and
the /proc entry of the run's pid, base64 per line.
`SnapshotHost` then answers the engine's usual `Host` calls from that output, so
`run_info`, `checkpoints` and `tail_records` run unchanged on top of it; anything it did
not fetch goes to the real host.
"""

from __future__ import annotations

import base64
import posixpath
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_ft.batch_readers import DF, PY, SCRIPT, TAIL, TAILED, WHOLE
from tui_ft.host.agent import run_python
from tui_ft.host.base import DiskUsage, FileStat, Host, HostError
from tui_ft.remote.view import HostView


@dataclass
class _File:
    size: int
    mtime: float
    data: bytes  # the whole file, or its last bytes
    start: int  # offset of data[0] in the file


@dataclass
class Snapshot:
    """What one command saw of some run folders."""

    runs: list[str] = field(default_factory=list)
    files: dict[str, _File] = field(default_factory=dict)
    checkpoints: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    procs: dict[int, tuple[str, str]] = field(default_factory=dict)
    adapters: set[str] = field(default_factory=set)  # folders with an adapter_config.json
    outputs: set[str] = field(default_factory=set)  # the runs' output/ folders that exist
    complete: bool = True  # False: the shell reader, which does not list adapters
    top: str | None = None  # the runs folder, when its listing below was read
    entries: list[tuple[str, bool]] = field(default_factory=list)  # (name, is a folder)
    disk: DiskUsage | None = None
    sizes: dict[str, int] = field(default_factory=dict)  # bytes below each run folder
    missing: set[str] = field(default_factory=set)  # asked-for files that are not there


def _mtime(text: str) -> float:
    """`SEC.NANOSEC` as os.stat's st_mtime makes it (sec + nsec * 1e-9), to the last bit: a
    time read over the link is the one the box's own commands print (`runs --json`)."""
    sec, _, frac = text.partition(".")
    if not frac.isdigit():
        return float(text)  # a stat without %.9Y prints whole seconds
    return int(sec) + int(frac[:9].ljust(9, "0")) * 1e-9


def parse(text: str) -> Snapshot:
    snap = Snapshot()
    run = ""
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        try:
            if kind == "R":
                run = rest
                snap.runs.append(run)
                snap.checkpoints[run] = []
            elif kind == "G":  # the Python reader: size mtime start data path
                size, mtime, start, data, path = rest.split(" ", 4)
                raw = base64.b64decode(data)
                snap.files[path] = _File(int(size), _mtime(mtime), raw, int(start))
            elif kind == "F":  # the shell reader: size mtime data path (a tail ends at EOF)
                size, mtime, data, path = rest.split(" ", 3)
                raw = base64.b64decode(data)
                snap.files[path] = _File(
                    int(size), _mtime(mtime), raw, max(0, int(size) - len(raw))
                )
            elif kind == "A":
                snap.adapters.add(rest)
            elif kind == "N":
                snap.missing.add(rest)
            elif kind == "Z":
                size, path = rest.split(" ", 1)
                snap.sizes[path] = int(size)
            elif kind == "T":
                snap.top = rest
            elif kind == "E":
                is_dir, name = rest.split(" ", 1)
                snap.entries.append((name, is_dir == "1"))
            elif kind == "O":
                snap.outputs.add(rest)
            elif kind == "C":
                done, path = rest.split(" ", 1)
                snap.checkpoints.setdefault(posixpath.dirname(posixpath.dirname(path)), []).append(
                    (path, done == "1")
                )
            elif kind == "P":
                pid, stat, cmdline = rest.split(" ", 2)
                snap.procs[int(pid)] = (
                    base64.b64decode(stat).decode(errors="replace"),
                    base64.b64decode(cmdline).decode(errors="replace"),
                )
        except ValueError:
            continue  # a file that changed under `stat`: read it from the host if needed
    return snap


def snapshot(
    host: Host,
    *,
    runs_dir: str | None = None,
    dirs: Iterable[str] = (),
    disk: str | None = None,
    full: Iterable[str] = (),
    sizes: bool = False,
    files: Iterable[str] = (),
) -> Snapshot:
    """One command: every run under `runs_dir`, or the run folders `dirs`; with `disk`,
    the usage of the filesystem holding that path too; the whole trainer log of the runs
    named in `full` ("-newest": the newest run), with `sizes` each run's bytes, and the
    other `files` whole (or that they are missing)."""
    args = ["runs", runs_dir] if runs_dir is not None else ["dirs", *dirs]
    env = {"SNAPSHOT_DISK": disk} if disk is not None else {}
    if full:
        env["SNAPSHOT_FULL"] = "\n".join(full)
    if sizes:
        env["SNAPSHOT_SIZES"] = "1"
    if files:
        env["SNAPSHOT_FILES"] = "\n".join(files)
    # -S: no site-packages to scan, the reader needs the standard library only
    # the agent where the connection keeps one (a polling screen), else one command
    res = run_python(host, PY, [str(TAIL), *args], env=env, timeout=120)
    if res.ok:
        snap = parse(res.stdout)
    else:  # no usable python on the box: the same facts from the shell, slower
        script = SCRIPT
        if disk is not None:
            script += f"\n{DF.replace('$1', shlex.quote(disk))} | sed 's/^/D /'\n"
        res = host.run(["sh", "-c", script, "snapshot", str(TAIL), *args], timeout=120)
        if res.returncode not in (0, 1):
            msg = res.stderr.strip()[-300:]
            raise HostError(f"{host.describe()}: reading run folders failed: {msg}")
        snap = parse(res.stdout)
        snap.complete = False
    for line in res.stdout.splitlines():
        if line.startswith("D "):
            fields = line.split()
            try:
                total, used, free = (int(f) for f in fields[2:5])
                snap.disk = DiskUsage(disk or "", total, used, free)
            except (ValueError, IndexError):
                pass
    return snap


class SnapshotHost(HostView):
    """A read-only view of a host that answers from a `Snapshot`, else asks the host."""

    def __init__(self, host: Host, snap: Snapshot) -> None:
        super().__init__(host)
        self.snap = snap
        self._runs = set(snap.runs)

    def _known(self, path: str) -> bool:
        """A path the snapshot has the answer for (present or absent)."""
        if path in self.snap.missing:
            return True
        parent = posixpath.dirname(path)
        name = posixpath.basename(path)
        if parent in self._runs and name in (*WHOLE, "launch.log"):
            return True
        return (
            parent.endswith("/output")
            and posixpath.dirname(parent) in self._runs
            and (f"output/{name}" in TAILED)
        )

    # -- reads ------------------------------------------------------------------
    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        f = self.snap.files.get(path)
        if f is not None and offset >= f.start:
            data = f.data[offset - f.start :]
            return data if size is None else data[:size]
        if f is None and self._known(path):
            raise FileNotFoundError(path)
        return self.host.read_bytes(path, offset, size)

    def stat(self, path: str) -> FileStat | None:
        if path.rstrip("/") == self.snap.top:
            return FileStat(self.snap.top, 0, 0.0, True)
        f = self.snap.files.get(path)
        if f is not None:
            return FileStat(path, f.size, f.mtime, False)
        if self.snap.complete and path.endswith("/output") and path[:-7] in self._runs:
            return FileStat(path, 0, 0.0, True) if path in self.snap.outputs else None
        if self._known(path):
            return None
        return self.host.stat(path)

    def listdir(self, path: str) -> list[FileStat]:
        top = self.snap.top
        if path.rstrip("/") == top:
            return [FileStat(f"{top}/{n}", 0, 0.0, d) for n, d in self.snap.entries]
        run = posixpath.dirname(path.rstrip("/"))
        if path.rstrip("/").endswith("/output") and run in self._runs:
            return [FileStat(c, 0, 0.0, True) for c, _ in self.snap.checkpoints.get(run, [])]
        return self.host.listdir(path)

    def exists(self, path: str) -> bool:
        folder = posixpath.dirname(path)
        if posixpath.basename(path) == "adapter_config.json" and self.snap.complete:
            run = posixpath.dirname(folder)
            if posixpath.basename(folder) != "output":
                run = posixpath.dirname(run)
            if run in self._runs:
                return folder in self.snap.adapters
        ck = posixpath.dirname(path)
        run = posixpath.dirname(posixpath.dirname(ck))
        if posixpath.basename(path) == "trainer_state.json" and run in self._runs:
            return dict(self.snap.checkpoints.get(run, [])).get(ck, False)
        return self.stat(path) is not None

    def is_alive(self, pid: int, expect: str | None = None) -> bool:
        proc = self.snap.procs.get(pid)
        if proc is None:
            return False
        stat_line, cmdline = proc
        if ")" not in stat_line or stat_line.rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return expect is None or expect in cmdline.replace("\0", " ")

    def disk_usage(self, path: str) -> DiskUsage:
        if self.snap.disk is not None:
            return self.snap.disk
        return self.host.disk_usage(path)
