"""Run folders read in one command: a few round trips per action, whatever the number of runs.

Over a 50 ms link every SFTP `stat` or small read is a round trip, and reading one run's
state (`run_info`) took about 40 of them. `snapshot()` runs one `sh` script on the host
that prints, for every run folder, the small files run_info needs (whole), the tails of
the logs, the checkpoint folders and the /proc entry of the run's pid, base64 per line.
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

from tui_ft.host.base import DiskUsage, FileStat, Host, HostError
from tui_ft.remote.agent import run_python
from tui_ft.remote.view import HostView

TAIL = 16384  # bytes of each log's end: tail_records reads 16 KiB, the monitor 8 KiB
WHOLE = ("training_args.yaml", "status.json", "pid", "exit_code")
TAILED = ("launch.log", "output/trainer_log.jsonl", "output/running_log.txt")

# $1: bytes of log tails; $2: "runs" (then $3 is the runs folder) or "dirs" (run folders);
# $3...: folders. One line per fact: R dir | F size mtime b64 path (G: with the start
# offset) | C done path | A adapter folder | P pid b64(stat) b64(cmdline) | D fs total
# used free.
SCRIPT = r"""
n=$1; mode=$2; shift 2
b64() { base64 -w0 2>/dev/null || base64 | tr -d '\n'; }
if [ "$mode" = runs ]; then
  top=$1; shift
  set -- "$top"/*/
fi
for r in "$@"; do
  r=${r%/}
  [ -f "$r/training_args.yaml" ] || continue
  printf 'R %s\n' "$r"
  for f in WHOLE; do
    [ -f "$r/$f" ] || continue
    printf 'F %s %s %s\n' "$(stat -c '%s %Y' "$r/$f")" "$(b64 < "$r/$f")" "$r/$f"
  done
  for f in TAILED; do
    [ -f "$r/$f" ] || continue
    printf 'F %s %s %s\n' "$(stat -c '%s %Y' "$r/$f")" "$(tail -c "$n" "$r/$f" | b64)" "$r/$f"
  done
  for c in "$r"/output/checkpoint-*; do
    [ -d "$c" ] || continue
    if [ -f "$c/trainer_state.json" ]; then d=1; else d=0; fi
    printf 'C %s %s\n' "$d" "$c"
  done
  p=$(cat "$r/pid" 2>/dev/null)
  case "$p" in ''|*[!0-9]*) ;; *)
    if [ -r "/proc/$p/stat" ]; then
      printf 'P %s %s %s\n' "$p" "$(b64 < "/proc/$p/stat")" "$(b64 < "/proc/$p/cmdline")"
    fi ;;
  esac
done
""".replace("WHOLE", " ".join(WHOLE)).replace("TAILED", " ".join(TAILED))

# The same facts from one Python process on the box (any python3: nothing of tui-ft is
# needed there): ~15 forks per run made the shell version take 2 s for 60 runs.
PY = r"""
import base64, glob, os, sys
n, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
disk = os.environ.get("SNAPSHOT_DISK")
full = set(os.environ.get("SNAPSHOT_FULL", "").split("\n")) - {""}  # run ids, or -newest
sizes = os.environ.get("SNAPSHOT_SIZES")
def tree_bytes(root):  # like `find -L root -type f` summed: each folder once
    total, seen = 0, set()
    for top, subs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(top)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            subs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        for f in files:
            try:
                total += os.stat(os.path.join(top, f)).st_size
            except OSError:
                pass
    return total
out = []
if mode == "runs":
    try:
        names = sorted(os.listdir(args[0]))
    except OSError:
        names = []
    else:  # the runs folder's own listing, for pickers that walk it
        out.append("T " + args[0])
        out += ["E %d %s" % (os.path.isdir(os.path.join(args[0], e)), e) for e in names]
    dirs = [os.path.join(args[0], e) for e in names]
else:
    dirs = args
b64 = lambda data: base64.b64encode(data).decode()
dirs = [r.rstrip("/") for r in dirs if os.path.isfile(r.rstrip("/") + "/training_args.yaml")]
if "-newest" in full and dirs:
    full.add(os.path.basename(dirs[-1]))
for r in dirs:
    out.append("R " + r)
    if sizes:
        out.append("Z %d %s" % (tree_bytes(r), r))
    for f, tail in [(x, False) for x in WHOLE] + [(x, True) for x in TAILED]:
        p = r + "/" + f
        if f.endswith("trainer_log.jsonl") and os.path.basename(r) in full:
            tail = False  # the loss curve of a marked run: the whole log
        try:
            with open(p, "rb") as fh:
                st = os.fstat(fh.fileno())
                start = max(0, st.st_size - n) if tail else 0
                fh.seek(start)
                data = fh.read()
        except OSError:
            continue
        out.append("G %d %d %d %s %s" % (st.st_size, int(st.st_mtime), start, b64(data), p))
    for c in sorted(glob.glob(glob.escape(r) + "/output/checkpoint-*")):
        if os.path.isdir(c):
            out.append("C %d %s" % (os.path.isfile(c + "/trainer_state.json"), c))
    if os.path.isdir(r + "/output"):
        out.append("O " + r + "/output")
    for a in [r + "/output"] + sorted(glob.glob(glob.escape(r) + "/output/checkpoint-*")):
        if os.path.isfile(a + "/adapter_config.json"):
            out.append("A " + a)
    try:
        with open(r + "/pid") as fh:
            pid = int(fh.read().strip())
        with open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read()
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            cmd = fh.read()
        out.append("P %d %s %s" % (pid, b64(stat), b64(cmd)))
    except (OSError, ValueError):
        pass
for p in filter(None, os.environ.get("SNAPSHOT_FILES", "").split("\n")):
    try:  # whole files besides the runs (the watch daemon's state)
        with open(p, "rb") as fh:
            data, mtime = fh.read(), int(os.fstat(fh.fileno()).st_mtime)
        out.append("G %d %d 0 %s %s" % (len(data), mtime, b64(data), p))
    except OSError:
        out.append("N " + p)
if disk:
    p = disk
    while not os.path.exists(p) and p not in ("", "/"):
        p = os.path.dirname(p)
    v = os.statvfs(p or "/")
    total, free = v.f_blocks * v.f_frsize, v.f_bavail * v.f_frsize
    out.append("D %s %d %d %d" % ("-", total, (v.f_blocks - v.f_bfree) * v.f_frsize, free))
sys.stdout.write("\n".join(out) + "\n")
""".replace("WHOLE", repr(WHOLE)).replace("TAILED", repr(TAILED))

DF = r"""p=$1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; df -PB1 "$p" | tail -1"""


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
                snap.files[path] = _File(int(size), float(mtime), raw, int(start))
            elif kind == "F":  # the shell reader: size mtime data path (a tail ends at EOF)
                size, mtime, data, path = rest.split(" ", 3)
                raw = base64.b64decode(data)
                snap.files[path] = _File(int(size), float(mtime), raw, max(0, int(size) - len(raw)))
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
