"""The activation arithmetic against what autograd really keeps: a small random Qwen2 in
bf16 on the CPU, every tensor saved for backward counted once (parameters left out)."""

from __future__ import annotations

import pytest

from tui_ft.fit.estimate import layer_activation_bytes
from tui_ft.fit.settings import read_settings
from tui_ft.fit.shape import shape_from_config


def saved_bytes(layers: int, batch: int, seq: int) -> tuple[int, dict]:
    torch = pytest.importorskip("torch")
    from transformers import Qwen2Config, Qwen2ForCausalLM

    small = {"hidden_size": 256, "intermediate_size": 1024, "num_hidden_layers": layers,
             "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 2048,
             "tie_word_embeddings": False}  # fmt: skip
    torch.manual_seed(0)
    cfg = Qwen2Config(**small, attn_implementation="sdpa")
    model = Qwen2ForCausalLM(cfg).to(torch.bfloat16)
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    seen: dict[int, int] = {}

    def pack(t):
        ptr = t.untyped_storage().data_ptr()
        if ptr not in params:
            seen[ptr] = t.untyped_storage().nbytes()
        return t

    ids = torch.randint(0, small["vocab_size"], (batch, seq))
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(input_ids=ids, labels=ids)
    return sum(seen.values()), {**small, "model_type": "qwen2"}


def test_per_layer_activations_match_what_autograd_saves() -> None:
    batch, seq = 2, 256
    four, cfg = saved_bytes(4, batch, seq)
    eight, _ = saved_bytes(8, batch, seq)
    measured = (eight - four) / 4  # one decoder layer, whatever the embeddings and head keep
    s = read_settings({"bf16": True, "finetuning_type": "full",
                       "disable_gradient_checkpointing": True})  # fmt: skip
    estimated = batch * layer_activation_bytes(shape_from_config(cfg), s, seq)
    assert estimated == pytest.approx(measured, rel=0.01)
