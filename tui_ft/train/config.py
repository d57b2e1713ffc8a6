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
"""What a config made from scratch (the form's New run) names even at the default."""

COMPUTE_KEYS = ("bf16", "fp16", "pure_bf16")
"""LLaMA-Factory's precision switches; `compute_type` is the form's view of them."""

_VIEWS = ("compute_type", "deepspeed_stage")


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
        return not _same(getattr(self, name), self.baseline(name))

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
        out: dict[str, Any] = {}
        written = self._typed_values()
        compute_changed = self.changed("compute_type")
        # pure_bf16 is an extra argument; it goes when the precision is changed away from bf16
        drop_pure = compute_changed and self.compute_type != "bf16"
        for key, value in (self.raw or {}).items():
            if key in written:
                out[key] = written.pop(key)
            elif key in _TYPED:
                continue  # changed to "unset" (None, or a LoRA key of a non-LoRA run)
            elif key in ("bf16", "fp16"):
                if not compute_changed:
                    out[key] = value
            elif key in self.extra and not (key == "pure_bf16" and drop_pure):
                out[key] = self.extra[key]
            # a key gone from `extra` was removed by the user: not written
        out.update(written)
        if compute_changed or self.raw is None:
            pure = self.extra.get("pure_bf16") is True and self.compute_type == "bf16"
            if self.compute_type in ("bf16", "fp16") and not pure:
                out[self.compute_type] = True
        for key, value in self.extra.items():
            if key not in out and not (key == "pure_bf16" and drop_pure):
                out[key] = value
        return out

    def _typed_values(self) -> dict[str, Any]:
        """Typed fields to write, in YAML order: unchanged ones with the loaded value."""
        raw = self.raw or {}
        out: dict[str, Any] = {}
        for key in _YAML_ORDER:
            value = getattr(self, key)
            if key in raw and not self.changed(key):
                out[key] = raw[key]  # exactly as written (a list stays a list)
            elif value is None or (key == "output_dir" and not value):
                continue
            elif key.startswith("lora_") and self.finetuning_type != "lora":
                continue  # a LoRA setting of a run that no longer uses LoRA
            elif self.changed(key) or (self.raw is None and key in ALWAYS_WRITTEN):
                out[key] = value
        return out

    def to_yaml(self) -> str:
        from tui_ft.lf import yamlio

        return yamlio.dump(self.to_dict())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        cfg = cls()
        raw = dict(raw)
        for key, value in raw.items():
            if key in _TYPED:
                setattr(cfg, key, value)
            elif key not in COMPUTE_KEYS:
                cfg.extra[key] = value
            elif key == "pure_bf16":
                cfg.extra[key] = value  # shown among the extras: the form has no switch
        cfg.compute_type = compute_type_of(raw)
        if isinstance(cfg.dataset, list):
            cfg.dataset = ",".join(str(d) for d in cfg.dataset)
        if isinstance(cfg.report_to, list):
            cfg.report_to = ",".join(str(r) for r in cfg.report_to)
        cfg.deepspeed_stage = deepspeed_stage_of(cfg.deepspeed)
        cfg.raw = raw
        cfg.loaded = {name: getattr(cfg, name) for name in (*_TYPED, *_VIEWS)}
        return cfg

    @classmethod
    def from_yaml(cls, text: str, source: str = "config") -> TrainConfig:
        from tui_ft.lf import yamlio

        try:
            raw = yamlio.load(text) or {}
        except yaml.YAMLError as exc:
            problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
            raise ValueError(f"{source}{yaml_where(exc)}: not valid YAML ({problem})") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"{source}: expected a mapping of arguments, got {type(raw).__name__}")
        return cls.from_dict(raw)


_TYPED = frozenset(_YAML_ORDER)
_DEFAULTS = {f.name: f.default for f in fields(TrainConfig) if f.name in (*_YAML_ORDER, *_VIEWS)}
DEFAULT_VIEWS = {"compute_type": "fp32", "deepspeed_stage": None}


def _same(a: Any, b: Any) -> bool:
    # 3 and 3.0 are the same value to LLaMA-Factory; True and 1 are not the same setting
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def compute_type_of(raw: dict[str, Any]) -> str:
    """The precision a mapping asks for: pure_bf16 and bf16 are "bf16", fp16 "fp16"."""
    if raw.get("pure_bf16") is True or raw.get("bf16") is True:
        return "bf16"
    return "fp16" if raw.get("fp16") is True else "fp32"


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
