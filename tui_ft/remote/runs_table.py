"""What the Runs table shows, in one round trip over SSH: every run's state, each run's
size on disk, the whole trainer log of the marked runs (their loss curves) and the
watch daemon's state file and power-off cancel mark.

Read one after the other, the listing, the sizes and a curve cost a request each (the
curve several: SFTP open, reads, close); `runs_table` asks for all of it in one batched
read (`tui_ft.batch`, through the box's agent where the connection keeps one). The
curves are then read from `RunsTable.host`, which answers the marked runs' logs from
that read. On this machine it is the plain listing, sizes and host.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui_ft.host.base import Host
from tui_ft.train.discover import RunInfo, list_runs, output_sizes, run_info
from tui_ft.train.rundir import RunPaths
from tui_ft.watch.files import WatchFiles
from tui_ft.workspace import Workspace

NEWEST = "-newest"  # no run marked: the table marks the newest, so its log comes too


@dataclass
class RunsTable:
    runs: list[RunInfo]  # newest first
    sizes: dict[str, int | None]  # bytes below each run folder, by its root
    host: Host  # where to read the marked runs' logs and the watch files from


def runs_table(ws: Workspace, marked: Iterable[str] = ()) -> RunsTable:
    """The Runs table's data; `marked`: run ids whose loss curve is shown."""
    host = ws.host
    if not host.is_remote:
        runs = list_runs(ws)
        return RunsTable(runs, output_sizes(host, [r.root for r in runs]), host)
    from tui_ft.batch import SnapshotHost, snapshot

    watch = WatchFiles(ws.root)
    snap = snapshot(
        host,
        runs_dir=ws.runs.rstrip("/"),
        full=list(marked) or [NEWEST],
        sizes=True,
        files=[watch.state, watch.cancel_poweroff],
    )
    view = SnapshotHost(host, snap)
    runs = sorted(
        (run_info(view, RunPaths(root)) for root in snap.runs),
        key=lambda r: r.run_id,
        reverse=True,
    )
    roots = [r.root for r in runs]
    if snap.sizes:
        sizes: dict[str, int | None] = {r: snap.sizes.get(r) for r in roots}
    else:  # the shell reader (no python on the box) does not add sizes
        sizes = output_sizes(host, roots)
    return RunsTable(runs, sizes, view)
