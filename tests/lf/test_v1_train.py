"""A v1 config (v1 data) trains through tui-ft: the launch sets USE_V1=1 for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.datasets.test_v1 import SAMPLES
from tui_ft.train.config import TrainConfig
from tui_ft.train.validate import check_config

ENV = {"OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _v1_config(model: Path, data: Path, out: Path) -> str:
    return (
        f"model: {model}\nmodel_class: llm\ntrain_dataset: {data}\noutput_dir: {out}\n"
        "micro_batch_size: 1\nglobal_batch_size: 1\ncutoff_len: 256\n"
        "learning_rate: 1.0e-4\nmax_steps: 2\nbf16: false\n"
    )


def test_v1_config_is_validated_by_v1_rules(tmp_path: Path) -> None:
    cfg = TrainConfig.from_yaml(_v1_config(tmp_path / "m", tmp_path / "d.jsonl", tmp_path / "o"))
    assert cfg.uses_v1 and check_config(cfg) == []
    # and written back untouched: the v1 parser refuses keys it does not know
    assert cfg.to_yaml().splitlines()[:3] == [
        f"model: {tmp_path / 'm'}",
        "model_class: llm",
        f"train_dataset: {tmp_path / 'd.jsonl'}",
    ]
    assert "model_name_or_path" not in cfg.to_yaml() and "dataset" not in cfg.to_dict()
    broken = TrainConfig.from_yaml("model: /m\nlearning_rate: fast\n")
    assert [str(e) for e in check_config(broken)] == [
        "train_dataset: is required (v1 config)",
        "learning_rate: must be a number, got 'fast'",
    ]


@pytest.mark.train  # a real LLaMA-Factory run: heavy, and fails where LF is missing
def test_v1_training_runs_with_use_v1(demo_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "v1.jsonl"
    data.write_text("".join(json.dumps(s) + "\n" for s in SAMPLES * 4))
    out = tmp_path / "v1-out"
    config = tmp_path / "v1.yaml"
    config.write_text(_v1_config(demo_copy / "models" / "tiny-llama-demo", data, out))
    env = dict(os.environ, **ENV)
    env.pop("USE_V1", None)
    res = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(demo_copy), "train", str(config),
         "--follow"],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    run = demo_copy / "runs" / res.stdout.split()[0]
    assert res.returncode == 0, (run / "launch.log").read_text()[-3000:]
    assert json.loads((run / "status.json").read_text())["env"] == {"USE_V1": "1"}
    assert (out / "model.safetensors").is_file()  # the v1 engine's output, where the YAML said
    steps = [json.loads(line) for line in (out / "trainer_log.jsonl").read_text().splitlines()]
    assert [s["step"] for s in steps] == [1, 2]  # the v1 engine's own log
