"""The verdict against a GPU's free memory, and the cheapest changes that make it fit.

Each suggestion is the config changed one way and estimated again, so its figure is as
good as the estimate itself. They are listed cheapest first: what costs no quality or
speed (smaller micro-batch with more accumulation) before what slows a step (gradient
checkpointing, offload) and what changes the training (4-bit, a shorter cutoff_len).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tui_ft.fit.estimate import estimate
from tui_ft.fit.seqlen import Lengths
from tui_ft.fit.settings import FitSettings, ZeroSettings
from tui_ft.fit.shape import ModelShape

TIGHT = 0.10
"""Under this share of the free memory left over, a run is "tight": a longer batch, a
second process or fragmentation can push it over."""

FITS, TIGHT_VERDICT, NO_FIT, NO_GPU = "fits", "tight", "won't fit", "no GPU"


def judge(total: int, free: int | None) -> str:
    if free is None:
        return NO_GPU
    if total > free:
        return NO_FIT
    return TIGHT_VERDICT if free - total < TIGHT * free else FITS


@dataclass(frozen=True)
class Suggestion:
    change: str
    """What to change, in words."""
    yaml: dict[str, Any]
    """The config keys to set."""
    total: int
    verdict: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def seq_for(s: FitSettings, lengths: Lengths | None, cutoff: int | None = None) -> int:
    """The sequence length for the settings: packed rows are cutoff_len long, else p99."""
    cut = cutoff or s.cutoff_len
    if s.packing or lengths is None or not lengths.quantiles:
        return cut
    return min(cut, lengths.percentile(99))


def suggestions(
    shape: ModelShape, s: FitSettings, lengths: Lengths | None, gpus: int, free: int
) -> list[Suggestion]:
    """Changes that bring the estimate under `free` bytes, cheapest first; each with its total."""
    out: list[Suggestion] = []

    def add(
        change: str,
        yaml: dict[str, Any],
        new: FitSettings,
        note: str = "",
        cutoff: int | None = None,
    ) -> None:
        total = estimate(shape, new, seq_for(new, lengths, cutoff), gpus).total
        out.append(Suggestion(change, yaml, total, judge(total, free), note))

    if s.batch > 1:  # same effective batch, smaller micro-batch
        b, acc = s.batch, s.grad_accum
        while b > 1:
            b, acc = b // 2, acc * 2
            new = s.but(batch=b, grad_accum=acc)
            if estimate(shape, new, seq_for(new, lengths), gpus).total <= free or b == 1:
                break
        add(
            f"per_device_train_batch_size {s.batch} -> {b}, gradient_accumulation_steps "
            f"{s.grad_accum} -> {acc}",
            {"per_device_train_batch_size": b, "gradient_accumulation_steps": acc},
            new,
            "same effective batch",
        )
    if not s.gradient_checkpointing:
        add(
            "gradient checkpointing on",
            {"disable_gradient_checkpointing": False},
            s.but(gradient_checkpointing=True),
            "about 20-30 % slower steps",
        )
    if s.optim.lower() in ("adamw_torch", "adamw_torch_fused", "adamw_hf", "adamw"):
        add("8-bit AdamW", {"optim": "adamw_8bit"}, s.but(optim="adamw_8bit"), "needs bitsandbytes")
    z = s.zero
    if gpus > 1 and (z is None or z.stage < 3):
        add(
            f"DeepSpeed ZeRO-3 over {gpus} GPUs",
            {"deepspeed": "examples/deepspeed/ds_z3_config.json"},
            s.but(zero=ZeroSettings(3)),
        )
    if z is None or not (z.offload_optimizer and z.offload_param):
        add(
            "DeepSpeed ZeRO-3 with CPU offload",
            {"deepspeed": "examples/deepspeed/ds_z3_offload_config.json"},
            s.but(zero=ZeroSettings(3, offload_optimizer=True, offload_param=True)),
            "needs CPU RAM for the offloaded states; slower",
        )
    if not s.quantization_bit:
        if s.finetuning_type == "lora":
            add(
                "4-bit base model (QLoRA)",
                {"quantization_bit": 4},
                s.but(quantization_bit=4),
                "needs bitsandbytes",
            )
        else:
            add(
                "LoRA on a 4-bit base model (QLoRA)",
                {"finetuning_type": "lora", "quantization_bit": 4},
                s.but(finetuning_type="lora", quantization_bit=4),
                "trains an adapter, not all weights",
            )
    cut = _fitting_cutoff(shape, s, lengths, gpus, free)
    if cut is not None and cut < s.cutoff_len:
        share = lengths.share_over(cut) if lengths and lengths.quantiles else None
        note = f"{share:.1%} of rows cut" if share is not None else "share of rows cut unknown"
        add(
            f"cutoff_len {s.cutoff_len} -> {cut}",
            {"cutoff_len": cut},
            s.but(cutoff_len=cut),
            note,
            cutoff=cut,
        )
    fitting = [x for x in out if x.verdict != NO_FIT]
    return fitting + [x for x in out if x.verdict == NO_FIT]


def _fitting_cutoff(
    shape: ModelShape, s: FitSettings, lengths: Lengths | None, gpus: int, free: int
) -> int | None:
    """The longest cutoff_len (a multiple of 64) whose estimate fits, if any does."""
    lo, hi = 64, s.cutoff_len
    if estimate(shape, s.but(cutoff_len=lo), seq_for(s, lengths, lo), gpus).total > free:
        return None
    while hi - lo > 64:
        mid = (lo + hi) // 2 // 64 * 64
        if estimate(shape, s.but(cutoff_len=mid), seq_for(s, lengths, mid), gpus).total <= free:
            lo = mid
        else:
            hi = mid
    return lo
