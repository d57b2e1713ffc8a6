"""Fixtures of the export tests: llama.cpp's converter (cached), a demo GGUF, a trained LoRA.

The converter comes from the llama-cpp-python sdist, unpacked once into the user's cache
(~/.cache/tui-ft/llama-cpp-src): later sessions and CI runs reuse it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui_ft.gguf import LlamaCppTools, find_tools
from tui_ft.gguf.convert import convert
from tui_ft.host import LocalHost

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def tools() -> LlamaCppTools:
    return find_tools(LocalHost())


@pytest.fixture(scope="session")
def demo_gguf(demo_workspace: Path, tools: LlamaCppTools, tmp_path_factory) -> Path:
    """The untrained demo model as an f16 GGUF (read-only for tests)."""
    out = tmp_path_factory.mktemp("gguf") / "tiny-f16.gguf"
    convert(LocalHost(), tools, str(demo_workspace / "models" / "tiny-llama-demo"), str(out))
    return out


def train_lora(workspace: Path, out_dir: Path, steps: int = 20) -> Path:
    """A real `llamafactory-cli train` of the demo model with settings that learn."""
    args = {
        "model_name_or_path": str(workspace / "models" / "tiny-llama-demo"),
        "stage": "sft",
        "do_train": True,
        "finetuning_type": "lora",
        "lora_rank": 32,
        "lora_target": "all",
        "additional_target": "embed_tokens,lm_head",
        "template": "default",
        "dataset": "identity_demo",
        "dataset_dir": str(workspace / "datasets"),
        "cutoff_len": 128,
        "preprocessing_num_workers": 1,
        "output_dir": str(out_dir),
        "overwrite_output_dir": True,
        "per_device_train_batch_size": 4,
        "gradient_accumulation_steps": 1,
        "learning_rate": 1e-2,
        "max_steps": steps,
        "logging_steps": 5,
        "save_strategy": "no",
        "report_to": "none",
    }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    cfg = out_dir.parent / "train.yaml"
    cfg.write_text(yaml.safe_dump(args))
    proc = subprocess.run(
        [str(VENV_BIN / "llamafactory-cli"), "train", str(cfg)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out_dir / "adapter_config.json").exists()
    return out_dir
