"""The LLaMA-Factory arguments the training form knows: their choices, their YAML order,
and the form's two views (`compute_type` of bf16/fp16, `deepspeed_stage` of deepspeed).
"""

from __future__ import annotations

import re
from typing import Any

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
YAML_ORDER = (
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

TEXT_ORDER = (
    *YAML_ORDER[: YAML_ORDER.index("warmup_ratio") + 1],
    *COMPUTE_KEYS,
    *YAML_ORDER[YAML_ORDER.index("warmup_ratio") + 1 :],
)
"""Where a key new to a saved file goes: the form's order, precision after the schedule
(as LLaMA-Factory's examples place `bf16: true`)."""

VIEWS = ("compute_type", "deepspeed_stage")
DEFAULT_VIEWS = {"compute_type": "fp32", "deepspeed_stage": None}
TYPED = frozenset(YAML_ORDER)


def same_value(a: Any, b: Any) -> bool:
    # 3 and 3.0 are the same value to LLaMA-Factory; True and 1 are not the same setting
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def compute_type_of(raw: dict[str, Any]) -> str:
    """The precision a mapping asks for: pure_bf16 and bf16 are "bf16", fp16 "fp16"."""
    if raw.get("pure_bf16") is True or raw.get("bf16") is True:
        return "bf16"
    return "fp16" if raw.get("fp16") is True else "fp32"


def deepspeed_stage_of(path: str | None) -> int | None:
    """The ZeRO stage named in a DeepSpeed config file name (ds_z3_config.json -> 3)."""
    if not path:
        return None
    m = re.search(r"z(\d)", path.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None
