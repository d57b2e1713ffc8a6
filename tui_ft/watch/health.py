"""Is a run healthy? The states the watch daemon and the TUI both show.

Built on `train.discover.run_info` (finished, failed, stopped, killed, running) and adds:
- **dead**: the process is gone without an exit code (run_info's "killed");
- **stalled**: the trainer lives but its log has been silent for more than
  `stall_factor` x the median time between its log lines (and at least
  `stall_min_seconds`; before the first line `startup_seconds`), or its GPUs stayed
  under `gpu_idle_percent` for `gpu_idle_minutes` while it was not saving or evaluating.
"""

from __future__ import annotations

import itertools
import posixpath
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tui_ft.host.base import Host
from tui_ft.train.discover import RunInfo
from tui_ft.train.log import parse_duration, tail_records
from tui_ft.train.rundir import RunPaths
from tui_ft.watch.settings import WatchSettings

# run_info's states -> what the watchdog reports
_STATE = {"killed": "dead", "stopping": "running"}
BUSY_MARKERS = ("Running Evaluation", "Saving model checkpoint", "***** eval", "Saving model")


@dataclass
class Health:
    state: str  # created | running | stalled | dead | finished | failed | stopped
    reason: str = ""
    silent_s: float | None = None
    median_interval_s: float | None = None


def median_log_interval(records: Sequence[dict]) -> float | None:
    """Median seconds between consecutive trainer-log lines (LLaMA-Factory's own clock)."""
    times = [parse_duration(r.get("elapsed_time")) for r in records if "current_steps" in r]
    clean = [t for t in times if t is not None]
    gaps = [b - a for a, b in itertools.pairwise(clean) if b > a]
    return statistics.median(gaps) if gaps else None


def last_activity(host: Host, paths: RunPaths, info: RunInfo) -> float | None:
    """The latest write to the run's logs, or the launch time when nothing was written."""
    stamps = [st.mtime for p in (paths.trainer_log, paths.running_log, paths.launch_log)
              if (st := host.stat(p)) is not None]  # fmt: skip
    if info.started_at:
        stamps.append(info.started_at)
    return max(stamps) if stamps else None


def saving_or_evaluating(host: Host, paths: RunPaths) -> bool:
    """A checkpoint being written (no trainer_state.json yet) or an evaluation running."""
    try:
        entries = host.listdir(paths.output)
    except FileNotFoundError:
        return False
    cks = [e for e in entries if e.is_dir and e.name.startswith("checkpoint-")]
    if cks:
        newest = max(cks, key=lambda e: int(e.name.split("-")[-1] or 0))
        if not host.exists(posixpath.join(newest.path, "trainer_state.json")):
            return True
    st = host.stat(paths.launch_log)
    if st is None:
        return False
    tail = host.read_bytes(paths.launch_log, max(0, st.size - 2048)).decode("utf-8", "replace")
    last = [ln for ln in tail.replace("\r", "\n").splitlines() if ln.strip()][-3:]
    return any(m in ln for ln in last for m in BUSY_MARKERS)


def gpu_idle_for(samples: Sequence, pids: set[int], percent: float) -> float:
    """Seconds the GPUs holding one of `pids` have stayed under `percent` (0: not idle)."""
    if not samples or not pids:
        return 0.0
    idle_since = None
    for s in samples:
        used = [g for g in s.gpus if any(p.pid in pids for p in g.processes)]
        if not used:
            continue
        if all((g.utilization or 0) < percent for g in used):
            idle_since = s.t if idle_since is None else idle_since
        else:
            idle_since = None
    return 0.0 if idle_since is None else samples[-1].t - idle_since


def health(
    host: Host,
    info: RunInfo,
    settings: WatchSettings,
    *,
    now: float | None = None,
    gpu_samples: Sequence = (),
    run_pids: set[int] | None = None,
) -> Health:
    """Classify one run (engine function: the TUI shows the same states)."""
    now = now or time.time()
    state = _STATE.get(info.state, info.state)
    if state == "dead":
        return Health("dead", "the process is gone without an exit code")
    if state == "failed":
        return Health("failed", f"exit code {info.exit_code}")
    if state != "running":
        return Health(state)
    paths = info.paths
    records = tail_records(host, paths.trainer_log)
    median = median_log_interval(records)
    activity = last_activity(host, paths, info)
    silent = None if activity is None else max(0.0, now - activity)
    if median is None:
        limit = settings.startup_seconds
        why = f"no training log line for {{:.0f}}s (allowed {limit:.0f}s before the first)"
    else:
        limit = max(settings.stall_min_seconds, settings.stall_factor * median)
        why = (
            f"log silent for {{:.0f}}s, {settings.stall_factor:g}x the median "
            f"{median:.1f}s between lines is {limit:.0f}s"
        )
    if silent is not None and silent > limit:
        return Health("stalled", why.format(silent), silent, median)
    idle = gpu_idle_for(gpu_samples, run_pids or set(), settings.gpu_idle_percent)
    if idle >= settings.gpu_idle_minutes * 60 and not saving_or_evaluating(host, paths):
        return Health(
            "stalled",
            f"GPU under {settings.gpu_idle_percent:g}% for {idle / 60:.0f} min "
            "(not saving or evaluating)",
            silent,
            median,
        )
    return Health("running", "", silent, median)
