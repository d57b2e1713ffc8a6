"""How many optimiser steps a run will take, and logging/saving intervals derived from it.

LLaMA-Factory's `logging_steps: 10` on a 9-step run logs nothing: the Monitor stays empty.
Deriving the interval from the planned steps makes even a short run draw ~20 loss points.
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass, replace

from tui_ft.host.base import Host
from tui_ft.train.config import TrainConfig

LOG_POINTS = 20
"""Loss points a run should log, whatever its length."""
SAVES = 4
"""Checkpoints a run with derived `save_steps` writes (resume needs at least one)."""
COUNT_LIMIT = 64 * 1024 * 1024
"""Larger dataset files are not read to count records (over SSH that is a long wait)."""


@dataclass(frozen=True)
class Plan:
    samples: int
    """Training records after max_samples and the validation split."""
    steps: int
    logging_steps: int
    save_steps: int

    def describe(self) -> str:
        return (
            f"{self.samples} samples → {self.steps} steps · "
            f"log every {self.logging_steps} · save every {self.save_steps}"
        )


def planned_steps(
    samples: int,
    *,
    epochs: float,
    batch: int,
    grad_accum: int,
    devices: int = 1,
    max_steps: int | None = None,
) -> int:
    """Optimiser steps as the HF Trainer counts them (max_steps wins when set)."""
    if max_steps and max_steps > 0:
        return max_steps
    batches = math.ceil(samples / max(1, batch * devices))
    per_epoch = max(batches // max(1, grad_accum), 1)
    return max(1, math.ceil(per_epoch * epochs))


def log_interval(steps: int, points: int = LOG_POINTS) -> int:
    """Steps between loss records so that `steps` gives at least ~`points` of them."""
    return max(1, steps // points)


def save_interval(steps: int, saves: int = SAVES) -> int:
    return max(1, math.ceil(steps / saves))


def train_samples(total: int, val_size: float) -> int:
    """Records left for training after LLaMA-Factory's validation split."""
    if val_size <= 0:
        return total
    held = math.ceil(total * val_size) if val_size < 1 else int(val_size)
    return max(0, total - held)


def count_records(host: Host, dataset_dir: str, names: list[str], max_samples: int | None) -> int:
    """Records of the registered datasets `names`; LookupError when one cannot be counted
    (a hub dataset, a missing or very large file)."""
    from tui_ft.datasets.info import load_info
    from tui_ft.datasets.readers import iter_records

    entries = load_info(host, dataset_dir).entries
    total = 0
    for name in names:
        entry = entries.get(name)
        fname = entry.get("file_name") if isinstance(entry, dict) else None
        if not isinstance(fname, str):
            raise LookupError(f"dataset {name!r} has no local file in {dataset_dir}")
        path = posixpath.join(dataset_dir, fname)
        st = host.stat(path)
        if st is None:
            raise LookupError(f"{path} not found")
        if not st.is_dir and st.size > COUNT_LIMIT:
            raise LookupError(f"{path} is too large to count quickly")
        n = sum(1 for _ in iter_records(host, path))
        total += min(n, max_samples) if max_samples else n
    return total


def plan_run(host: Host, cfg: TrainConfig, devices: int = 1) -> Plan:
    """The run's plan from its datasets (LookupError when they cannot be counted)."""
    samples = train_samples(
        count_records(host, cfg.dataset_dir, cfg.datasets, cfg.max_samples), cfg.val_size
    )
    steps = planned_steps(
        samples,
        epochs=cfg.num_train_epochs,
        batch=cfg.per_device_train_batch_size,
        grad_accum=cfg.gradient_accumulation_steps,
        devices=devices,
        max_steps=cfg.max_steps,
    )
    return Plan(samples, steps, log_interval(steps), save_interval(steps))


def apply_plan(cfg: TrainConfig, plan: Plan, auto: set[str]) -> TrainConfig:
    """`cfg` with the fields named in `auto` (logging_steps, save_steps) taken from `plan`."""
    changes = {}
    if "logging_steps" in auto:
        changes["logging_steps"] = plan.logging_steps
    if "save_steps" in auto:
        changes["save_steps"] = plan.save_steps
    return replace(cfg, **changes)
