"""Finding runs: every run of a workspace, or one run by id, prefix, suffix or path.

A run's state comes from `run_state` (its directory and pid alone, works over SSH),
snapshot reads over SSH from `run_views`, folder sizes from `run_sizes`.
"""

from __future__ import annotations

import posixpath
import shlex

from tui_ft.train.run_sizes import SIZES_SH, output_size, output_sizes
from tui_ft.train.run_state import ENDED, RunInfo, run_info
from tui_ft.train.run_views import run_view, runs_view
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace

__all__ = [
    "ENDED",
    "SIZES_SH",
    "RunInfo",
    "RunNotFound",
    "describe_command",
    "find_run",
    "list_runs",
    "output_size",
    "output_sizes",
    "run_info",
    "run_view",
    "runs_view",
]


def list_runs(ws: Workspace) -> list[RunInfo]:
    """Every run in the workspace, newest first.

    Over SSH the run folders are read in one command (`tui_ft.batch`): a few round trips
    whatever the number of runs, where per-file reads cost ~40 round trips per run.
    """
    host = ws.host
    if host.is_remote:
        from tui_ft.batch import SnapshotHost, snapshot

        if isinstance(host, SnapshotHost) and host.snap.top == ws.runs.rstrip("/"):
            snap, view = host.snap, host  # a `runs_view`: read already
        else:
            snap = snapshot(host, runs_dir=ws.runs.rstrip("/"))
            view = SnapshotHost(host, snap)
        runs = [run_info(view, RunPaths(root)) for root in snap.runs]
        return sorted(runs, key=lambda r: r.run_id, reverse=True)
    try:
        entries = host.listdir(ws.runs)
    except FileNotFoundError:
        return []
    runs = []
    for entry in entries:
        if entry.is_dir and host.exists(posixpath.join(entry.path, "training_args.yaml")):
            runs.append(run_info(host, RunPaths(entry.path)))
    return sorted(runs, key=lambda r: r.run_id, reverse=True)


class RunNotFound(LookupError):
    pass


def find_run(ws: Workspace, ref: str) -> RunPaths:
    """A run by id, by unique id prefix or suffix, or by its folder path."""
    from tui_ft.host.agent import agent_for
    from tui_ft.remote.tree import tree_view

    host = ws.host
    if agent_for(host) is not None:  # one request, where an SFTP listing is four
        host = tree_view(host, [ws.runs], depth=1)
    if "/" in ref and host.exists(posixpath.join(ref, "training_args.yaml")):
        return RunPaths(ref.rstrip("/"))
    try:
        names = [e.name for e in host.listdir(ws.runs) if e.is_dir]
    except FileNotFoundError:
        names = []
    if ref in names:
        return RunPaths(posixpath.join(ws.runs, ref))
    matches = [n for n in names if n.startswith(ref) or n.endswith(ref)]
    if len(matches) == 1:
        return RunPaths(posixpath.join(ws.runs, matches[0]))
    if not matches:
        raise RunNotFound(f"no run {ref!r} in {ws.runs}")
    raise RunNotFound(f"{ref!r} matches several runs: {', '.join(matches)}")


def describe_command(info: RunInfo) -> str:
    return shlex.join(["llamafactory-cli", "train", info.paths.args])
