"""The arithmetic: bytes per GPU for one training step, part by part.

Everything follows what LLaMA-Factory and the HF Trainer do on the GPU:
- weights load in the compute dtype (bf16/fp16, else fp32); bitsandbytes 4-bit (NF4,
  with double quantisation unless turned off) or 8-bit replaces the decoder's linear
  layers, embeddings, norms and the head stay in the compute dtype;
- trainable parameters are upcast to fp32 (adapter.py) unless pure_bf16, or ZeRO-3 without
  quantisation; DeepSpeed then holds them in the compute dtype with an fp32 master copy
  in its optimizer, so AdamW costs 8 bytes a trainable parameter without DeepSpeed and
  12 with it;
- ZeRO-1 partitions the optimizer, ZeRO-2 also the gradients, ZeRO-3 also the weights,
  over the GPUs it uses; offload moves them to the CPU;
- activations: per decoder layer and token, the tensors autograd keeps (norms in fp32,
  q/k/v/o, the gated MLP); with gradient checkpointing only each layer's input is kept
  and one layer is recomputed at a time; eager attention adds the heads x s² scores;
  the logits (vocab x tokens) are kept in fp32 for the loss;
- the CUDA context and the allocator's slack come on top of what torch allocates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tui_ft.fit.settings import FitSettings
from tui_ft.fit.shape import ModelShape

GIB = 1 << 30
CUDA_CONTEXT = int(0.55 * GIB)
"""The CUDA context, cuBLAS workspace and kernels: outside torch's allocator, in NVML."""
ALLOCATOR_SLACK = 0.06
"""Reserved but unallocated memory (fragmentation), as a share of the torch peak."""

# bytes of optimizer state per trainable parameter, besides DeepSpeed's fp32 master copy
OPTIM_8BIT = ("adamw_8bit", "adamw_bnb_8bit", "paged_adamw_8bit", "adam8bit")
OPTIM_LION_8BIT = ("lion_8bit", "paged_lion_8bit")
OPTIM_ONE_STATE = ("lion_32bit", "paged_lion_32bit", "rmsprop", "adagrad", "sgd_momentum")
OPTIM_NONE = ("sgd", "adafactor")

# bitsandbytes' bytes per quantised weight: NF4 packs two a byte plus an absmax per block
# of 64 (fp32, or 8-bit with a second-level fp32 per 256 blocks when double-quantised).
NF4_BYTES = 0.5 + 4 / 64
NF4_DOUBLE_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)
INT8_BYTES = 1.0


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    bytes: int
    detail: str = ""


@dataclass
class Estimate:
    parts: list[Part]
    gpus: int
    seq_len: int
    trainable: int
    params: int
    notes: list[str] = field(default_factory=list)

    @property
    def allocated(self) -> int:
        """What torch.cuda.max_memory_allocated should read at the peak."""
        return sum(p.bytes for p in self.parts if p.key != "overhead")

    @property
    def total(self) -> int:
        """What NVML should show for the process at the peak: the figure to compare."""
        return sum(p.bytes for p in self.parts)

    def part(self, key: str) -> int:
        return sum(p.bytes for p in self.parts if p.key == key)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(allocated=self.allocated, total=self.total)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Estimate:
        return cls(
            parts=[Part(**p) for p in d.get("parts", [])],
            gpus=int(d.get("gpus", 1)),
            seq_len=int(d.get("seq_len", 0)),
            trainable=int(d.get("trainable", 0)),
            params=int(d.get("params", 0)),
            notes=list(d.get("notes", [])),
        )


# -- parameters ------------------------------------------------------------------------
def lora_targets(shape: ModelShape, targets: tuple[str, ...]) -> list[str]:
    """LLaMA-Factory's `all`: every linear module but the head; else the names given."""
    names = shape.linear_names()
    if any(t == "all" for t in targets):
        return sorted(set(names))
    return [t for t in dict.fromkeys(targets) if t in names]


def lora_params(shape: ModelShape, s: FitSettings) -> int:
    """peft's count: A is r x d_in and B is d_out x r for each targeted matrix."""
    chosen = set(lora_targets(shape, s.lora_target))
    per_layer = sum(
        lin.count * s.lora_rank * (lin.d_in + lin.d_out)
        for lin in shape.linears
        if lin.name in chosen
    )
    return shape.layers * per_layer


def additional_params(shape: ModelShape, s: FitSettings) -> int:
    """`additional_target` (peft's modules_to_save): a trainable copy of each module."""
    total = 0
    for name in s.additional_target:
        if name in ("embed_tokens", "wte", "word_embeddings"):
            total += shape.embed_params
        elif name in ("lm_head", "output"):
            total += shape.head_params or shape.embed_params
        elif name in ("norm", "final_layernorm"):
            total += shape.hidden
    return total


