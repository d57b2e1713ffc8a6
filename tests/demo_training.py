"""The demo's training settings that learn: the one copy every training test uses.

They are the shipped demo recipe's (tui_ft.demo.settings reads recipes/demo.yaml): a LoRA
of rank 32 on every linear layer, with the embeddings and the head trained too, at a high
learning rate with warm-up and cosine decay. It teaches the 2-layer demo model its identity
("TinyFT" by "tui-ft") in ~200 CPU steps, and the loss falls from ~6 to ~3 within a few
dozen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tui_ft.demo.settings import demo_learning_settings

VENV_BIN = Path(sys.executable).parent
IDENTITY = ("TinyFT", "tui-ft")
"""What the trained model says it is (the demo dataset's name and author)."""

LEARNS: dict[str, Any] = {
    "stage": "sft",
    "do_train": True,
    **demo_learning_settings(),  # the shipped recipe's: what users run is what is tested
    "dataset": "identity_demo",
    "preprocessing_num_workers": 1,
    "per_device_train_batch_size": 4,
    "report_to": "none",
}


def demo_args(workspace: Path, output_dir: Path | str, **changes: Any) -> dict[str, Any]:
    """`llamafactory-cli train` arguments for the demo workspace `workspace`."""
    return {
        **LEARNS,
        "model_name_or_path": str(workspace / "models" / "tiny-llama-demo"),
        "dataset_dir": str(workspace / "datasets"),
        "output_dir": str(output_dir),
        **changes,
    }


def train(args: dict[str, Any], config: Path, timeout: float = 900) -> Path:
    """Run a real `llamafactory-cli train` with `args` (written to `config`); the adapter."""
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(args))
    env = dict(
        os.environ,
        OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"),
        HF_HUB_OFFLINE="1",
        DISABLE_VERSION_CHECK="1",
        TOKENIZERS_PARALLELISM="false",
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    proc = subprocess.run(
        [str(VENV_BIN / "llamafactory-cli"), "train", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    out = Path(args["output_dir"])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (out / "adapter_config.json").exists(), f"no adapter in {out}"
    return out
