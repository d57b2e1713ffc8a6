"""How many bytes a run folder holds: one command for one run or for many."""

from __future__ import annotations

from tui_ft.host.base import Host
from tui_ft.train.rundir import RunPaths


def output_size(host: Host, paths: RunPaths) -> int | None:
    """Bytes of the files under the run folder: one command on the host (cheap over SSH).

    File sizes, not blocks, so the figure is the same on every filesystem.
    """
    script = 'find -L "$1" -type f -printf "%s\\n" | awk \'{s+=$1} END {print s+0}\''
    res = host.run(["sh", "-c", script, "size", paths.root], timeout=60)
    try:
        return int(res.stdout.split()[0]) if res.ok else None
    except (ValueError, IndexError):
        return None


def output_sizes(host: Host, roots: list[str]) -> dict[str, int | None]:
    """`output_size` of many run folders in one command: {root: bytes or None}."""
    if not roots:
        return {}
    out: dict[str, int | None] = dict.fromkeys(roots)
    res = None
    if host.is_remote:  # through the box's agent where the connection keeps one
        from tui_ft.batch_readers import SIZES_PY
        from tui_ft.host.agent import run_python

        res = run_python(host, SIZES_PY, roots, timeout=120)
    if res is None or not res.ok:
        res = host.run(["sh", "-c", SIZES_SH, "sizes", *roots], timeout=120)
    for line in res.stdout.splitlines():
        size, _, root = line.partition(" ")
        if root in out and size.isdigit():
            out[root] = int(size)
    return out


SIZES_SH = (
    'for d in "$@"; do s=$(find -L "$d" -type f -printf "%s\\n" 2>/dev/null '
    "| awk '{s+=$1} END {print s+0}'); printf '%s %s\\n' \"$s\" \"$d\"; done"
)
