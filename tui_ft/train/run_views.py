"""Over SSH, one command reads a run folder (or all of them) and later reads are answered
from that snapshot: a run's state then costs a few round trips, not dozens."""

from __future__ import annotations

from tui_ft.host.base import Host
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace


def run_view(host: Host, paths: RunPaths | None = None, *, disk: bool = False) -> Host:
    """`host` for reading one run's state: over SSH a `SnapshotHost` that fetched the run
    folder (and with `disk` its filesystem's usage) in one command; locally the host."""
    if not host.is_remote or paths is None or host.batched:
        return host  # a batched view read the run folders already
    from tui_ft.batch import SnapshotHost, snapshot

    snap = snapshot(host, dirs=[paths.root], disk=paths.root if disk else None)
    return SnapshotHost(host, snap)


def runs_view(ws: Workspace) -> Workspace:
    """`ws` whose host answers reads of every run folder from one command (over SSH):
    pickers that walk the runs (adapters, checkpoints) then cost a few round trips."""
    if not ws.host.is_remote or getattr(ws.host, "batched", False):
        return ws
    from tui_ft.batch import SnapshotHost, snapshot

    snap = snapshot(ws.host, runs_dir=ws.runs.rstrip("/"))
    return Workspace(SnapshotHost(ws.host, snap), ws.root)
