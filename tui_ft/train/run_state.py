"""What a run is doing, from its directory and pid alone (no TUI needed, works over SSH).

States: created (never launched), running, stopping (stop requested, still alive),
finished (exit 0), stopped (ended after a stop request), failed (non-zero exit),
killed (gone without an exit code, or SIGKILLed). A stopped/failed/killed run with a
complete checkpoint short of the last step is "resumable from checkpoint-N".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tui_ft.host.base import Host
from tui_ft.train.log import tail_records
from tui_ft.train.rundir import RunPaths, checkpoints, read_int, read_status

ENDED = ("finished", "stopped", "failed", "killed")


@dataclass
class RunInfo:
    run_id: str
    root: str
    state: str
    pid: int | None = None
    exit_code: int | None = None
    started_at: float | None = None
    ended_at: float | None = None
    active_seconds: float = 0.0
    """Wall time of all launches together (what a rented box bills)."""
    last_step: int | None = None
    total_steps: int | None = None
    last_loss: float | None = None
    checkpoint: int | None = None
    model: str = ""
    dataset: str = ""
    launches: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paths(self) -> RunPaths:
        return RunPaths(self.root)

    @property
    def resumable(self) -> bool:
        if self.state not in ("stopped", "failed", "killed") or not self.checkpoint:
            return False
        return not (self.total_steps and self.checkpoint >= self.total_steps)

    @property
    def alive(self) -> bool:
        return self.state in ("running", "stopping")

    @property
    def detail(self) -> str:
        """The state in words, as the Runs table and `tui-ft runs` show it."""
        if self.resumable:
            return f"{self.state}, resumable from checkpoint-{self.checkpoint}"
        if self.state == "failed":
            return f"failed (exit {self.exit_code})"
        return self.state

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(resumable=self.resumable, detail=self.detail)
        return data


def _args_summary(host: Host, paths: RunPaths) -> tuple[str, str]:
    import yaml

    try:
        raw = yaml.safe_load(host.read_text(paths.args)) or {}
    except (FileNotFoundError, ValueError, yaml.YAMLError):
        return "", ""
    return str(raw.get("model_name_or_path", "")), str(raw.get("dataset", ""))


def run_info(host: Host, paths: RunPaths, *, now: float | None = None) -> RunInfo:
    import time

    now = now or time.time()
    status = read_status(host, paths)
    launches = status.get("launches") or []
    pid = read_int(host, paths.pid)
    alive = pid is not None and host.is_alive(pid, expect=paths.args)
    # The exit code only after the liveness check: a run that ends between the two
    # reads then shows its code instead of passing for "killed".
    code = read_int(host, paths.exit_code)
    stop_requested = bool(status.get("stop_requested_at"))
    if not launches and pid is None:
        state = "created"
    elif alive:
        state = "stopping" if stop_requested else "running"
    elif code is None or code in (137, -9):
        state = "stopped" if stop_requested and code is not None else "killed"
    elif stop_requested:
        state = "stopped"
    else:
        state = "finished" if code == 0 else "failed"
    info = RunInfo(run_id=paths.run_id, root=paths.root, state=state, pid=pid, exit_code=code)
    info.model, info.dataset = _args_summary(host, paths)
    info.launches = len(launches)
    if launches:
        info.started_at = launches[0].get("started_at")
    if not alive and launches:
        info.ended_at = _end_time(host, paths, code is not None)
    active = 0.0
    for i, launch in enumerate(launches):
        start = launch.get("started_at") or now
        last = i == len(launches) - 1
        end = launch.get("ended_at") or (info.ended_at if last and not alive else now)
        active += max(0.0, (end or now) - start)
    info.active_seconds = active
    records = tail_records(host, paths.trainer_log)
    for rec in reversed(records):
        if info.last_step is None and "current_steps" in rec:
            info.last_step = int(rec["current_steps"])
            info.total_steps = int(rec.get("total_steps") or 0) or None
        if info.last_loss is None and rec.get("loss") is not None:
            info.last_loss = float(rec["loss"])
    cks = checkpoints(host, paths)
    info.checkpoint = cks[-1] if cks else None
    return info


def _end_time(host: Host, paths: RunPaths, has_code: bool) -> float | None:
    """When the last launch ended: the exit-code file's mtime, else the logs' last write."""
    candidates = [paths.exit_code] if has_code else [paths.trainer_log, paths.launch_log]
    for path in candidates:
        st = host.stat(path)
        if st is not None:
            return st.mtime
    return None
