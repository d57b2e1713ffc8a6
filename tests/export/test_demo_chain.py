"""The demo from training to Ollama as a user runs it: the session's trained demo adapter,
`tui-ft export` and `tui-ft gguf --modelfile --verify` with no --template (the recorded
one is used), then `tui-ft gguf-check-template`: the GGUF builds the training prompts.

Before the merge kept the tokenizer, the check failed: LLaMA-Factory's export dropped the
demo's `add_bos_token: false`, and llama.cpp put a BOS before every prompt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.export.cli import tui_ft

pytestmark = [pytest.mark.lf, pytest.mark.gguf]


@pytest.fixture(scope="module")
def chain(demo_adapter, tmp_path_factory) -> dict[str, Path | str]:
    root = tmp_path_factory.mktemp("demo-chain")
    merged, gguf = root / "demo-identity", root / "gguf" / "demo-identity.gguf"
    export = tui_ft("export", "--model", demo_adapter["model"], "--adapter",
                    demo_adapter["adapter"], "--out", merged, timeout=900)  # fmt: skip
    assert export.returncode == 0, export.stderr[-3000:]
    to_gguf = tui_ft("gguf", merged, "--out", gguf, "--modelfile", "--verify")
    assert to_gguf.returncode == 0, to_gguf.stdout[-2000:] + to_gguf.stderr[-3000:]
    return {"merged": merged, "gguf": gguf, "export": export.stderr, "to_gguf": to_gguf.stdout}


def test_the_merge_keeps_the_tokenizer_settings_training_loaded(chain, demo_adapter):
    base = json.loads((demo_adapter["model"] / "tokenizer_config.json").read_text())
    merged = json.loads((Path(chain["merged"]) / "tokenizer_config.json").read_text())
    assert base["add_bos_token"] is False
    assert merged["add_bos_token"] is False
    assert merged.get("add_eos_token") == base.get("add_eos_token")
    assert merged["bos_token"] == base["bos_token"] and merged["eos_token"] == base["eos_token"]
    assert "tokenizer kept as in training: add_bos_token: false" in str(chain["export"])
    assert "the tokenizer differs from training" not in str(chain["export"])

    from transformers import AutoTokenizer

    # Chat through transformers (the Evaluate screen) sees training's prompts too: no BOS.
    tokenizer = AutoTokenizer.from_pretrained(str(chain["merged"]))
    assert tokenizer("Who are you?").input_ids[0] != tokenizer.bos_token_id


def test_the_demo_gguf_and_modelfile_pass_the_template_check(chain):
    assert "template check (default): ok" in str(chain["to_gguf"])
    gguf = Path(chain["gguf"])
    proc = tui_ft("gguf-check-template", gguf, "--hf", chain["merged"],
                  "--modelfile", gguf.parent / "Modelfile")  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "ok   BOS: BOS '<s>' not added as in training" in proc.stdout
    assert "ok   chat template: renders the training prompt" in proc.stdout
    assert "ok   Modelfile TEMPLATE" in proc.stdout and "FAIL" not in proc.stdout