def freeze_params(shape: ModelShape, s: FitSettings) -> int:
    """Freeze tuning: the last (or, negative, first) N layers' chosen modules, plus extras."""
    layers = min(abs(s.freeze_layers), shape.layers)
    if "all" in s.freeze_modules:
        per_layer = shape.layer_params
    else:
        wanted = {m.split(".")[-1] for m in s.freeze_modules}
        per_layer = sum(
            lin.params
            for lin in shape.linears
            if lin.name in wanted
            or any(w in ("self_attn", "mlp") and _under(lin.name, w) for w in wanted)
        )
    extra = sum(
        shape.embed_params if m == "embed_tokens" else shape.head_params if m == "lm_head" else 0
        for m in s.freeze_extra
    )
    return layers * per_layer + extra


def _under(name: str, block: str) -> bool:
    attn = name in ("q_proj", "k_proj", "v_proj", "o_proj")
    return attn if block == "self_attn" else not attn


def trainable_params(shape: ModelShape, s: FitSettings) -> int:
    if s.finetuning_type == "full":
        return shape.params
    if s.finetuning_type == "freeze":
        return freeze_params(shape, s)
    return lora_params(shape, s) + additional_params(shape, s)


def quantised_linear_params(shape: ModelShape) -> int:
    return shape.layers * sum(lin.count * lin.d_in * lin.d_out for lin in shape.linears)


# -- activations -----------------------------------------------------------------------
def layer_activation_bytes(shape: ModelShape, s: FitSettings, seq: int) -> int:
    """Bytes autograd keeps for one decoder layer and one sequence of `seq` tokens."""
    h, q, kv = shape.hidden, shape.heads * shape.head_dim, shape.kv_heads * shape.head_dim
    a = 2 if s.compute != "fp32" else 4
    # RMSNorm keeps its fp32 input, its normalised value and its output (the projections'
    # input), twice a layer; attention keeps q and k after RoPE, v, its output (o_proj's
    # input, the same storage) and the fp32 log-sum-exp per head. Checked against the
    # tensors autograd saves for a small Qwen2 (tests/fit/test_activations.py).
    norms = 2 * (4 * h + 2 * a * h)
    attn = a * (2 * q + 2 * kv) + 4 * shape.heads
    if shape.experts_per_token:
        inter = shape.experts_per_token * shape.expert_intermediate
        mlp = 4 * a * inter + 4 * shape.hidden  # the routed experts' gate/up/act/product
    else:
        mlp = 4 * a * shape.intermediate  # gate, up, act(gate), act(gate) * up
    lora = 0
    if s.finetuning_type == "lora":
        lora = a * s.lora_rank * len(lora_targets(shape, s.lora_target))
    per_token = norms + attn + mlp + lora
    scores = 0
    if s.eager_attention:  # softmax in fp32 and its bf16 copy: heads x s x s
        scores = shape.heads * seq * seq * (4 + a)
    return seq * per_token + scores


def activation_parts(shape: ModelShape, s: FitSettings, seq: int) -> list[Part]:
    """Layer activations and the logits, for one micro-batch on one GPU."""
    b = s.batch * (2 if s.stage in ("dpo", "kto", "orpo", "simpo") else 1)  # chosen + rejected
    a = 2 if s.compute != "fp32" else 4
    one_layer = b * layer_activation_bytes(shape, s, seq)
    tokens = b * seq
    if s.gradient_checkpointing:
        kept = shape.layers * tokens * shape.hidden * a  # each layer's input
        if s.unsloth_gc:
            kept = 0  # unsloth's checkpointing keeps them in CPU memory
        layers = kept + 2 * one_layer  # one layer recomputed, plus its gradients
        how = "gradient checkpointing"
    else:
        layers = shape.layers * one_layer
        how = "no gradient checkpointing"
    attn = "eager attention" if s.eager_attention else "sdpa/flash attention"
    logits = 0 if s.liger else tokens * shape.vocab * (a + 4 + 4)  # logits, fp32 copy, grad
    parts = [
        Part(
            "activations",
            "activations",
            int(layers),
            f"{b}x{seq} tokens, {how}, {attn}" + (", packed" if s.packing else ""),
        ),
        Part(
            "logits",
            "logits + loss",
            int(logits),
            "fused (Liger)" if s.liger else f"{tokens}x{shape.vocab} vocab, fp32 for the loss",
        ),
    ]
    return parts


