"""The whole chain for real on the demo model: train a LoRA, merge, f16 GGUF, Q8_0, verify."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui_ft.gguf.convert import convert
from tui_ft.gguf.quantize import quantize
from tui_ft.gguf.remote import info_on, verify_on
from tui_ft.host import LocalHost

pytestmark = [pytest.mark.lf, pytest.mark.gguf]


@pytest.fixture(scope="module")
def merged(demo_workspace: Path, demo_adapter, tmp_path_factory) -> tuple[Path, Path]:
    """(base model, merged export) of the session's real LoRA training, merged headless."""
    root = tmp_path_factory.mktemp("chain")
    adapter = demo_adapter["adapter"]
    base = demo_workspace / "models" / "tiny-llama-demo"
    out = root / "merged"
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "export", "--model", str(base), "--adapter",
         str(adapter), "--template", "default", "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == str(out)
    assert "disk pre-flight ok" in proc.stderr
    return base, out


@pytest.fixture(scope="module")
def f16(merged, tools) -> Path:
    _, model = merged
    return Path(convert(LocalHost(), tools, str(model), str(model.parent / "gguf" / "m-f16.gguf")))


def test_export_holds_merged_weights_and_tokenizer_model(merged):
    from safetensors.numpy import load_file

    base, out = merged
    assert (out / "tokenizer.model").read_bytes() == (base / "tokenizer.model").read_bytes()
    args = yaml.safe_load((out / "export_args.yaml").read_text())
    assert args["export_dir"] == str(out) and args["template"] == "default"
    assert not (out.parent / f".{out.name}.partial").exists()
    shards = sorted(out.glob("*.safetensors"))
    assert shards
    merged_w = {}
    for shard in shards:
        merged_w.update(load_file(str(shard)))
    base_w = load_file(str(base / "model.safetensors"))
    key = "model.embed_tokens.weight"
    assert merged_w[key].shape == base_w[key].shape
    # The training changed the embeddings (additional_target) and the merge kept that.
    assert abs(merged_w[key].astype("float32") - base_w[key]).max() > 1e-3


def test_f16_gguf_loads_generates_and_matches_hugging_face(merged, f16):
    _, model = merged
    report = verify_on(LocalHost(), str(f16), str(model))
    assert report.info.architecture == "llama"
    assert report.info.tensor_count == 21 and report.info.vocab_size == 1024
    assert report.info.has_chat_template
    assert report.reply.strip()
    assert any("你好" in t.text for t in report.tokens)
    assert report.tokens_equal, [t for t in report.tokens if not t.equal]
    assert report.greedy_hf and len(report.greedy_hf) == 8
    assert report.greedy_equal, (report.greedy_hf, report.greedy_gguf)


def test_q8_0_is_smaller_and_tokenises_like_hugging_face(merged, f16, tools):
    _, model = merged
    host = LocalHost()
    steps: list[float] = []
    res = quantize(
        host,
        tools,
        str(f16),
        str(f16.with_name("m-Q8_0.gguf")),
        "Q8_0",
        progress=lambda _l, frac: steps.append(frac) if frac is not None else None,
        inspect=lambda p: info_on(host, p),
    )
    assert res.size < 0.7 * f16.stat().st_size
    assert res.fallbacks == [] and res.type_counts.get("Q8_0", 0) >= 14
    assert steps and steps[-1] == 1.0  # progress reached the last tensor
    report = verify_on(host, res.path, str(model))
    assert report.reply.strip() and report.tokens_equal
    assert report.greedy_equal is None  # quantised: greedy parity isn't expected


def test_q4_k_m_reports_the_fallbacks_forced_by_64_wide_rows(f16, tools):
    host = LocalHost()
    res = quantize(
        host, tools, str(f16), str(f16.with_name("m-Q4_K_M.gguf")), "Q4_K_M",
        inspect=lambda p: info_on(host, p),
    )  # fmt: skip
    assert res.fallbacks, res.type_counts
    assert {f.got for f in res.fallbacks} <= {"Q5_0", "Q8_0", "Q5_1", "Q4_0", "Q4_1"}
    q = next(f for f in res.fallbacks if f.tensor == "blk.0.attn_q.weight")
    assert q.ncols == 64 and q.wanted == "Q4_K"
    assert "fell back" in res.summary()
    assert "Q4_K" not in res.type_counts  # not one tensor could use the asked-for type


def test_cli_gguf_quantises_and_writes_modelfile(merged, tmp_path):
    _, model = merged
    out = tmp_path / "cli" / "tiny-f16.gguf"
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf", str(model), "--out", str(out),
         "--quant", "q8_0", "--modelfile"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    q8 = out.with_name("tiny-Q8_0.gguf")
    assert out.exists() and q8.exists()
    assert q8.name in proc.stdout and "of f16" in proc.stdout
    modelfile = (out.parent / "Modelfile").read_text()
    assert "FROM ./tiny-Q8_0.gguf" in modelfile  # template read from export_args.yaml
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "Modelfile",
        "tiny-Q8_0.gguf",
        "tiny-f16.gguf",
        "tiny-f16.log",  # the converter's and quantiser's output
    ]


def test_cli_export_refuses_an_existing_folder(merged):
    base, out = merged
    before = sorted(p.name for p in out.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "export", "--model", str(base), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    assert f"{out} already exists" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == before


def test_cli_gguf_fails_with_non_zero_exit(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf", str(tmp_path), "--out", str(tmp_path / "x.gguf")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "not a Hugging Face model folder (no config.json)" in proc.stderr
