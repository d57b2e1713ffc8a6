"""The training config: the common LLaMA-Factory arguments, typed, plus free extra ones.

It reads and writes plain LLaMA-Factory YAML (the file `llamafactory-cli train FILE`
takes), so a file made here runs without tui-ft and a file from elsewhere loads here.
Keys this form does not know are kept verbatim in `extra`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from tui_ft.yamlpos import yaml_where

STAGES = ("sft", "pt", "rm", "dpo", "kto", "ppo")
FINETUNING_TYPES = ("lora", "full", "freeze")
SCHEDULERS = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "cosine_with_min_lr",
    "warmup_stable_decay",
)
COMPUTE_TYPES = ("bf16", "fp16", "fp32")
REPORT_TO = ("none", "tensorboard", "mlflow", "swanlab", "wandb")
DEEPSPEED_STAGES = (None, 0, 2, 3)

# Typed fields in the order they are written to YAML. `compute_type` and
# `deepspeed_stage` are form-level views of `bf16`/`fp16` and `deepspeed`.
_YAML_ORDER = (
    "model_name_or_path",
    "template",
    "trust_remote_code",
    "stage",
    "do_train",
    "finetuning_type",
    "lora_rank",
    "lora_alpha",
    "lora_dropout",
    "lora_target",
    "dataset",
    "dataset_dir",
    "cutoff_len",
    "max_samples",
    "preprocessing_num_workers",
    "output_dir",
    "overwrite_output_dir",
    "logging_steps",
    "save_steps",
    "report_to",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "learning_rate",
    "num_train_epochs",
    "max_steps",
    "lr_scheduler_type",
    "warmup_ratio",
    "val_size",
    "deepspeed",
    "resume_from_checkpoint",
)


ALWAYS_WRITTEN = frozenset(
    {"model_name_or_path", "template", "stage", "do_train", "finetuning_type", "dataset"}
    | {"dataset_dir", "output_dir", "report_to"}
)


@dataclass
class TrainConfig:
    """One training run's arguments. Defaults are LLaMA-Factory's own, so a key left
    out of a file means the same here as there; `NEW_RUN` holds the form's presets."""

    model_name_or_path: str = ""
    template: str = "default"
    stage: str = "sft"
    finetuning_type: str = "lora"
    lora_rank: int = 8
    lora_alpha: int | None = None
    lora_dropout: float = 0.0
    lora_target: str = "all"
    dataset: str = ""
    dataset_dir: str = "data"
    cutoff_len: int = 2048
    max_samples: int | None = None
    num_train_epochs: float = 3.0
    max_steps: int | None = None
    learning_rate: float = 5e-5
    per_device_train_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    lr_scheduler_type: str = "linear"
    warmup_ratio: float = 0.0
    compute_type: str = "fp32"
    logging_steps: int = 500
    save_steps: int = 500
    val_size: float = 0.0
    report_to: str = "none"
    deepspeed_stage: int | None = None
    deepspeed: str | None = None
    output_dir: str = ""
    overwrite_output_dir: bool = False
    resume_from_checkpoint: str | None = None
    preprocessing_num_workers: int | None = None
    trust_remote_code: bool = False
    do_train: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    """Any other LLaMA-Factory argument, written as given."""
    loaded_keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """Keys the loaded file had: written back even when equal to the default."""

    @property
    def datasets(self) -> list[str]:
        return [d.strip() for d in self.dataset.split(",") if d.strip()]

    # -- YAML -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The LLaMA-Factory arguments, in a stable order; unset optionals left out."""
        out: dict[str, Any] = {}
        for key in _YAML_ORDER:
            value = getattr(self, key)
            if value is None or (key == "output_dir" and not value):
                continue
            if key.startswith("lora_") and self.finetuning_type != "lora":
                continue
            # a loaded file keeps its own key set; a new config names the essentials
            always = key in ALWAYS_WRITTEN and not self.loaded_keys
            if always or key in self.loaded_keys or value != _DEFAULTS[key]:
                out[key] = value
        if self.compute_type in ("bf16", "fp16"):
            out[self.compute_type] = True
        for key, value in self.extra.items():
            if key not in out:
                out[key] = value
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        cfg = cls()
        typed = {f.name for f in fields(cls)} - {"extra", "compute_type", "deepspeed_stage"}
        raw = dict(raw)
        for key in ("bf16", "fp16", "pure_bf16"):
            if raw.get(key) is True:
                cfg.compute_type = "bf16" if key == "pure_bf16" else key
                if key != "pure_bf16":
                    raw.pop(key)
            elif raw.get(key) is False and key != "pure_bf16":
                raw.pop(key)
        for key, value in raw.items():
            if key in typed:
                setattr(cfg, key, value)
            else:
                cfg.extra[key] = value
        if isinstance(cfg.dataset, list):
            cfg.dataset = ",".join(str(d) for d in cfg.dataset)
        if isinstance(cfg.report_to, list):
            cfg.report_to = ",".join(str(r) for r in cfg.report_to)
        cfg.deepspeed_stage = deepspeed_stage_of(cfg.deepspeed)
        cfg.loaded_keys = frozenset(raw) & typed
        return cfg

    @classmethod
    def from_yaml(cls, text: str, source: str = "config") -> TrainConfig:
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{source}{yaml_where(exc)}: not valid YAML ({exc})") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"{source}: expected a mapping of arguments, got {type(raw).__name__}")
        return cls.from_dict(raw)


_DEFAULTS = {f.name: f.default for f in fields(TrainConfig) if f.name in _YAML_ORDER}

NEW_RUN = {
    "learning_rate": 1e-4,
    "num_train_epochs": 3.0,
    "per_device_train_batch_size": 1,
    "gradient_accumulation_steps": 8,
    "lr_scheduler_type": "cosine",
    "warmup_ratio": 0.1,
    "logging_steps": 10,
    "save_steps": 500,
    "cutoff_len": 2048,
    "trust_remote_code": True,
}
"""What the Train form starts from (LLaMA-Factory's example LoRA SFT settings)."""


def new_run_config(**changes: Any) -> TrainConfig:
    return TrainConfig(**{**NEW_RUN, **changes})


def deepspeed_stage_of(path: str | None) -> int | None:
    """The ZeRO stage named in a DeepSpeed config file name (ds_z3_config.json -> 3)."""
    if not path:
        return None
    m = re.search(r"z(\d)", path.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None


def command(yaml_path: str, *, devices: str | None = None) -> str:
    """The exact shell command a run executes (env prefix + llamafactory-cli)."""
    env = ["LLAMABOARD_ENABLED=1", "LLAMABOARD_WORKDIR=<output_dir>"]
    if devices and "," in devices:
        env = [f"CUDA_VISIBLE_DEVICES={devices}", "FORCE_TORCHRUN=1", *env]
    elif devices:
        env = [f"CUDA_VISIBLE_DEVICES={devices}", *env]
    return " ".join([*env, "llamafactory-cli", "train", shlex.quote(yaml_path)])
