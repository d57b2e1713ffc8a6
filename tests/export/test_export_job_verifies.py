"""The Export screen's GGUF job with verify on: a failed template check fails the job (its
error names the fix) instead of ending "done"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from screens.export_work import GGUFJob, run_gguf_job
from tui_ft.gguf.pipeline import GGUFSpec
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf


def test_a_gguf_adding_a_bos_training_never_saw_fails_the_job(demo_model: Path, tmp_path):
    model = tmp_path / "tiny"
    shutil.copytree(demo_model, model)
    cfg = json.loads((model / "tokenizer_config.json").read_text())
    cfg["add_bos_token"] = True  # what the merge left before it kept training's tokenizer
    (model / "tokenizer_config.json").write_text(json.dumps(cfg))
    steps: list[str] = []
    spec = GGUFSpec(str(model), str(tmp_path / "out" / "tiny.gguf"), template="default")
    outcome = run_gguf_job(LocalHost(), None, GGUFJob(spec, verify=True),
                           lambda step, _line, _frac: steps.append(step))  # fmt: skip
    assert outcome.error.startswith("template check failed: BOS: llama.cpp and Ollama put BOS")
    assert f'fix: set "add_bos_token": false in {model}/tokenizer_config.json' in outcome.error
    assert steps[-1] == "template check failed" and "done" not in steps
    assert outcome.run is not None and not outcome.run.template_check.ok  # still shown
