"""The LLaMA-Factory template a model was trained with, recorded beside its weights.

`tui_ft_template.json` ({"template": "qwen", "llamafactory": "0.9.5"}) sits in the model
folder: the demo model and every model tui-ft merges write it, and the GGUF Modelfile
and the chat screen read it instead of asking for `--template`. Folders made without
tui-ft still answer when they carry a config that names the template: the export
config tui-ft keeps (`export_args.yaml`) or LlamaBoard's `training_args.yaml`.
"""

from __future__ import annotations

import json
import posixpath
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from tui_ft.host.base import Host

RECORD_FILE = "tui_ft_template.json"
# Configs beside a model that name its template, most specific first.
_CONFIGS = ("export_args.yaml", "training_args.yaml")


def write_recorded_template(
    host: Host, model_dir: str, template: str, *, llamafactory: str | None = None
) -> None:
    """Record `template` beside the model (atomically: `Host.write_text` renames into place)."""
    if not template.strip():
        raise ValueError("a recorded template must be a non-empty LLaMA-Factory template name")
    data: dict[str, str] = {"template": template.strip()}
    if llamafactory:
        data["llamafactory"] = llamafactory
    host.write_text(posixpath.join(model_dir, RECORD_FILE), json.dumps(data, indent=2) + "\n")


def read_recorded_template(host: Host, model_dir: str) -> str | None:
    """The template recorded with the model at `model_dir`, or None when none is."""
    try:
        data = json.loads(host.read_text(posixpath.join(model_dir, RECORD_FILE)))
    except (FileNotFoundError, ValueError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("template"), str) and data["template"]:
        return str(data["template"])
    for name in _CONFIGS:
        try:
            config = yaml.safe_load(host.read_text(posixpath.join(model_dir, name)))
        except (FileNotFoundError, yaml.YAMLError, UnicodeDecodeError):
            continue
        template = config.get("template") if isinstance(config, dict) else None
        if isinstance(template, str) and template:
            return template
    return None


def training_template(host: Host, adapter: str) -> str | None:
    """The template a run's adapter (or checkpoint) was trained with: recorded in the adapter
    folder, else in the run folders above it (LLaMA-Factory keeps `training_args.yaml` in
    the run's output folder or tui-ft's run folder)."""
    folder = adapter.rstrip("/")
    for _ in range(3):  # checkpoint-N -> output -> run
        found = read_recorded_template(host, folder)
        if found or not folder or folder == "/":
            return found
        folder = posixpath.dirname(folder)
    return None


def recorded_template_for(host: Host, model: str, adapter: str | None = None) -> str | None:
    """The template to use for `model` (plus `adapter`): the adapter's training template
    first (that is what the weights learnt), else the one recorded with the model."""
    if adapter:
        found = training_template(host, adapter)
        if found:
            return found
    return read_recorded_template(host, model)
