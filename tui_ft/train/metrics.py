"""The numbers a monitor shows, and the warnings a user must not miss.

Cost: a rented box bills wall time, so cost counts every launch from start to end
(model loading included), and the projection adds the ETA at the same price.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tui_ft.host.base import DiskUsage
from tui_ft.train.discover import RunInfo
from tui_ft.train.log import TrainerLog, parse_duration
from tui_ft.units import human_bytes, human_duration


@dataclass(frozen=True)
class Metrics:
    step: int | None
    total_steps: int | None
    epoch: float | None
    loss: float | None
    lr: float | None
    steps_per_second: float | None
    tokens_per_second: float | None
    elapsed: float | None
    eta: float | None
    cost: float | None
    projected_cost: float | None

    def lines(self, currency: str = "") -> list[tuple[str, str]]:
        """(label, value) pairs for a panel or the headless progress line."""

        def num(v, fmt):
            return "—" if v is None else format(v, fmt)

        total = f"/{self.total_steps}" if self.total_steps else ""
        rate = num(self.steps_per_second, ".2f") + " it/s"
        if self.tokens_per_second:
            rate += f" · {self.tokens_per_second:,.0f} tok/s"
        out = [
            ("step", f"{num(self.step, 'd')}{total}"),
            ("epoch", num(self.epoch, ".2f")),
            ("loss", num(self.loss, ".4f")),
            ("lr", num(self.lr, ".2e")),
            ("speed", rate),
            ("elapsed", human_duration(self.elapsed)),
            ("ETA", human_duration(self.eta)),
        ]
        if self.cost is not None:
            out.append(("cost", f"{currency}{self.cost:.2f} → {currency}{self.projected_cost:.2f}"))
        return out


def compute_metrics(
    log: TrainerLog, info: RunInfo | None = None, hourly_price: float | None = None
) -> Metrics:
    rec = log.latest or {}
    step, total = log.step, log.total_steps
    rate = log.steps_per_second()
    eta: float | None = None
    if info is not None and not info.alive:
        eta = 0.0 if info.state == "finished" else None
    elif step is not None and total:
        left = max(0, total - step)
        eta = left / rate if rate else parse_duration(rec.get("remaining_time"))
    elapsed = info.active_seconds if info is not None else parse_duration(rec.get("elapsed_time"))
    cost = projected = None
    if hourly_price is not None and elapsed is not None:
        cost = hourly_price * elapsed / 3600
        projected = cost + hourly_price * (eta or 0) / 3600
    return Metrics(
        step=step,
        total_steps=total,
        epoch=log.epoch,
        loss=log.loss.values[-1] if len(log.loss) else None,
        lr=log.lr.values[-1] if len(log.lr) else None,
        steps_per_second=rate,
        tokens_per_second=rec.get("throughput"),
        elapsed=elapsed,
        eta=eta,
        cost=cost,
        projected_cost=projected,
    )


def loss_warnings(log: TrainerLog, *, factor: float = 2.0, window: int = 3) -> list[str]:
    """NaN/inf loss, or a loss that climbs far above its minimum (diverging)."""
    out = []
    values, steps = log.loss.values, log.loss.steps
    if not values:
        return out
    if not math.isfinite(values[-1]):
        out.append(f"loss is {values[-1]} at step {steps[-1]}: training diverged (lower the lr)")
        return out
    if len(values) >= 2 * window and log.min_loss and log.first_loss is not None:
        recent = values[-window:]
        mean = sum(recent) / len(recent)
        min_step, min_value = log.min_loss
        if mean > factor * min_value and mean > log.first_loss:
            out.append(
                f"loss diverging: {mean:.3f} at step {steps[-1]}, "
                f"was {min_value:.3f} at step {min_step} (lower the lr?)"
            )
    return out


def gpu_idle_warnings(samples: Sequence, *, seconds: float = 60.0) -> list[str]:
    """A GPU near 0% for `seconds` while its memory stays held: a stalled run."""
    if not samples or samples[-1].t - samples[0].t < seconds:
        return []
    window = [s for s in samples if s.t >= samples[-1].t - seconds]
    out = []
    for gpu in samples[-1].gpus:
        readings = [g for s in window for g in s.gpus if g.index == gpu.index]
        if readings and all(
            (g.utilization or 0) <= 2 and g.memory_used > (1 << 30) for g in readings
        ):
            out.append(
                f"GPU {gpu.index} idle for {seconds:.0f}s while {human_bytes(gpu.memory_used)} "
                "is held: the run may be stalled"
            )
    return out


def disk_warnings(usage: DiskUsage | None, *, min_free: int = 5 << 30, min_ratio=0.05) -> list:
    if usage is None or not usage.total:
        return []
    if usage.free < min_free or usage.free / usage.total < min_ratio:
        return [
            f"disk nearly full: {human_bytes(usage.free)} free of {human_bytes(usage.total)} "
            f"at {usage.path} (checkpoints may fail to save)"
        ]
    return []
