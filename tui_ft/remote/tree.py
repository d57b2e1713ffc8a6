"""Folder trees read in one command: model and dataset lists in one round trip.

Over a 50 ms link every SFTP `listdir`, `stat` or small read is a round trip: the model
list (a folder walk for sizes, then `.verified.json`) and the dataset list (the info
file, then one `stat` per entry) grew with the number of files. `tree_view()` runs one
small Python program on the box (the standard library only) that lists the folders
below some roots and reads a few named small files; `TreeHost` then answers the engine's
usual `listdir`/`stat`/`exists`/`read_bytes` from that, so the listing code runs
unchanged on top of it. Anything it did not fetch goes to the real host.
"""

from __future__ import annotations

import base64
import json
import posixpath
from collections.abc import Sequence

from tui_ft.host.base import FileStat, Host
from tui_ft.remote.view import HostView

# argv[1]: JSON [[root, depth or null, [names to read]], ...]. One JSON line per folder:
# ["D", path, [[name, is_dir, size, mtime], ...]], per file read ["B", path, b64] and
# per root ["S", path, is_dir, size, mtime] (absent: ["S", path, null]).
PY = r"""
import base64, json, os, sys
LIMIT, BIG = 20000, 1 << 20
specs, seen, out, done = json.loads(sys.argv[1]), 0, [], set()
def walk(path, depth, names):
    global seen
    try:
        st = os.stat(path)
        if (st.st_dev, st.st_ino) in done:
            return  # a link back up the tree: listed once
        done.add((st.st_dev, st.st_ino))
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return
    rows = []
    for e in entries:
        try:
            d = e.is_dir()
            st = e.stat()
        except OSError:
            continue
        rows.append([e.name, d, st.st_size, st.st_mtime])  # exact: JSON keeps a float
        if not d and e.name in names and st.st_size <= BIG:
            try:
                with open(e.path, "rb") as fh:
                    out.append(json.dumps(["B", e.path, base64.b64encode(fh.read()).decode()]))
            except OSError:
                pass
    out.append(json.dumps(["D", path, rows]))
    seen += len(rows)
    for name, d, _, _ in rows:
        if d and not name.startswith(".") and (depth is None or depth > 1) and seen < LIMIT:
            walk(path + "/" + name, None if depth is None else depth - 1, names)
for root, depth, names in specs:
    root = root.rstrip("/") or "/"
    try:
        st = os.stat(root)
    except OSError:
        out.append(json.dumps(["S", root, None]))
        continue
    d = os.path.isdir(root)
    out.append(json.dumps(["S", root, d, st.st_size, st.st_mtime]))
    if d:
        walk(root, depth, set(names))
sys.stdout.write("\n".join(out) + "\n")
"""


class TreeHost(HostView):
    """A read-only view of `host` that answers from one fetched folder tree."""

    def __init__(self, host: Host, text: str) -> None:
        super().__init__(host)
        self.dirs: dict[str, dict[str, FileStat]] = {}
        self.data: dict[str, bytes] = {}
        self.roots: dict[str, FileStat | None] = {}
        for line in text.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec[0] == "D":
                self.dirs[rec[1]] = {
                    n: FileStat(posixpath.join(rec[1], n), size, float(mtime), bool(d))
                    for n, d, size, mtime in rec[2]
                }
            elif rec[0] == "B":
                self.data[rec[1]] = base64.b64decode(rec[2])
            elif rec[0] == "S":
                root = rec[1]
                self.roots[root] = (
                    None if rec[2] is None else FileStat(root, rec[3], float(rec[4]), rec[2])
                )

    def _entry(self, path: str) -> tuple[bool, FileStat | None]:
        """(known, stat): known when the fetched tree says whether `path` exists."""
        path = path.rstrip("/") or "/"
        if path in self.roots:
            return True, self.roots[path]
        folder = self.dirs.get(posixpath.dirname(path))
        if folder is None:
            return False, None
        return True, folder.get(posixpath.basename(path))

    def stat(self, path: str) -> FileStat | None:
        known, st = self._entry(path)
        return st if known else self.host.stat(path)

    def listdir(self, path: str) -> list[FileStat]:
        key = path.rstrip("/") or "/"
        if key in self.dirs:
            return list(self.dirs[key].values())
        known, st = self._entry(key)
        if known and st is None:
            raise FileNotFoundError(path)
        return self.host.listdir(path)

    def read_bytes(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        data = self.data.get(path)
        if data is not None:
            data = data[offset:]
            return data if size is None else data[:size]
        known, st = self._entry(path)
        if known and st is None:
            raise FileNotFoundError(path)
        return self.host.read_bytes(path, offset, size)


def tree_view(
    host: Host, roots: Sequence[str], *, depth: int | None = None, read: Sequence[str] = ()
) -> Host:
    """`host` whose reads below `roots` (folders `depth` levels deep, None: all, hidden
    folders listed but not entered; files named in `read` whole) come from one command.
    A local host, or a view already, is returned as it is."""
    if not host.is_remote or host.batched:
        return host
    from tui_ft.host.agent import run_python

    spec = json.dumps([[r, depth, list(read)] for r in roots])
    res = run_python(host, PY, [spec], timeout=120)
    if not res.ok:  # no usable python on the box: file by file, slower but right
        return host
    return TreeHost(host, res.stdout)
