"""The demo's training settings, kept in one place: the train step of the shipped demo
recipe (recipes/demo.yaml). The TUI's first demo run and the tests read them from there,
so what the recipe teaches users is what is tried."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from tui_ft.paths import recipes_dir

if TYPE_CHECKING:
    from tui_ft.train.config import TrainConfig

LEARNING_KEYS = (
    "finetuning_type",
    "lora_target",
    "lora_rank",
    "additional_target",
    "template",
    "cutoff_len",
    "learning_rate",
    "lr_scheduler_type",
    "warmup_ratio",
)
"""What makes the tiny random model learn; batch size and steps are the run's own choice."""


def demo_recipe_training() -> dict[str, Any]:
    """The demo recipe's whole train config (`${...}` variables left as written)."""
    from tui_ft.lf import yamlio

    recipe = yamlio.load((recipes_dir() / "demo.yaml").read_text(encoding="utf-8"))
    step = next(s for s in recipe["steps"] if s.get("type") == "train")
    return dict(step["config"])


def demo_learning_settings() -> dict[str, Any]:
    """The settings that make the demo model learn (see LEARNING_KEYS)."""
    config = demo_recipe_training()
    return {key: config[key] for key in LEARNING_KEYS if key in config}


def is_demo_model(path: str) -> bool:
    """True for the demo workspace's model folder (`models/tiny-llama-demo`)."""
    from tui_ft.demo.build import DEMO_MODEL

    return posixpath.basename(path.rstrip("/")) == DEMO_MODEL


def demo_run_config(**changes: Any) -> TrainConfig:
    """A new run of the demo model that learns within its first few steps.

    The Train form's defaults (LLaMA-Factory's example LoRA settings, learning rate 1e-4)
    barely move a randomly initialised model in the 9 steps a first demo run has: its curve
    would be flat. The recipe's settings make that first curve go down.
    """
    from tui_ft.train.config import TrainConfig, new_run_config

    typed: dict[str, Any] = {}
    extra: dict[str, Any] = dict(changes.pop("extra", {}))
    for key, value in demo_learning_settings().items():
        if key in TrainConfig.__dataclass_fields__:
            typed[key] = value
        else:
            extra.setdefault(key, value)
    return new_run_config(**{**typed, **changes}, extra=extra)
