"""A LoRA-only adapter made from a trained one: the LoRA pairs kept, full tensors dropped.

The session's demo adapter also trains the embeddings and the head (`additional_target`),
which no GGUF adapter can carry; its LoRA matrices are real trained weights all the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def lora_only(adapter: Path, out: Path) -> Path:
    from safetensors.torch import load_file, save_file

    shutil.copytree(adapter, out)
    weights = load_file(str(out / "adapter_model.safetensors"))
    kept = {k: v for k, v in weights.items() if "lora_" in k}
    save_file(kept, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    config = json.loads((out / "adapter_config.json").read_text())
    config["modules_to_save"] = None
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2))
    return out
