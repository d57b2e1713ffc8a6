"""A YAML's output_dir is where the run writes, under tui-ft as under llamafactory-cli."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.demo_training import demo_args

ENV = {"OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _yaml(ws: Path, folder: Path) -> Path:
    args = demo_args(ws, "saves/demo-lora", max_steps=4, logging_steps=2, save_steps=4)
    path = folder / "demo.yaml"
    path.write_text(yaml.safe_dump(args, sort_keys=False))
    return path


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.train  # a real LLaMA-Factory run: heavy, and fails where LF is missing
def test_output_dir_is_honoured_like_llamafactory_cli(demo_copy: Path, tmp_path: Path) -> None:
    env = dict(os.environ, **ENV)
    lf_cwd, tui_cwd = tmp_path / "lf", tmp_path / "tui"
    lf_cwd.mkdir()
    tui_cwd.mkdir()
    cli = Path(sys.executable).parent / "llamafactory-cli"
    subprocess.run(
        [str(cli), "train", str(_yaml(demo_copy, lf_cwd))],
        cwd=lf_cwd, env=env, check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    res = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(demo_copy), "train",
         str(_yaml(demo_copy, tui_cwd)), "--follow"],
        cwd=tui_cwd, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    own = tui_cwd / "saves" / "demo-lora"
    assert f"output: {own} (the YAML's output_dir" in res.stderr
    # the same files where llamafactory-cli put them, plus LLaMA Board's running log
    # (tui-ft runs with LLAMABOARD_ENABLED=1 to follow and stop the run)
    expected = _files(lf_cwd / "saves" / "demo-lora")
    assert "adapter_model.safetensors" in expected
    assert _files(own) == expected | {"running_log.txt"}
    # the run folder knows where its output is, and tui-ft's views read it there
    run_id = res.stdout.split()[0]
    run = demo_copy / "runs" / run_id
    assert (run / "output").resolve() == own
    assert json.loads((run / "status.json").read_text())["output_dir"] == str(own)
    listed = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(demo_copy), "runs", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    (info,) = [r for r in json.loads(listed.stdout) if r["run_id"] == run_id]
    assert info["state"] == "finished" and info["last_step"] == 4
    # the run's own copy of the config still says where it trains
    assert yaml.safe_load((run / "training_args.yaml").read_text())["output_dir"] == str(own)
