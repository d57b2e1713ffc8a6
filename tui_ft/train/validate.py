"""Checks a training config before launch, so a mistake costs a second, not a GPU start-up.

Every problem names the argument (`learning_rate: must be > 0, got -0.1`). Paths and
the dataset registry are checked on the host that will train, through `Host`.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from tui_ft.host.base import Host
from tui_ft.train.config import (
    COMPUTE_TYPES,
    DEEPSPEED_STAGES,
    FINETUNING_TYPES,
    REPORT_TO,
    SCHEDULERS,
    STAGES,
    TrainConfig,
)

_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class TrainConfigError(ValueError):
    """A config that must not be launched; `errors` names each bad field."""

    def __init__(self, errors: list[FieldError], source: str = "config") -> None:
        self.errors = errors
        self.source = source
        super().__init__(f"{source}: " + "; ".join(str(e) for e in errors))


def _number(errors, cfg, name, *, kind=float, minimum=None, above=None, below=None, optional=False):
    value = getattr(cfg, name)
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(FieldError(name, f"must be a number, got {value!r}"))
        return
    if kind is int and not float(value).is_integer():
        errors.append(FieldError(name, f"must be a whole number, got {value!r}"))
    elif above is not None and not value > above:
        errors.append(FieldError(name, f"must be > {above}, got {value!r}"))
    elif minimum is not None and value < minimum:
        errors.append(FieldError(name, f"must be ≥ {minimum}, got {value!r}"))
    elif below is not None and not value < below:
        errors.append(FieldError(name, f"must be < {below}, got {value!r}"))


def _choice(errors, cfg, name, choices):
    value = getattr(cfg, name)
    if value not in choices:
        shown = ", ".join(str(c) for c in choices if c is not None)
        errors.append(FieldError(name, f"must be one of {shown}, got {value!r}"))


def registered_datasets(host: Host, dataset_dir: str) -> set[str] | None:
    """Names in `dataset_dir/dataset_info.json`, or None when the file is missing."""
    path = posixpath.join(dataset_dir, "dataset_info.json")
    try:
        raw = host.read_bytes(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    info = json.loads(raw.decode("utf-8"))
    return set(info) if isinstance(info, dict) else set()


def check_config(cfg: TrainConfig, host: Host | None = None) -> list[FieldError]:
    """All problems of `cfg`; with a host, also missing paths and unknown datasets."""
    if cfg.uses_v1:
        return _check_v1(cfg, host)
    errors: list[FieldError] = []
    if not cfg.model_name_or_path:
        errors.append(FieldError("model_name_or_path", "is required"))
    elif host is not None and not host.exists(cfg.model_name_or_path):
        # "org/name" may be a hub id; anything else that looks like a path must exist
        path = cfg.model_name_or_path
        if not _HUB_ID.match(path) or path.startswith("."):
            errors.append(
                FieldError("model_name_or_path", f"{path} does not exist on {host.describe()}")
            )
    if not cfg.template:
        errors.append(FieldError("template", "is required"))
    _choice(errors, cfg, "stage", STAGES)
    _choice(errors, cfg, "finetuning_type", FINETUNING_TYPES)
    _choice(errors, cfg, "lr_scheduler_type", SCHEDULERS)
    _choice(errors, cfg, "compute_type", COMPUTE_TYPES)
    _choice(errors, cfg, "deepspeed_stage", DEEPSPEED_STAGES)
    for target in cfg.report_to.split(","):
        if target.strip() not in (*REPORT_TO, "all"):
            errors.append(FieldError("report_to", f"unknown target {target.strip()!r}"))
    if cfg.finetuning_type == "lora":
        _number(errors, cfg, "lora_rank", kind=int, above=0)
        _number(errors, cfg, "lora_alpha", kind=int, above=0, optional=True)
        _number(errors, cfg, "lora_dropout", minimum=0, below=1)
        if not cfg.lora_target:
            errors.append(FieldError("lora_target", "is required for LoRA (e.g. all)"))
    _number(errors, cfg, "learning_rate", above=0)
    _number(errors, cfg, "num_train_epochs", above=0)
    _number(errors, cfg, "max_steps", kind=int, above=0, optional=True)
    _number(errors, cfg, "cutoff_len", kind=int, above=0)
    _number(errors, cfg, "max_samples", kind=int, above=0, optional=True)
    _number(errors, cfg, "per_device_train_batch_size", kind=int, above=0)
    _number(errors, cfg, "gradient_accumulation_steps", kind=int, above=0)
    _number(errors, cfg, "logging_steps", kind=int, above=0)
    _number(errors, cfg, "save_steps", kind=int, above=0)
    _number(errors, cfg, "warmup_ratio", minimum=0, below=1)
    _number(errors, cfg, "val_size", minimum=0)
    if (
        isinstance(cfg.val_size, float)
        and not cfg.val_size < 1
        and cfg.val_size != int(cfg.val_size)
    ):
        errors.append(FieldError("val_size", f"a fraction must be < 1, got {cfg.val_size!r}"))
    if not cfg.datasets:
        errors.append(FieldError("dataset", "name at least one dataset"))
    elif host is not None:
        _check_datasets(errors, cfg, host)
    return errors


def _check_v1(cfg: TrainConfig, host: Host | None) -> list[FieldError]:
    """LLaMA-Factory's v1 engine: `model` and `train_dataset` (a file, a dataset YAML or a
    hub id); the v0 arguments (model_name_or_path, dataset) don't apply."""
    errors: list[FieldError] = []
    model, data = cfg.extra.get("model"), cfg.extra.get("train_dataset")
    if not model:
        errors.append(FieldError("model", "is required (v1 config)"))
    if not data:
        errors.append(FieldError("train_dataset", "is required (v1 config)"))
    elif (
        host is not None
        and isinstance(data, str)
        and data.startswith(("/", "./"))
        and not host.exists(data)
    ):
        where = host.describe()
        errors.append(FieldError("train_dataset", f"{data} does not exist on {where}"))
    if "learning_rate" in (cfg.raw or {}) or cfg.changed("learning_rate"):
        _number(errors, cfg, "learning_rate", above=0)
    return errors


def _check_datasets(errors: list[FieldError], cfg: TrainConfig, host: Host) -> None:
    if cfg.dataset_dir == "ONLINE" or cfg.dataset_dir.startswith("REMOTE:"):
        return  # LLaMA-Factory reads these from the hub at training time, not from a folder
    try:
        known = registered_datasets(host, cfg.dataset_dir)
    except (ValueError, UnicodeDecodeError) as exc:
        errors.append(FieldError("dataset_dir", f"dataset_info.json is not valid JSON: {exc}"))
        return
    if known is None:
        errors.append(
            FieldError("dataset_dir", f"{cfg.dataset_dir}/dataset_info.json does not exist")
        )
        return
    for name in cfg.datasets:
        if name not in known:
            hint = ", ".join(sorted(known)[:8]) or "none registered"
            errors.append(
                FieldError("dataset", f"{name!r} is not in dataset_info.json (known: {hint})")
            )


def validate(cfg: TrainConfig, host: Host | None = None, source: str = "config") -> TrainConfig:
    """Return `cfg` when it may be launched; else raise TrainConfigError naming the fields."""
    errors = check_config(cfg, host)
    if errors:
        raise TrainConfigError(errors, source)
    return cfg
