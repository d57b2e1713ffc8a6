"""The Train form's fields: which LLaMA-Factory arguments it shows, how they are grouped
and labelled, their widget ids, and how a field's text becomes a value."""

from __future__ import annotations

from typing import Any

from tui_ft.train.config import (
    COMPUTE_TYPES,
    FINETUNING_TYPES,
    REPORT_TO,
    SCHEDULERS,
    STAGES,
)

# (field, label, kind, choices): kind is str, int, float, int? / float? (optional) or choice
FIELDS: tuple[tuple[str, str, str, tuple[Any, ...]], ...] = (
    ("model_name_or_path", "model path", "str", ()),
    ("template", "template", "str", ()),
    ("stage", "stage", "choice", STAGES),
    ("finetuning_type", "finetuning type", "choice", FINETUNING_TYPES),
    ("lora_rank", "LoRA rank", "int", ()),
    ("lora_alpha", "LoRA alpha", "int?", ()),
    ("lora_dropout", "LoRA dropout", "float", ()),
    ("lora_target", "LoRA target", "str", ()),
    ("dataset", "datasets (a,b)", "str", ()),
    ("dataset_dir", "dataset dir", "str", ()),
    ("cutoff_len", "cutoff len", "int", ()),
    ("max_samples", "max samples", "int?", ()),
    ("num_train_epochs", "epochs", "float", ()),
    ("max_steps", "max steps", "int?", ()),
    ("learning_rate", "learning rate", "float", ()),
    ("per_device_train_batch_size", "batch size", "int", ()),
    ("gradient_accumulation_steps", "grad accum", "int", ()),
    ("lr_scheduler_type", "scheduler", "choice", SCHEDULERS),
    ("compute_type", "compute type", "choice", COMPUTE_TYPES),
    ("logging_steps", "logging steps", "int?", ()),
    ("save_steps", "save steps", "int?", ()),
    ("val_size", "val size", "float", ()),
    ("report_to", "report to", "choice", REPORT_TO),
    ("deepspeed_stage", "DeepSpeed", "choice", ("none", 0, 2, 3)),
)


AUTO = ("logging_steps", "save_steps")
"""Left blank, these are derived from the planned number of steps at launch (plan.py)."""
AUTO_HINT = {"logging_steps": "auto: ~20 loss points", "save_steps": "auto: 4 checkpoints"}


def widget_id(name: str) -> str:
    return f"f-{name}"


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Model", ("model_name_or_path", "template")),
    ("Data", ("dataset", "dataset_dir", "cutoff_len", "max_samples")),
    ("Method & LoRA", ("stage", "finetuning_type", "lora_rank", "lora_alpha", "lora_dropout",
                       "lora_target")),
    ("Optimisation", ("num_train_epochs", "max_steps", "learning_rate",
                      "per_device_train_batch_size", "gradient_accumulation_steps",
                      "lr_scheduler_type")),
    ("Output & logging", ("logging_steps", "save_steps", "val_size", "report_to")),
)  # fmt: skip
"""LlamaBoard's grouping; the rest of FIELDS goes into the folded "Advanced" group."""


def parse_value(text: str, kind: str) -> Any:
    """A field's text as its kind's value (ValueError when it is not one)."""
    if kind == "str":
        return text
    if not text and kind.endswith("?"):
        return None
    if kind.startswith("int"):
        return int(text)
    return float(text)
