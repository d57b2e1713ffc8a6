"""What in a training config changes GPU memory, read the way LLaMA-Factory reads it.

The mapping is the YAML `llamafactory-cli train` gets (tui_ft.lf.yamlio rules); defaults
are LLaMA-Factory's own (hparams/*.py): gradient checkpointing on unless
`disable_gradient_checkpointing`, packing only for `stage: pt` unless set, attention
"auto" (sdpa), `optim: adamw_torch`. The DeepSpeed JSON the config points to is read for
its ZeRO stage and offload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui_ft.host.base import Host


class SettingsError(ValueError):
    """A config value the estimate cannot use (one line, with the key)."""


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _bool(raw: dict[str, Any], key: str, default: bool = False) -> bool:
    value = raw.get(key, default)
    return default if value is None else bool(value)


def _int(raw: dict[str, Any], key: str, default: int | None) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{key}: expected a whole number, got {value!r}") from None


@dataclass(frozen=True)
class ZeroSettings:
    stage: int
    offload_optimizer: bool = False
    offload_param: bool = False
    reduce_bucket: int = 500_000_000
    """Elements in ZeRO-2's gradient reduce bucket ("auto": hidden² in stage 3)."""
    source: str = ""


@dataclass(frozen=True)
class FitSettings:
    stage: str = "sft"
    finetuning_type: str = "lora"
    lora_rank: int = 8
    lora_target: tuple[str, ...] = ("all",)
    additional_target: tuple[str, ...] = ()
    freeze_layers: int = 2
    freeze_modules: tuple[str, ...] = ("all",)
    freeze_extra: tuple[str, ...] = ()
    quantization_bit: int | None = None
    double_quant: bool = True
    compute: str = "fp32"
    """bf16, fp16 or fp32: the dtype the model is loaded in."""
    pure_bf16: bool = False
    batch: int = 1
    grad_accum: int = 1
    cutoff_len: int = 2048
    packing: bool = False
    gradient_checkpointing: bool = True
    unsloth_gc: bool = False
    attention: str = "auto"
    liger: bool = False
    optim: str = "adamw_torch"
    zero: ZeroSettings | None = None
    extra_notes: tuple[str, ...] = field(default=())

    @property
    def dtype_bytes(self) -> int:
        return 4 if self.compute == "fp32" else 2

    @property
    def eager_attention(self) -> bool:
        return self.attention in ("disabled", "eager")

    def but(self, **changes: Any) -> FitSettings:
        return replace(self, **changes)


def read_settings(raw: dict[str, Any], zero: ZeroSettings | None = None) -> FitSettings:
    """The memory-relevant settings of a LLaMA-Factory argument mapping."""
    from tui_ft.train.config_keys import compute_type_of

    stage = str(raw.get("stage") or "sft")
    ftype = str(raw.get("finetuning_type") or "lora")
    if ftype not in ("lora", "full", "freeze", "oft"):
        raise SettingsError(f"finetuning_type: {ftype!r} is not one of lora, full, freeze")
    quant = _int(raw, "quantization_bit", None)
    if quant not in (None, 2, 3, 4, 5, 6, 8):
        raise SettingsError(f"quantization_bit: {quant} is not 4 or 8")
    packing = raw.get("packing")
    packing = bool(packing) if packing is not None else stage == "pt"
    packing = packing or _bool(raw, "neat_packing")
    notes: list[str] = []
    if stage == "ppo":
        notes.append("PPO's reward and value models are not counted")
    optim = str(raw.get("optim") or "adamw_torch")
    for flag, name in (
        ("use_galore", "GaLore"),
        ("use_apollo", "APOLLO"),
        ("use_badam", "BAdam"),
        ("use_muon", "Muon"),
    ):
        if _bool(raw, flag):
            notes.append(f"{name}'s optimizer is counted as AdamW")
    return FitSettings(
        stage=stage,
        finetuning_type="lora" if ftype == "oft" else ftype,
        lora_rank=_int(raw, "lora_rank", 8) or 8,
        lora_target=tuple(_split(raw.get("lora_target", "all")) or ["all"]),
        additional_target=tuple(_split(raw.get("additional_target"))),
        freeze_layers=_int(raw, "freeze_trainable_layers", 2) or 2,
        freeze_modules=tuple(_split(raw.get("freeze_trainable_modules", "all")) or ["all"]),
        freeze_extra=tuple(_split(raw.get("freeze_extra_modules"))),
        quantization_bit=quant,
        double_quant=_bool(raw, "double_quantization", True),
        compute=compute_type_of(raw),
        pure_bf16=_bool(raw, "pure_bf16"),
        batch=max(1, _int(raw, "per_device_train_batch_size", 8) or 1),
        grad_accum=max(1, _int(raw, "gradient_accumulation_steps", 1) or 1),
        cutoff_len=max(1, _int(raw, "cutoff_len", 2048) or 2048),
        packing=packing,
        gradient_checkpointing=not _bool(raw, "disable_gradient_checkpointing"),
        unsloth_gc=_bool(raw, "use_unsloth_gc") or _bool(raw, "use_unsloth"),
        attention=str(raw.get("flash_attn") or "auto"),
        liger=_bool(raw, "enable_liger_kernel"),
        optim=optim,
        zero=zero,
        extra_notes=tuple(notes),
    )


def zero_from_json(doc: dict[str, Any], source: str) -> ZeroSettings:
    """ZeRO stage and offload of a DeepSpeed config ("auto" sizes as the Trainer fills them)."""
    z = doc.get("zero_optimization") or {}
    if not isinstance(z, dict):
        raise SettingsError(f"{source}: zero_optimization must be an object")
    try:
        stage = int(z.get("stage", 0))
    except (TypeError, ValueError):
        raise SettingsError(f"{source}: zero_optimization.stage must be 0-3") from None
    if stage not in (0, 1, 2, 3):
        raise SettingsError(f"{source}: zero_optimization.stage {stage} is not 0-3")

    def on_cpu(key: str) -> bool:
        part = z.get(key) or {}
        return isinstance(part, dict) and str(part.get("device", "none")) in ("cpu", "nvme")

    bucket = z.get("reduce_bucket_size", 500_000_000)
    return ZeroSettings(
        stage=stage,
        offload_optimizer=on_cpu("offload_optimizer"),
        offload_param=on_cpu("offload_param") and stage == 3,
        reduce_bucket=int(bucket) if isinstance(bucket, int | float) else 0,
        source=source,
    )


def read_zero(host: Host, raw: dict[str, Any]) -> ZeroSettings | None:
    """The ZeRO settings of the config's `deepspeed` file on `host` (None: no DeepSpeed)."""
    path = raw.get("deepspeed")
    if not path:
        return None
    if isinstance(path, dict):  # an inline config
        return zero_from_json(path, "deepspeed")
    try:
        doc = json.loads(host.read_text(str(path)))
    except FileNotFoundError:
        raise SettingsError(f"deepspeed: {path}: no such file") from None
    except ValueError as exc:
        raise SettingsError(f"deepspeed: {path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise SettingsError(f"deepspeed: {path}: expected a JSON object")
    return zero_from_json(doc, str(path))
