"""A demo model that really learnt its identity: trained once for the evaluate tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

VENV_BIN = Path(sys.executable).parent

# The smallest recipe that reliably teaches the 2-layer demo model "TinyFT / tui-ft":
# a high rank and learning rate, embeddings and head trained too, cosine decay.
RECIPE = {
    "stage": "sft",
    "do_train": True,
    "finetuning_type": "lora",
    "lora_rank": 32,
    "lora_target": "all",
    "additional_target": "embed_tokens,lm_head",
    "dataset": "identity_demo",
    "template": "default",
    "cutoff_len": 128,
    "preprocessing_num_workers": 1,
    "per_device_train_batch_size": 8,
    "learning_rate": 1.0e-2,
    "lr_scheduler_type": "cosine",
    "max_steps": 150,
    "logging_steps": 50,
    "save_strategy": "no",
    "overwrite_output_dir": True,
    "report_to": "none",
}
IDENTITY = ("TinyFT", "tui-ft")


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path) -> dict[str, Path]:
    """{'model': base model, 'adapter': trained LoRA, 'datasets': dataset folder}."""
    root = tmp_path_factory.mktemp("trained")
    adapter = root / "adapter"
    cfg = dict(
        RECIPE,
        model_name_or_path=str(demo_workspace / "models" / "tiny-llama-demo"),
        dataset_dir=str(demo_workspace / "datasets"),
        output_dir=str(adapter),
    )
    cfg_path = root / "train.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg))
    env = dict(os.environ, OMP_NUM_THREADS="2", HF_HUB_OFFLINE="1", DISABLE_VERSION_CHECK="1")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        [str(VENV_BIN / "llamafactory-cli"), "train", str(cfg_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (adapter / "adapter_config.json").exists()
    return {
        "model": demo_workspace / "models" / "tiny-llama-demo",
        "adapter": adapter,
        "datasets": demo_workspace / "datasets",
    }
