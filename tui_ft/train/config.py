"""The training config: the common LLaMA-Factory arguments, typed, plus free extra ones.

It reads and writes plain LLaMA-Factory YAML (the file `llamafactory-cli train FILE`
takes), so a file made here runs without tui-ft and a file from elsewhere loads here.
Keys this form does not know are kept verbatim in `extra`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, fields
from typing import Any

from tui_ft.train import config_read, config_write
from tui_ft.train.config_keys import (
    ALWAYS_WRITTEN,
    COMPUTE_KEYS,
    COMPUTE_TYPES,
    DEEPSPEED_STAGES,
    DEFAULT_VIEWS,
    FINETUNING_TYPES,
    REPORT_TO,
    SCHEDULERS,
    STAGES,
    VIEWS,
    YAML_ORDER,
    compute_type_of,
    deepspeed_stage_of,
    same_value,
)

__all__ = [
    "ALWAYS_WRITTEN",
    "COMPUTE_KEYS",
    "COMPUTE_TYPES",
    "DEEPSPEED_STAGES",
    "DEFAULT_VIEWS",
    "FINETUNING_TYPES",
    "NEW_RUN",
    "REPORT_TO",
    "SCHEDULERS",
    "STAGES",
    "TrainConfig",
    "command",
    "compute_type_of",
    "deepspeed_stage_of",
    "new_run_config",
]


@dataclass
class TrainConfig:
    """One training run's arguments. Defaults are LLaMA-Factory's own, so a key left
    out of a file means the same here as there; `NEW_RUN` holds the form's presets.

    A config remembers the mapping it was loaded from (`raw`). Writing it back gives that
    mapping, key for key and in its order, with only the fields changed since loading
    put in: a key the user did not write is never added, a default stays a default.
    """

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
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The mapping this config was loaded from (None: made from scratch)."""
    loaded: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The typed fields' values right after loading: a field equal to it is unchanged."""
    source: str | None = field(default=None, compare=False, repr=False)
    """The YAML text this config was read from: saving edits it in place, so the user's
    comments, blank lines and spellings stay (None: written whole)."""

    @property
    def datasets(self) -> list[str]:
        return [d.strip() for d in self.dataset.split(",") if d.strip()]

    @property
    def uses_v1(self) -> bool:
        """A config for LLaMA-Factory's v1 engine (`model:`, `train_dataset:`): it runs
        with USE_V1=1 and its data is the v1 messages format."""
        return "train_dataset" in self.extra or (
            "model" in self.extra and not self.model_name_or_path
        )

    # -- what the user set --------------------------------------------------------
    def baseline(self, name: str) -> Any:
        """The value `name` had when loaded (LLaMA-Factory's default for a new config)."""
        if self.raw is None:
            return _DEFAULTS[name]
        return self.loaded.get(name, _DEFAULTS[name])

    def changed(self, name: str) -> bool:
        """True when the field differs from what was loaded (or from the default)."""
        return not same_value(getattr(self, name), self.baseline(name))

    def explicit(self, name: str) -> bool:
        """True when the saved YAML names this field; False: it shows LLaMA-Factory's default.

        For `compute_type` it means a precision key (bf16, fp16, pure_bf16) is written.
        """
        if name == "compute_type":
            return any(key in self.to_dict() for key in COMPUTE_KEYS)
        if name == "deepspeed_stage":
            name = "deepspeed"
        return name in self.to_dict()

    def reset(self, name: str) -> None:
        """Back to LLaMA-Factory's default, and no longer written (the user cleared it)."""
        setattr(self, name, _DEFAULTS.get(name, DEFAULT_VIEWS.get(name)))
        keys = COMPUTE_KEYS if name == "compute_type" else (name,)
        if self.raw is not None:
            for key in keys:
                self.raw.pop(key, None)
                self.extra.pop(key, None)
            self.loaded[name] = getattr(self, name)

    # -- YAML -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The LLaMA-Factory arguments: the loaded mapping with the changes put in."""
        return config_write.merged(self)

    def to_yaml(self) -> str:
        """The YAML to save: `source` with only the changed lines rewritten, when there is one."""
        return config_write.to_text(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        cfg = cls()
        config_read.fill(cfg, raw)
        return cfg

    @classmethod
    def from_yaml(cls, text: str, source: str = "config") -> TrainConfig:
        """Parse LLaMA-Factory YAML; bad YAML is a ValueError naming `source` and the line."""
        cfg = cls.from_dict(config_read.parse_yaml(text, source))
        cfg.source = text
        return cfg


_DEFAULTS = {f.name: f.default for f in fields(TrainConfig) if f.name in (*YAML_ORDER, *VIEWS)}


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


def command(yaml_path: str, *, devices: str | None = None) -> str:
    """The exact shell command a run executes (env prefix + llamafactory-cli)."""
    env = ["LLAMABOARD_ENABLED=1", "LLAMABOARD_WORKDIR=<output_dir>"]
    if devices and "," in devices:
        env = [f"CUDA_VISIBLE_DEVICES={devices}", "FORCE_TORCHRUN=1", *env]
    elif devices:
        env = [f"CUDA_VISIBLE_DEVICES={devices}", *env]
    return " ".join([*env, "llamafactory-cli", "train", shlex.quote(yaml_path)])
