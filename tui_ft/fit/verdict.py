"""The verdict against a GPU's free memory, and the cheapest changes that make it fit.

Each suggestion is the config changed one way and estimated again, so its figure is as
good as the estimate itself. They are listed cheapest first: what costs no quality or
speed (smaller micro-batch with more accumulation) before what slows a step (gradient
checkpointing, offload) and what changes the training (4-bit, a shorter cutoff_len).
"""

from __future__ import annotations

from collections.abc import Callable
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
    """Changes that bring the estimate under `free` bytes, cheapest first; each with its total.

    When no single change is enough, the cheapest ones together (in that order, as many as
    it takes) come first as one more suggestion.
    """
    steps: list[tuple[str, dict[str, Any], Callable[[FitSettings], FitSettings], str]] = []
    if s.batch > 1:  # same effective batch, smaller micro-batch
        b, acc = s.batch, s.grad_accum
        while b > 1:
            b, acc = b // 2, acc * 2
            new = s.but(batch=b, grad_accum=acc)
            if estimate(shape, new, seq_for(new, lengths), gpus).total <= free:
                break
        steps.append(
            (
                f"per_device_train_batch_size {s.batch} -> {b}, gradient_accumulation_steps "
                f"{s.grad_accum} -> {acc}",
                {"per_device_train_batch_size": b, "gradient_accumulation_steps": acc},
                lambda x, b=b, acc=acc: x.but(batch=b, grad_accum=acc),
                "same effective batch",
            )
        )
    if not s.gradient_checkpointing:
        steps.append(
            (
                "gradient checkpointing on",
                {"disable_gradient_checkpointing": False},
                lambda x: x.but(gradient_checkpointing=True),
                "about 20-30 % slower steps",
            )
        )
    if s.optim.lower() in ("adamw_torch", "adamw_torch_fused", "adamw_hf", "adamw"):
        steps.append(
            (
                "8-bit AdamW",
                {"optim": "adamw_8bit"},
                lambda x: x.but(optim="adamw_8bit"),
                "needs bitsandbytes",
            )
        )
    z = s.zero
    if gpus > 1 and (z is None or z.stage < 3):
        steps.append(
            (
                f"DeepSpeed ZeRO-3 over {gpus} GPUs",
                {"deepspeed": "examples/deepspeed/ds_z3_config.json"},
                lambda x: x.but(zero=ZeroSettings(3)),
                "LLaMA-Factory's example file",
            )
        )
    if not s.quantization_bit:
        if s.finetuning_type == "lora":
            steps.append(
                (
                    "4-bit base model (QLoRA)",
                    {"quantization_bit": 4},
                    lambda x: x.but(quantization_bit=4),
                    "needs bitsandbytes",
                )
            )
        else:
            steps.append(
                (
                    "LoRA on a 4-bit base model (QLoRA)",
                    {"finetuning_type": "lora", "quantization_bit": 4},
                    lambda x: x.but(finetuning_type="lora", quantization_bit=4),
                    "trains an adapter, not all weights",
                )
            )
    if z is None or not (z.offload_optimizer and z.offload_param):
        steps.append(
            (
                "DeepSpeed ZeRO-3 with CPU offload",
                {"deepspeed": "examples/deepspeed/ds_z3_offload_config.json"},
                lambda x: x.but(zero=ZeroSettings(3, offload_optimizer=True, offload_param=True)),
                "needs CPU RAM for the offloaded states; slower",
            )
        )

    def total_of(new: FitSettings, cutoff: int | None = None) -> int:
        return estimate(shape, new, seq_for(new, lengths, cutoff), gpus).total

    out = []
    for change, yaml, apply, note in steps:
        total = total_of(apply(s))
        out.append(Suggestion(change, yaml, total, judge(total, free), note))
    cut = _fitting_cutoff(shape, s, lengths, gpus, free)
    if cut is not None and cut < s.cutoff_len:
        share = lengths.share_over(cut) if lengths and lengths.quantiles else None
        note = f"{share:.1%} of rows cut" if share is not None else "share of rows cut unknown"
        total = total_of(s.but(cutoff_len=cut), cut)
        out.append(
            Suggestion(
                f"cutoff_len {s.cutoff_len} -> {cut}",
                {"cutoff_len": cut},
                total,
                judge(total, free),
                note,
            )
        )
    fitting = [x for x in out if x.verdict != NO_FIT]
    if not fitting and len(steps) > 1:
        combo = _combination(steps, s, total_of, free)
        if combo is not None:
            chosen = [steps[i] for i in combo]
            together = s
            yaml: dict[str, Any] = {}
            for _change, more, apply, _note in chosen:
                together, yaml = apply(together), {**yaml, **more}
            total = total_of(together)
            names = "; ".join(c[0] for c in chosen)
            fitting = [Suggestion(f"together: {names}", yaml, total, judge(total, free),
                                  "no one change is enough")]  # fmt: skip
    return fitting + [x for x in out if x.verdict == NO_FIT]


def _combination(steps: list[Any], s: FitSettings, total_of: Callable[[FitSettings], int],
                 free: int) -> list[int] | None:  # fmt: skip
    """The cheapest steps that fit together: the shortest prefix that fits, then each step
    dropped again when the rest still fits (8-bit AdamW is no help beside offload)."""

    def fits(indices: list[int]) -> bool:
        new = s
        for i in indices:
            new = steps[i][2](new)
        return total_of(new) <= free

    chosen = next((list(range(n)) for n in range(2, len(steps) + 1) if fits(list(range(n)))), None)
    if chosen is None:
        return None
    for i in list(chosen):
        rest = [j for j in chosen if j != i]
        if rest and fits(rest):
            chosen = rest
    return chosen


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
