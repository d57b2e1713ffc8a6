"""Training runs: config, detached launch, discovery, log following, metrics, control.

The public API (used by the screens, the CLI, recipes and remote hosts):

- config: `TrainConfig` (`from_yaml`, `to_yaml`, `to_dict`, `from_dict`), `command`
- validation: `check_config`, `validate`, `TrainConfigError`, `FieldError`
- runs: `prepare_run`, `launch`, `start_run`, `resume_run`, `stop_run`, `request_stop`,
  `delete_run`, `list_runs`, `run_info`, `find_run`, `output_size`, `RunInfo`, `RunPaths`
- monitoring: `TrainerLog`, `follow_lines`, `catch_up`, `compute_metrics`, `Metrics`,
  `loss_warnings`, `gpu_idle_warnings`, `disk_warnings`, `SystemSampler`, `Sample`
"""

from __future__ import annotations

from tui_ft.train.config import TrainConfig, command
from tui_ft.train.control import delete_run, request_stop, stop_run
from tui_ft.train.discover import RunInfo, RunNotFound, find_run, list_runs, output_size, run_info
from tui_ft.train.follow import catch_up, follow_lines
from tui_ft.train.launch import ResumeError, launch, prepare_run, resume_run, start_run
from tui_ft.train.log import TrainerLog, tail_records
from tui_ft.train.metrics import (
    Metrics,
    compute_metrics,
    disk_warnings,
    gpu_idle_warnings,
    loss_warnings,
)
from tui_ft.train.rundir import RunPaths
from tui_ft.train.sampler import Sample, SystemSampler
from tui_ft.train.validate import FieldError, TrainConfigError, check_config, validate

__all__ = [
    "FieldError",
    "Metrics",
    "ResumeError",
    "RunInfo",
    "RunNotFound",
    "RunPaths",
    "Sample",
    "SystemSampler",
    "TrainConfig",
    "TrainConfigError",
    "TrainerLog",
    "catch_up",
    "check_config",
    "command",
    "compute_metrics",
    "delete_run",
    "disk_warnings",
    "find_run",
    "follow_lines",
    "gpu_idle_warnings",
    "launch",
    "list_runs",
    "loss_warnings",
    "output_size",
    "prepare_run",
    "request_stop",
    "resume_run",
    "run_info",
    "start_run",
    "stop_run",
    "tail_records",
    "validate",
]
