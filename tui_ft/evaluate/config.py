"""The LLaMA-Factory predict config for a base model, a run's adapter, or a merged model."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from tui_ft.evaluate.results import EvalError
from tui_ft.host.base import Host


@dataclass(frozen=True)
class PredictSpec:
    model: str  # base or merged model folder on the host
    dataset: str  # name registered in dataset_dir/dataset_info.json
    dataset_dir: str
    output_dir: str
    adapter: str | None = None  # LoRA adapter folder (a run's output), None for a merged model
    template: str = "default"
    max_samples: int | None = 50
    cutoff_len: int = 1024
    max_new_tokens: int = 128
    batch_size: int = 2


def resolve_adapter(host: Host, path: str) -> str:
    """The adapter folder inside `path`: itself, its output/, or its newest checkpoint.

    A run folder holds the adapter at its root or under output/ (and checkpoint-N
    folders while it trains); this accepts any of them so the user can pick the run.
    """
    for candidate in (path, posixpath.join(path, "output")):
        if host.exists(posixpath.join(candidate, "adapter_config.json")):
            return candidate
        if host.stat(candidate) is None:
            continue
        checkpoints = [
            e
            for e in host.listdir(candidate)
            if e.is_dir and e.name.startswith("checkpoint-") and e.name[11:].isdigit()
        ]
        for ckpt in sorted(checkpoints, key=lambda e: int(e.name[11:]), reverse=True):
            if host.exists(posixpath.join(ckpt.path, "adapter_config.json")):
                return ckpt.path
    raise EvalError(f"{path}: no LoRA adapter here (no adapter_config.json, no checkpoint-N)")


def check_inputs(host: Host, spec: PredictSpec) -> None:
    """Fail with a message naming the missing piece before anything starts."""
    if not host.exists(posixpath.join(spec.model, "config.json")):
        raise EvalError(f"{spec.model}: not a model folder (no config.json)")
    info_path = posixpath.join(spec.dataset_dir, "dataset_info.json")
    try:
        info = json.loads(host.read_text(info_path))
    except FileNotFoundError:
        raise EvalError(f"{info_path}: not found (the dataset folder needs one)") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{info_path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if spec.dataset not in info:
        known = ", ".join(sorted(info)) or "none"
        raise EvalError(f"{info_path}: no dataset named {spec.dataset!r} (known: {known})")


def build_predict_config(spec: PredictSpec) -> dict[str, Any]:
    """The YAML mapping for `llamafactory-cli train` that predicts and scores."""
    cfg: dict[str, Any] = {
        "model_name_or_path": spec.model,
        "stage": "sft",
        "do_predict": True,
        "predict_with_generate": True,
        "eval_dataset": spec.dataset,
        "dataset_dir": spec.dataset_dir,
        "template": spec.template,
        "cutoff_len": spec.cutoff_len,
        "max_new_tokens": spec.max_new_tokens,
        "per_device_eval_batch_size": spec.batch_size,
        "preprocessing_num_workers": 1,
        "output_dir": spec.output_dir,
        "overwrite_output_dir": True,
        "report_to": "none",
        # Greedy decoding: the same model and data give the same scores every time.
        "do_sample": False,
    }
    if spec.max_samples:
        cfg["max_samples"] = spec.max_samples
    if spec.adapter:
        cfg["adapter_name_or_path"] = spec.adapter
        cfg["finetuning_type"] = "lora"
    return cfg
