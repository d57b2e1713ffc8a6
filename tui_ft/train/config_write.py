"""Writing a training config back: the loaded mapping, key for key and in its order, with
only the fields changed since loading put in (a key the user did not write is never added).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_ft.train.config_keys import ALWAYS_WRITTEN, COMPUTE_KEYS, TEXT_ORDER, TYPED, YAML_ORDER

if TYPE_CHECKING:
    from tui_ft.train.config import TrainConfig


def merged(cfg: TrainConfig) -> dict[str, Any]:
    """The LLaMA-Factory arguments: the loaded mapping with the changes put in."""
    out: dict[str, Any] = {}
    written = typed_values(cfg)
    compute_changed = cfg.changed("compute_type")
    # pure_bf16 is an extra argument; it goes when the precision is changed away from bf16
    drop_pure = compute_changed and cfg.compute_type != "bf16"
    for key, value in (cfg.raw or {}).items():
        if key in written:
            out[key] = written.pop(key)
        elif key in TYPED:
            continue  # changed to "unset" (None, or a LoRA key of a non-LoRA run)
        elif key in ("bf16", "fp16"):
            if not compute_changed:
                out[key] = value
        elif key in cfg.extra and not (key == "pure_bf16" and drop_pure):
            out[key] = cfg.extra[key]
        # a key gone from `extra` was removed by the user: not written
    out.update(written)
    if compute_changed or cfg.raw is None:
        pure = cfg.extra.get("pure_bf16") is True and cfg.compute_type == "bf16"
        if cfg.compute_type in ("bf16", "fp16") and not pure:
            out[cfg.compute_type] = True
    for key, value in cfg.extra.items():
        if key not in out and not (key == "pure_bf16" and drop_pure):
            out[key] = value
    return out


def to_text(cfg: TrainConfig) -> str:
    """`merged()` as YAML. A config read from text keeps that text: only the lines of the
    values that changed are rewritten, a new key goes where the form's order puts it."""
    from tui_ft.lf import yamledit, yamlio

    values = merged(cfg)
    if cfg.source is None:
        return yamlio.dump(values)
    return yamledit.edit(cfg.source, values, order=TEXT_ORDER, swaps=COMPUTE_KEYS)


def typed_values(cfg: TrainConfig) -> dict[str, Any]:
    """Typed fields to write, in YAML order: unchanged ones with the loaded value."""
    raw = cfg.raw or {}
    out: dict[str, Any] = {}
    for key in YAML_ORDER:
        value = getattr(cfg, key)
        if key in raw and not cfg.changed(key):
            out[key] = raw[key]  # exactly as written (a list stays a list)
        elif value is None or (key == "output_dir" and not value):
            continue
        elif key.startswith("lora_") and cfg.finetuning_type != "lora":
            continue  # a LoRA setting of a run that no longer uses LoRA
        elif cfg.changed(key) or (cfg.raw is None and key in ALWAYS_WRITTEN):
            out[key] = value
    return out
