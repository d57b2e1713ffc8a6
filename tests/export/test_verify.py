"""gguf-verify fails a GGUF that answers nothing (issue 13, item 5)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui_ft.gguf.convert import convert
from tui_ft.gguf.inspect import GGUFInfo
from tui_ft.gguf.verify import VerifyReport
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf


def _silent_model(demo_model: Path, out: Path) -> Path:
    """The demo model rewired so that its first greedy token is always EOS.

    Attention and MLP outputs are zeroed, so the residual stream is the embedding; every
    embedding has +10 in dimension 0, the final norm keeps only that dimension, and only
    the EOS row of lm_head reads it: EOS gets a positive logit, every other token 0.
    """
    import torch
    from safetensors.torch import load_file, save_file

    shutil.copytree(demo_model, out)
    weights = load_file(str(out / "model.safetensors"))
    eos = json.loads((out / "config.json").read_text())["eos_token_id"]
    for name, tensor in weights.items():
        if name.endswith(("o_proj.weight", "down_proj.weight")):
            weights[name] = torch.zeros_like(tensor)
    weights["model.embed_tokens.weight"][:, 0] = 10.0
    norm = torch.zeros_like(weights["model.norm.weight"])
    norm[0] = 1.0
    weights["model.norm.weight"] = norm
    head = torch.zeros_like(weights["lm_head.weight"])
    head[eos, 0] = 5.0
    weights["lm_head.weight"] = head
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    return out


def test_verify_fails_a_gguf_with_an_empty_reply(demo_model: Path, tools, tmp_path: Path):
    model = _silent_model(demo_model, tmp_path / "silent")
    gguf = Path(convert(LocalHost(), tools, str(model), str(tmp_path / "silent-f16.gguf")))
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf-verify", str(gguf), "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = VerifyReport.from_json(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert report.reply == ""  # not "''": the empty reply is kept as it came
    assert report.ok is False
    plain = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf-verify", str(gguf)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert plain.returncode == 1


def test_a_whitespace_reply_is_not_an_answer():
    info = GGUFInfo("m.gguf", 1, "llama", None, 0, 0, None, 1)
    assert VerifyReport(info, " \n\t").ok is False
    assert VerifyReport(info, "I am tui-ft.").ok is True
