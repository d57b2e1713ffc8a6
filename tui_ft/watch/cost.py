"""What a run costs on a box billed by the hour: so far, and projected to its end."""

from __future__ import annotations

from dataclasses import dataclass

from tui_ft.host.base import Host
from tui_ft.train.discover import RunInfo
from tui_ft.train.log import parse_duration, tail_records


@dataclass
class Cost:
    so_far: float | None
    projected: float | None  # so far + the remaining time at the current pace
    remaining_s: float | None


def remaining_seconds(host: Host, info: RunInfo) -> float | None:
    """LLaMA-Factory's own remaining_time, else steps left at the current pace."""
    if not info.alive:
        return 0.0
    records = [r for r in tail_records(host, info.paths.trainer_log) if "current_steps" in r]
    if not records:
        return None
    last = records[-1]
    left = parse_duration(last.get("remaining_time"))
    if left is not None:
        return left
    elapsed = parse_duration(last.get("elapsed_time"))
    step, total = last.get("current_steps"), last.get("total_steps")
    if elapsed and step and total:
        return elapsed / step * (total - step)
    return None


def run_cost(host: Host, info: RunInfo, hourly_price: float | None) -> Cost:
    """Engine function for the Train/Runs screens: cost so far and projected total."""
    left = remaining_seconds(host, info)
    if hourly_price is None:
        return Cost(None, None, left)
    so_far = info.active_seconds / 3600 * hourly_price
    projected = None if left is None else so_far + left / 3600 * hourly_price
    return Cost(so_far, projected, left)
