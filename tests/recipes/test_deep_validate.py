"""`replay --dry-run` checks every step on its host before anything runs or is planned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RECIPE = """\
name: deep
steps:
  - type: dataset
    file: {data}
    name: mine
  - id: tune
    type: train
    config:
      model_name_or_path: {model}
      stage: sft
      dataset: mine
      dataset_dir: {datasets}
      template: {template}
  - type: gguf
    model: {model}
    out: {ws}/x.gguf
    quant: {quant}
"""


def _dry_run(tmp: Path, ws: Path, **changes: str) -> subprocess.CompletedProcess[str]:
    data = tmp / "data.json"
    if not data.exists():
        data.write_text(json.dumps([{"instruction": "hi", "input": "", "output": "hello"}]))
    values = {"data": data, "model": ws / "models" / "tiny-llama-demo", "template": "default",
              "datasets": tmp, "ws": ws, "quant": "Q8_0", **changes}  # fmt: skip
    recipe = tmp / "deep.yaml"
    recipe.write_text(RECIPE.format(**values))
    return subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "replay", str(recipe),
         "--dry-run", "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_each_step_meets_its_own_validator(demo_workspace: Path, tmp_path: Path) -> None:
    ok = _dry_run(tmp_path, demo_workspace)
    assert ok.returncode == 0, ok.stderr
    assert sum(json.loads(line)["event"] == "plan" for line in ok.stdout.splitlines()) >= 3

    recipe = tmp_path / "deep.yaml"
    bad = _dry_run(tmp_path, demo_workspace, template="qwen9")
    assert bad.returncode == 2 and bad.stdout == ""  # nothing planned, nothing ran
    assert f"{recipe}:13: step 'tune' field 'config.template': 'qwen9' is not a template" in (
        bad.stderr
    )
    bad = _dry_run(tmp_path, demo_workspace, model="/nowhere/model")
    assert f"{recipe}:9: step 'tune' field 'config.model_name_or_path': /nowhere/model" in (
        bad.stderr
    )
    bad = _dry_run(tmp_path, demo_workspace, quant="Q9_K")
    assert f"{recipe}:17: step 'gguf' field 'quant': 'Q9_K' is not a llama-quantize type" in (
        bad.stderr
    )
    # the dataset step's file goes through the dataset lint: columns and types
    data = tmp_path / "data.json"
    data.write_text(json.dumps([{"instruction": "hi", "input": "", "output": 5}]))
    bad = _dry_run(tmp_path, demo_workspace)
    assert f"{recipe}:4: step 'dataset' field 'file': {data}:1 record 0 field output" in (
        bad.stderr
    )
    assert "`output` must be a string" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1  # one line, no traceback
    # `recipe validate` runs the same checks, without planning or running anything
    val = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(demo_workspace), "recipe",
         "validate", str(recipe)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert val.returncode == 2 and val.stdout == ""
    assert f"{recipe}:4: step 'dataset' field 'file': {data}:1 record 0 field output" in (
        val.stderr
    )


def test_gguf_step_takes_every_export_input(demo_workspace: Path, tmp_path: Path) -> None:
    """A recorded Export run (several quants, imatrix, perplexity) replays the same command."""
    data = tmp_path / "data.json"
    ok = _dry_run(tmp_path, demo_workspace, quant=f"[Q8_0, IQ4_NL]\n    imatrix: {data}")
    assert ok.returncode == 0, ok.stderr
    plans = [json.loads(line) for line in ok.stdout.splitlines()]
    command = next(p["command"] for p in plans if p.get("step") == "gguf")
    assert "--quant Q8_0 --quant IQ4_NL" in command and f"--imatrix {data}" in command

    recipe = tmp_path / "deep.yaml"
    bad = _dry_run(tmp_path, demo_workspace, quant="[Q8_0, IQ4_NL]")
    assert f"{recipe}:17: step 'gguf' field 'quant': IQ4_NL needs an importance matrix" in (
        bad.stderr
    )
    assert bad.returncode == 2
