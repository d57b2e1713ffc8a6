"""The embedded demo: built offline, deterministic, the right template, trains for real."""

from __future__ import annotations

import hashlib
import json

import pytest

from tui_ft.demo.build import DEMO_AUTHOR, DEMO_NAME, build_model


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_workspace_layout(demo_workspace):
    model = demo_workspace / "models" / "tiny-llama-demo"
    for name in ("config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json"):
        assert (model / name).is_file(), name
    records = json.loads((demo_workspace / "datasets" / "identity.json").read_text())
    assert all(set(r) == {"instruction", "input", "output"} for r in records)
    assert any("{{name}}" in r["output"] and "{{author}}" in r["output"] for r in records)
    filled = json.loads((demo_workspace / "datasets" / "identity_demo.json").read_text())
    assert not any("{{" in r["output"] for r in filled)
    assert any(DEMO_NAME in r["output"] and DEMO_AUTHOR in r["output"] for r in filled)
    info = json.loads((demo_workspace / "datasets" / "dataset_info.json").read_text())
    assert info["identity_demo"]["file_name"] == "identity_demo.json"


def test_build_is_deterministic(demo_model, tmp_path):
    again = build_model(tmp_path / "again")
    for name in (
        "model.safetensors",
        "tokenizer.model",
        "tokenizer.json",
        "tokenizer_config.json",
        "config.json",
    ):
        assert _digest(again / name) == _digest(demo_model / name), name


def test_tokenizer_is_bilingual_sentencepiece_with_byte_fallback(demo_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(demo_model))
    assert len(tok) > 500  # not the 4-token vocabulary of a mis-loaded tokenizer
    text = "你好，我是 TinyFT。Hello 1+1=2"
    assert tok.decode(tok.encode(text, add_special_tokens=False)) == text
    rare = "𝄞"  # not in the training text: falls back to bytes, not <unk>
    ids = tok.encode(rare, add_special_tokens=False)
    assert tok.unk_token_id not in ids and tok.decode(ids) == rare


def test_chat_template_equals_llamafactory_default(demo_model):
    """LLaMA-Factory writes this jinja into the tokenizer for template: default."""
    from llamafactory.data.template import TEMPLATES
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(demo_model))
    assert tok.chat_template == TEMPLATES["default"]._get_jinja_template(tok)
    text = tok.apply_chat_template(
        [{"role": "system", "content": "S"}, {"role": "user", "content": "你是谁"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    assert text == "System: S</s>\nHuman: 你是谁</s>\nAssistant:"


@pytest.mark.train
def test_demo_trains_with_llamafactory_on_cpu(demo_adapter):
    """A real `llamafactory-cli train` of the demo model (the session's shared training,
    tests/conftest.py): the loss goes down."""
    log = [json.loads(x) for x in demo_adapter["log"].read_text().splitlines()]
    losses = [r["loss"] for r in log if "loss" in r]
    assert len(losses) >= 6 and losses[-1] < losses[0] - 2.0


def test_demo_model_records_its_template(demo_model, tmp_path):
    from tui_ft.demo.build import DEMO_TEMPLATE, create_demo_workspace
    from tui_ft.host.local import LocalHost
    from tui_ft.lf.recorded import RECORD_FILE, read_recorded_template

    assert read_recorded_template(LocalHost(), str(demo_model)) == DEMO_TEMPLATE == "default"
    # a demo workspace built before templates were recorded gets the record on a rerun,
    # without rebuilding (or touching) the weights
    import shutil

    old = tmp_path / "old"
    shutil.copytree(demo_model.parent.parent, old)
    model = old / "models" / "tiny-llama-demo"
    (model / RECORD_FILE).unlink()
    before = _digest(model / "model.safetensors")
    create_demo_workspace(old)
    assert read_recorded_template(LocalHost(), str(model)) == "default"
    assert _digest(model / "model.safetensors") == before
