"""Reading a training config: LLaMA-Factory YAML or a mapping into a `TrainConfig`'s typed
fields, its extras (kept verbatim) and the form's views of precision and DeepSpeed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from tui_ft.train.config_keys import COMPUTE_KEYS, TYPED, VIEWS, compute_type_of, deepspeed_stage_of
from tui_ft.yamlpos import yaml_where

if TYPE_CHECKING:
    from tui_ft.train.config import TrainConfig


def fill(cfg: TrainConfig, raw: dict[str, Any]) -> None:
    """Set a fresh config from `raw` and remember `raw` as what was loaded."""
    raw = dict(raw)
    for key, value in raw.items():
        if key in TYPED:
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
    cfg.loaded = {name: getattr(cfg, name) for name in (*TYPED, *VIEWS)}


def parse_yaml(text: str, source: str) -> dict[str, Any]:
    """The mapping of arguments in `text`, or a ValueError naming `source` (and the line)."""
    from tui_ft.lf import yamlio

    try:
        raw = yamlio.load(text) or {}
    except yaml.YAMLError as exc:
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ValueError(f"{source}{yaml_where(exc)}: not valid YAML ({problem})") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: expected a mapping of arguments, got {type(raw).__name__}")
    return raw
