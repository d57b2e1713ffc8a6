"""The trained demo LoRA as an adapter GGUF: base + adapter answers like the merged model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.export.cli import tui_ft
from tests.export.lora_only import lora_only
from tui_ft.gguf.convert import convert
from tui_ft.host import LocalHost

pytestmark = [pytest.mark.lf, pytest.mark.gguf]

PROBES = ("你是谁", "Who are you?")  # the demo recipe's probe prompts


def _gguf_cli(*args: str) -> dict:
    proc = tui_ft("gguf", *args, "--template", "default", "--json", timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _greedy(model: Path, lora: Path | None = None) -> list[str]:
    from llama_cpp import Llama

    llm = Llama(str(model), n_ctx=256, n_threads=2, verbose=False, seed=0,
                lora_path=str(lora) if lora else None)  # fmt: skip
    try:
        return [
            llm.create_chat_completion(
                [{"role": "user", "content": p}], temperature=0.0, top_k=1, max_tokens=16
            )["choices"][0]["message"]["content"]
            for p in PROBES
        ]
    finally:
        llm.close()


@pytest.fixture(scope="module")
def lora(demo_adapter, tmp_path_factory) -> Path:
    return lora_only(demo_adapter["adapter"], tmp_path_factory.mktemp("lora") / "adapter")


def test_lora_becomes_an_adapter_gguf_that_answers_like_the_merged_model(
    demo_adapter, lora: Path, tools, tmp_path: Path
):
    base = demo_adapter["model"]
    out = tmp_path / "gguf" / "identity-adapter.gguf"
    run = _gguf_cli(str(base), "--adapter", str(lora), "--out", str(out), "--modelfile")
    assert run["mode"] == "adapter" and run["reason"] is None
    from gguf import GGUFReader

    meta = GGUFReader(str(out)).fields
    assert meta["general.type"].contents() == "adapter"
    assert meta["adapter.type"].contents() == "lora"
    base_gguf = out.parent / "tiny-llama-demo-f16.gguf"
    assert [Path(f["path"]) for f in run["files"]] == [out]
    assert out.stat().st_size < base_gguf.stat().st_size
    modelfile = (out.parent / "Modelfile").read_text()
    assert "FROM ./tiny-llama-demo-f16.gguf\nADAPTER ./identity-adapter.gguf\n" in modelfile

    merged = tmp_path / "merged"
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "export", "--model", str(base), "--adapter", str(lora),
         "--template", "default", "--out", str(merged)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    merged_gguf = Path(convert(LocalHost(), tools, str(merged), str(tmp_path / "merged.gguf")))

    with_adapter = _greedy(base_gguf, out)
    assert with_adapter == _greedy(merged_gguf)
    assert with_adapter != _greedy(base_gguf)  # the adapter is applied, not ignored
    assert all(reply.strip() for reply in with_adapter)


def test_quants_of_the_base_are_measured_with_the_adapter(demo_adapter, lora: Path, tmp_path):
    """Ollama runs FROM quant + ADAPTER: that pair's perplexity, next to f16 + adapter."""
    data = demo_adapter["datasets"] / "identity_demo.json"
    out = tmp_path / "gguf" / "identity-adapter.gguf"
    run = _gguf_cli(str(demo_adapter["model"]), "--adapter", str(lora), "--out", str(out),
                    "--quant", "Q8_0", "--perplexity", str(data))  # fmt: skip
    ppl = {r["kind"]: r["perplexity"] for r in run["files"]}
    assert list(ppl) == ["f16 (base)", "adapter", "Q8_0"]
    assert abs(ppl["Q8_0"] / ppl["adapter"] - 1) < 0.02  # Q8_0 + adapter ~ f16 + adapter
    assert abs(ppl["Q8_0"] / ppl["f16 (base)"] - 1) > 0.05  # not the base alone


def test_adapter_with_trained_embeddings_falls_back_to_merging(demo_adapter, tmp_path: Path):
    out = tmp_path / "gguf" / "identity.gguf"
    run = _gguf_cli(str(demo_adapter["model"]), "--adapter", str(demo_adapter["adapter"]),
                    "--out", str(out))  # fmt: skip
    assert run["mode"] == "merged"
    assert "embed_tokens and lm_head trained in full" in run["reason"]
    assert run["source"] == str(tmp_path / "gguf" / "identity-merged")
    from gguf import GGUFReader

    assert GGUFReader(str(out)).fields["general.type"].contents() == "model"
    assert "==> convert" in Path(run["log"]).read_text()
