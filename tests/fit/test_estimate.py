"""The estimate's arithmetic on a model folder holding only a config.json in Qwen2.5-7B's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_ft.fit.estimate import estimate, lora_params
from tui_ft.fit.settings import ZeroSettings, read_settings
from tui_ft.fit.shape import read_shape, shape_from_config
from tui_ft.host import LocalHost

QWEN25_7B = {
    "architectures": ["Qwen2ForCausalLM"],
    "model_type": "qwen2",
    "hidden_size": 3584,
    "intermediate_size": 18944,
    "num_hidden_layers": 28,
    "num_attention_heads": 28,
    "num_key_value_heads": 4,
    "vocab_size": 152064,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
}
BF16_LORA = {
    "bf16": True,
    "finetuning_type": "lora",
    "lora_rank": 8,
    "lora_target": "all",
    "per_device_train_batch_size": 1,
    "cutoff_len": 1024,
}


@pytest.fixture
def qwen_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "Qwen2.5-7B"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(QWEN25_7B))
    return folder


def test_bf16_weights_are_two_bytes_a_parameter_of_qwen25_7b(qwen_dir: Path) -> None:
    shape = read_shape(LocalHost(), str(qwen_dir))
    assert shape.params == pytest.approx(7.6e9, rel=0.01)  # Qwen2.5-7B's published 7.61 B
    est = estimate(shape, read_settings(BF16_LORA), 1024)
    assert est.part("weights") == pytest.approx(2 * 7.6e9, rel=0.01)
    fp32 = estimate(shape, read_settings({**BF16_LORA, "bf16": False}), 1024)
    assert fp32.part("weights") == 2 * est.part("weights")  # no precision key: fp32, as LF loads


def test_lora_adds_r_times_d_in_plus_d_out_per_target_matrix(qwen_dir: Path) -> None:
    shape = read_shape(LocalHost(), str(qwen_dir))
    s = read_settings({**BF16_LORA, "lora_target": "q_proj,v_proj", "lora_rank": 16})
    h, kv = 3584, 4 * 128
    per_layer = 16 * (h + h) + 16 * (h + kv)
    assert lora_params(shape, s) == 28 * per_layer
    est = estimate(shape, s, 1024)
    # upcast to fp32 as LLaMA-Factory does without DeepSpeed: 4 bytes each, so 2·r·(d_in+d_out)
    # bf16 bytes x 2
    assert est.part("trainable") == 4 * 28 * per_layer


def test_adamw_costs_8_bytes_a_trainable_param_or_12_with_deepspeed_master_weights(
    qwen_dir: Path,
) -> None:
    shape = read_shape(LocalHost(), str(qwen_dir))
    s = read_settings(BF16_LORA)
    n = lora_params(shape, s)
    assert estimate(shape, s, 1024).part("optimizer") == 8 * n
    z0 = s.but(zero=ZeroSettings(0))
    assert estimate(shape, z0, 1024).part("optimizer") == 12 * n
    eight_bit = read_settings({**BF16_LORA, "optim": "adamw_8bit"})
    assert estimate(shape, eight_bit, 1024).part("optimizer") == 2 * n


def test_zero3_divides_weights_gradients_and_optimizer_by_the_gpu_count(qwen_dir: Path) -> None:
    shape = read_shape(LocalHost(), str(qwen_dir))
    full = read_settings({**BF16_LORA, "finetuning_type": "full"}).but(zero=ZeroSettings(3))
    one, four = estimate(shape, full, 1024, 1), estimate(shape, full, 1024, 4)
    for part in ("trainable", "gradients", "optimizer"):
        assert four.part(part) == pytest.approx(one.part(part) / 4, rel=1e-6)
    assert one.part("optimizer") == 12 * shape.params  # fp32 master + two AdamW states
    offload = full.but(zero=ZeroSettings(3, offload_optimizer=True, offload_param=True))
    assert estimate(shape, offload, 1024, 4).part("optimizer") == 0


def test_gradient_checkpointing_and_4bit_shrink_the_estimate(qwen_dir: Path) -> None:
    shape = read_shape(LocalHost(), str(qwen_dir))
    s = read_settings(BF16_LORA)
    no_gc = read_settings({**BF16_LORA, "disable_gradient_checkpointing": True})
    assert (
        estimate(shape, s, 1024).part("activations")
        < estimate(shape, no_gc, 1024).part("activations") / 5
    )
    q4 = read_settings({**BF16_LORA, "quantization_bit": 4})
    assert estimate(shape, q4, 1024).part("weights") < 0.4 * estimate(shape, s, 1024).part(
        "weights"
    )
    longer = estimate(shape, s, 2048).part("logits")
    assert longer == 2 * estimate(shape, s, 1024).part("logits")


def test_lora_count_matches_peft_exactly() -> None:
    """A tiny Qwen2 (random init, CPU) with peft's LoRA on `all` linear layers: the same
    trainable parameter count as the estimate's."""
    torch = pytest.importorskip("torch")
    peft = pytest.importorskip("peft")
    from transformers import Qwen2Config, Qwen2ForCausalLM

    small = {
        **QWEN25_7B,
        "hidden_size": 64,
        "intermediate_size": 176,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 320,
    }
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(**{k: v for k, v in small.items() if k != "architectures"})
    )
    shape = shape_from_config(small)
    assert shape.params == sum(p.numel() for p in model.parameters())
    for target, rank in (("all", 8), ("q_proj,v_proj", 4)):
        s = read_settings({**BF16_LORA, "lora_target": target, "lora_rank": rank})
        modules = sorted(
            {
                n.split(".")[-1]
                for n, m in model.named_modules()
                if isinstance(m, torch.nn.Linear) and "lm_head" not in n
            }
        )
        wanted = modules if target == "all" else target.split(",")
        cfg = peft.LoraConfig(r=rank, target_modules=wanted, task_type="CAUSAL_LM")
        lora = peft.get_peft_model(Qwen2ForCausalLM(model.config), cfg)
        trainable = sum(p.numel() for p in lora.parameters() if p.requires_grad)
        assert lora_params(shape, s) == trainable


def test_the_estimator_imports_no_torch_transformers_or_textual() -> None:
    """`tui-ft fit` on a laptop with the base install: arithmetic only."""
    import subprocess
    import sys

    heavy = "('torch', 'transformers', 'textual', 'numpy')"
    code = (
        "import sys, tui_ft.fit.check, tui_ft.fit.probe, tui_ft.fit.record, tui_ft.cli.fit; "
        f"print([m for m in {heavy} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
