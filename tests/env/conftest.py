"""Fixtures of the environment tests: small sharded models written with safetensors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from tui_ft.host import LocalHost

SHARDS = 3


class BoxHost(LocalHost):
    """This machine presented as a remote box: the engine must go through `python3 -m
    tui_ft ... --json` on it, exactly as over SSH (python3 is the venv's, on PATH)."""

    name = "box"
    is_remote = True


def write_sharded_model(root: Path, shards: int = SHARDS) -> Path:
    """A Hugging Face-layout model: config, tokenizer, `shards` safetensors and the index."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 8}))
    (root / "tokenizer.json").write_text(json.dumps({"version": "1.0", "model": {}}))
    weight_map = {}
    rng = np.random.default_rng(0)
    for i in range(shards):
        name = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        tensors = {
            f"layers.{i}.w": rng.standard_normal((32, 16)).astype(np.float32),
            f"layers.{i}.b": rng.standard_normal((16,)).astype(np.float32),
        }
        save_file(tensors, str(root / name))
        weight_map.update(dict.fromkeys(tensors, name))
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (root / "model.safetensors.index.json").write_text(json.dumps(index))
    return root


def modelscope_manifest(root: Path) -> dict:
    """The file list in ModelScope's published shape, computed from the intact model."""
    files = []
    for p in sorted(root.iterdir()):
        data = p.read_bytes()
        files.append(
            {
                "Name": p.name,
                "Path": p.name,
                "Type": "blob",
                "Size": len(data),
                "Sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return {"Code": 200, "Data": {"Files": files}}


@pytest.fixture
def sharded(tmp_path: Path) -> Path:
    return write_sharded_model(tmp_path / "models" / "sharded")


@pytest.fixture
def box() -> BoxHost:
    return BoxHost()
