"""A decoder model's shape from its `config.json` alone: no weights, no torch.

Enough to count parameters per module the way transformers builds Llama-style models
(Llama, Qwen2/3, Mistral, Gemma, Yi, InternLM3, ...): embeddings, attention q/k/v/o,
a gated MLP (or experts), norms and the output head. Multimodal configs
(`text_config`) are read for their language model.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui_ft.host.base import Host


class ShapeError(ValueError):
    """config.json is missing or lacks a field the estimate needs."""


# Model types whose config class ties the output head to the embeddings by default.
TIED_BY_DEFAULT = frozenset({"gemma", "gemma2", "gemma3", "gemma3_text", "qwen2_moe"})
# Model types with a bias on q/k/v (Qwen2 always has one; Llama only with attention_bias).
QKV_BIAS = frozenset({"qwen2", "qwen2_vl", "qwen2_5_vl", "qwen2_moe"})


@dataclass(frozen=True)
class Linear:
    """One linear module of a decoder layer: its short name (LoRA's target name), sizes."""

    name: str
    d_in: int
    d_out: int
    bias: bool = False
    count: int = 1
    """How many of it a layer holds (experts of an MoE layer)."""

    @property
    def params(self) -> int:
        return self.count * (self.d_in * self.d_out + (self.d_out if self.bias else 0))


@dataclass(frozen=True)
class ModelShape:
    model_type: str
    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied: bool
    linears: tuple[Linear, ...]
    """The linear modules of one decoder layer."""
    experts_per_token: int = 0
    """MoE: experts each token goes through (0: a dense model)."""
    expert_intermediate: int = 0

    @property
    def embed_params(self) -> int:
        return self.vocab * self.hidden

    @property
    def head_params(self) -> int:
        return 0 if self.tied else self.vocab * self.hidden

    @property
    def layer_params(self) -> int:
        norms = 2 * self.hidden
        router = 0
        if self.experts_per_token:
            router = self.hidden * sum(lin.count for lin in self.linears if lin.name == "down_proj")
        return sum(lin.params for lin in self.linears) + norms + router

    @property
    def params(self) -> int:
        return self.embed_params + self.head_params + self.layers * self.layer_params + self.hidden

    def linear_names(self) -> list[str]:
        return [lin.name for lin in self.linears]


def _get(cfg: dict[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if cfg.get(name) is not None:
            return cfg[name]
    return default


def shape_from_config(cfg: dict[str, Any], source: str = "config.json") -> ModelShape:
    """The shape of the language model described by a transformers `config.json`."""
    text = cfg.get("text_config") if isinstance(cfg.get("text_config"), dict) else None
    c = {**cfg, **text} if text else cfg
    model_type = str(c.get("model_type") or cfg.get("model_type") or "")
    hidden = _get(c, "hidden_size", "n_embd", "d_model")
    layers = _get(c, "num_hidden_layers", "n_layer", "num_layers")
    heads = _get(c, "num_attention_heads", "n_head")
    vocab = _get(c, "vocab_size", "padded_vocab_size")
    missing = [
        n
        for n, v in (
            ("hidden_size", hidden),
            ("num_hidden_layers", layers),
            ("num_attention_heads", heads),
            ("vocab_size", vocab),
        )
        if not v
    ]
    if missing:
        raise ShapeError(f"{source}: no {', '.join(missing)} (not a decoder model config?)")
    hidden, layers, heads, vocab = int(hidden), int(layers), int(heads), int(vocab)
    kv_heads = int(_get(c, "num_key_value_heads", "multi_query_group_num", default=heads))
    head_dim = int(_get(c, "head_dim", default=hidden // heads))
    inter = int(_get(c, "intermediate_size", "ffn_hidden_size", "n_inner", default=4 * hidden))
    tied_default = model_type in TIED_BY_DEFAULT
    tied_value = cfg.get("tie_word_embeddings", c.get("tie_word_embeddings"))
    tied = tied_default if tied_value is None else bool(tied_value)
    qkv_bias = model_type in QKV_BIAS or bool(c.get("attention_bias"))
    q_out, kv_out = heads * head_dim, kv_heads * head_dim
    linears = [
        Linear("q_proj", hidden, q_out, qkv_bias),
        Linear("k_proj", hidden, kv_out, qkv_bias),
        Linear("v_proj", hidden, kv_out, qkv_bias),
        Linear(
            "o_proj", q_out, hidden, bool(c.get("attention_bias")) and model_type not in QKV_BIAS
        ),
    ]
    experts = int(_get(c, "num_local_experts", "num_experts", "n_routed_experts", default=0) or 0)
    top_k = int(_get(c, "num_experts_per_tok", "moe_topk", default=0) or 0)
    expert_inter = int(_get(c, "moe_intermediate_size", default=inter))
    if experts and top_k:
        linears += [
            Linear(n, hidden, expert_inter, count=experts) for n in ("gate_proj", "up_proj")
        ]
        linears.append(Linear("down_proj", expert_inter, hidden, count=experts))
        shared = int(_get(c, "shared_expert_intermediate_size", default=0) or 0)
        if shared:  # Qwen2-MoE's shared expert (LoRA targets share the names)
            linears += [Linear(n, hidden, shared) for n in ("gate_proj", "up_proj")]
            linears.append(Linear("down_proj", shared, hidden))
    else:
        top_k = 0
        linears += [
            Linear("gate_proj", hidden, inter),
            Linear("up_proj", hidden, inter),
            Linear("down_proj", inter, hidden),
        ]
    return ModelShape(
        model_type=model_type,
        hidden=hidden,
        intermediate=inter,
        layers=layers,
        heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        vocab=vocab,
        tied=tied,
        linears=tuple(linears),
        experts_per_token=top_k,
        expert_intermediate=expert_inter if top_k else 0,
    )


def read_shape(host: Host, model_dir: str) -> ModelShape:
    """The shape from `model_dir/config.json` on `host` (one file read, no weights)."""
    path = posixpath.join(model_dir, "config.json")
    try:
        raw = json.loads(host.read_text(path))
    except FileNotFoundError:
        cached = None if host.is_remote else _hub_cached(model_dir)
        if cached is not None:
            return read_shape(host, posixpath.dirname(cached))
        raise ShapeError(
            f"{path}: no such file (model_name_or_path must be a model folder "
            "with its config.json; download at least that file)"
        ) from None
    except ValueError as exc:
        raise ShapeError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ShapeError(f"{path}: expected a JSON object")
    return shape_from_config(raw, path)


def _hub_cached(model_id: str) -> str | None:
    """A hub id's config.json in this machine's Hugging Face cache (no network), if there."""
    if model_id.startswith((".", "/", "~")) or model_id.count("/") != 1:
        return None
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(model_id, "config.json")
    return found if isinstance(found, str) else None
