"""Fail fast: an unknown BPE pre-tokenizer or architecture stops `tui-ft gguf` before converting."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui_ft.gguf.preflight import preflight
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf


def _bpe_model(demo_model: Path, out: Path) -> Path:
    """The demo model with a freshly trained byte-level BPE tokenizer (unknown to llama.cpp)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    shutil.copytree(demo_model, out)
    for name in ("tokenizer.model", "tokenizer.json", "tokenizer_config.json"):
        (out / name).unlink(missing_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<unk>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(["hello world, a tiny BPE tokenizer " * 3, "你好 世界"], trainer)
    PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    ).save_pretrained(str(out))
    return out


def test_demo_model_passes_the_preflight(demo_model: Path, tools, tmp_path: Path):
    report = preflight(LocalHost(), tools, str(demo_model), str(tmp_path / "m.gguf"))
    assert report.ok, report.items
    assert [i.name for i in report.items] == ["architecture", "pre-tokenizer", "disk"]
    assert "LlamaForCausalLM is supported" in report.items[0].detail


def test_unknown_bpe_pre_tokenizer_fails_before_converting(demo_model: Path, tmp_path: Path):
    model = _bpe_model(demo_model, tmp_path / "bpe")
    out = tmp_path / "out" / "bpe-f16.gguf"
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf", str(model), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1
    err = proc.stderr.strip().splitlines()[-1]
    assert "BPE pre-tokenizer hash" in err and "is unknown to llama-cpp-python" in err
    assert "set llama_cpp_dir" in err and "Traceback" not in proc.stderr
    assert "convert ..." not in proc.stderr  # the converter never started
    assert not out.exists() and not (out.parent / ".bpe-f16.gguf.partial").exists()


def test_unknown_architecture_fails_with_the_fix(demo_model: Path, tools, tmp_path: Path):
    model = tmp_path / "odd"
    shutil.copytree(demo_model, model)
    cfg = json.loads((model / "config.json").read_text())
    cfg["architectures"] = ["NoSuchModelForCausalLM"]
    (model / "config.json").write_text(json.dumps(cfg))
    report = preflight(LocalHost(), tools, str(model), str(tmp_path / "m.gguf"))
    bad = report.first_failure()
    assert bad is not None and bad.name == "architecture"
    assert "NoSuchModelForCausalLM is not among the" in bad.detail
    assert "upgrade llama-cpp-python" in bad.fix
