"""What the Runs table and the notifier show of each run: the watch daemon's states and cost.

The classification is the engine's (`tui_ft.watch.health`), the same the daemon uses.
When the box's daemon is running and has looked recently, its verdict wins: it also
keeps the GPU-idle history an open TUI does not have. Call from a worker thread, with
a workspace whose host already holds the runs' files (over SSH a batched snapshot,
`look` or tui_ft.remote.runs_table): then nothing here costs a round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tui_ft.config import Config
from tui_ft.train.discover import RunInfo, list_runs, run_info
from tui_ft.train.rundir import RunPaths
from tui_ft.watch import Cost, Health, WatchFiles, health, parse_watch, run_cost
from tui_ft.watch.control import read_state
from tui_ft.workspace import Workspace


@dataclass
class RunRow:
    info: RunInfo
    health: Health
    cost: Cost

    @property
    def status(self) -> str:
        """The watch state in words, with what can be done about it."""
        state = self.health.state
        if self.info.resumable:
            return f"{state}, resumable from checkpoint-{self.info.checkpoint}"
        if state == "failed":
            return f"failed (exit {self.info.exit_code})"
        return state


def daemon_states(ws: Workspace, now: float) -> dict[str, dict]:
    """run_id -> the daemon's row, when its state file is fresh (else nothing)."""
    state = read_state(ws.host, WatchFiles(ws.root))
    if not state:
        return {}
    fresh = 3 * float(state.get("interval") or 10) + 5
    if now - float(state.get("updated_at") or 0) > fresh:
        return {}  # a stopped daemon's last look is old news
    return {r["run_id"]: r for r in state.get("runs") or [] if "run_id" in r}


def watch_rows(ws: Workspace, runs: list[RunInfo], config: Config) -> list[RunRow]:
    """Health and cost of `runs` (reads only the live ones' log tails)."""
    try:
        settings = parse_watch(config.watch)
    except ValueError:
        settings = parse_watch(None)  # the CLI reports a bad section; the table still shows
    now = time.time()
    daemon = daemon_states(ws, now) if any(r.alive for r in runs) else {}
    rows = []
    for info in runs:
        host = ws.host
        seen = daemon.get(info.run_id)
        if seen and info.alive:
            h = Health(seen.get("state") or "running", seen.get("reason") or "")
        else:
            h = health(host, info, settings, now=now)
        rows.append(RunRow(info, h, run_cost(host, info, config.hourly_price)))
    return rows


def look(ws: Workspace) -> tuple[Workspace, list[RunInfo]]:
    """The runs and the watch daemon's files in one read (one round trip over SSH)."""
    if not ws.host.is_remote:
        return ws, list_runs(ws)
    from tui_ft.batch import SnapshotHost, snapshot

    watch = WatchFiles(ws.root)
    snap = snapshot(
        ws.host, runs_dir=ws.runs.rstrip("/"), files=[watch.state, watch.cancel_poweroff]
    )
    view = SnapshotHost(ws.host, snap)
    runs = [run_info(view, RunPaths(root)) for root in snap.runs]
    return Workspace(view, ws.root), sorted(runs, key=lambda r: r.run_id, reverse=True)


def cost_text(cost: Cost, currency: str) -> str:
    """'¥1.20' so far, '¥1.20→3.40' with the projection to the end; '—' without a price."""
    if cost.so_far is None:
        return "—"
    text = f"{currency}{cost.so_far:.2f}"
    if cost.projected is not None and cost.projected - cost.so_far >= 0.005:
        text += f"→{cost.projected:.2f}"
    return text