# -- the whole -------------------------------------------------------------------------
def optimizer_bytes_per_param(s: FitSettings, master: bool) -> tuple[float, str]:
    name = s.optim.lower()
    state_dtype = 4 if (master or not s.pure_bf16) else 2
    if name in OPTIM_8BIT:
        per, what = 2.0, f"{s.optim} (8-bit states)"
    elif name in OPTIM_LION_8BIT:
        per, what = 1.0, f"{s.optim} (8-bit state)"
    elif name in OPTIM_ONE_STATE:
        per, what = float(state_dtype), s.optim
    elif name in OPTIM_NONE:
        per, what = 0.0, f"{s.optim} (no per-parameter state counted)"
    else:
        per, what = 2.0 * state_dtype, f"{s.optim} (2 states)"
    if master:
        per += 4
        what += " + fp32 master weights"
    if name.startswith("paged_"):
        what += ", paged (may spill to CPU)"
    return per, what


def estimate(shape: ModelShape, s: FitSettings, seq_len: int, gpus: int = 1) -> Estimate:
    """Bytes on each of `gpus` GPUs for `s` on a model of `shape` at sequence length `seq_len`."""
    gpus = max(1, gpus)
    z = s.zero
    zstage = z.stage if z else None
    n = gpus if z else 1
    a = s.dtype_bytes
    total_params = shape.params
    trainable = trainable_params(shape, s)
    notes = list(s.extra_notes)
    if s.quantization_bit and s.finetuning_type != "lora":
        notes.append("LLaMA-Factory refuses quantised models for full or freeze tuning")

    # where the trainable parameters live and in which dtype
    cast_fp32 = not s.pure_bf16 and not (zstage == 3 and not s.quantization_bit)
    t_bytes = a if z else (4 if cast_fp32 else a)  # DeepSpeed holds the compute dtype
    g_bytes = t_bytes

    # weights
    if s.quantization_bit:
        qbytes = {4: NF4_DOUBLE_BYTES if s.double_quant else NF4_BYTES, 8: INT8_BYTES}.get(
            s.quantization_bit, s.quantization_bit / 8
        )
        qlin = quantised_linear_params(shape)
        frozen = qlin * qbytes + (total_params - qlin) * a
        wdetail = f"{s.quantization_bit}-bit ({total_params / 1e9:.2f} B params)"
    else:
        frozen_count = total_params if s.finetuning_type == "lora" else total_params - trainable
        frozen = frozen_count * a
        wdetail = f"{s.compute} ({total_params / 1e9:.2f} B params)"
        if s.finetuning_type != "lora":  # the trained ones are on the next line
            wdetail = f"{s.compute}, the {frozen_count / 1e6:,.1f} M frozen params"
    train_w = trainable * t_bytes
    if zstage == 3:
        frozen /= n
        train_w /= n
        if z and z.offload_param:
            frozen = train_w = 0
        # the layers being gathered: the current and the prefetched one, in the compute dtype
        gathered = 2 * shape.layer_params * a + shape.embed_params * a
        wdetail += f", ZeRO-3 over {n} GPUs" + (", offloaded" if z and z.offload_param else "")
    else:
        gathered = 0

    # gradients
    grads = trainable * g_bytes
    if zstage is not None and zstage >= 2:
        grads /= n
    if gpus > 1 and not z:
        grads *= 2  # DDP keeps its own gradient buckets besides .grad

    # optimizer
    per, odetail = optimizer_bytes_per_param(s, master=bool(z))
    optim = trainable * per
    if zstage is not None and zstage >= 1:
        optim /= n
        odetail += f", ZeRO-{zstage} over {n} GPUs"
    if z and z.offload_optimizer:
        optim = 0
        odetail += ", offloaded to CPU"
    buffers = 0
    if zstage == 2 and z:
        buffers = min(z.reduce_bucket, trainable) * a  # the contiguous gradient bucket

    act = activation_parts(shape, s, seq_len)
    parts = [
        Part("weights", "weights", int(frozen), wdetail),
        Part(
            "trainable",
            "trainable params",
            int(train_w),
            f"{trainable / 1e6:,.1f} M " + _trainable_detail(s) + f", {t_bytes} bytes each",
        ),
        Part("gradients", "gradients", int(grads), f"{g_bytes} bytes a trainable param"),
        Part("optimizer", "optimizer states", int(optim), odetail),
    ]
    if gathered or buffers:
        parts.append(
            Part("zero", "ZeRO buffers", int(gathered + buffers), "gathered layers, buckets")
        )
    parts += act
    allocated = sum(p.bytes for p in parts)
    overhead = CUDA_CONTEXT + int(ALLOCATOR_SLACK * allocated)
    parts.append(
        Part("overhead", "CUDA context + slack", overhead, "context, cuBLAS, fragmentation")
    )
    return Estimate(parts, gpus, seq_len, trainable, total_params, notes)


def _trainable_detail(s: FitSettings) -> str:
    if s.finetuning_type == "lora":
        what = f"LoRA r={s.lora_rank} on {','.join(s.lora_target)}"
        if s.additional_target:
            what += f" + {','.join(s.additional_target)}"
        return what
    if s.finetuning_type == "freeze":
        return f"freeze: {s.freeze_layers} layers trainable"
    return "full"
