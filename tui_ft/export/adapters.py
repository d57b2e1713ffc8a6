"""LoRA adapters in the workspace's runs, with the base model and template they trained on."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

import yaml

from tui_ft.host.base import Host
from tui_ft.workspace import Workspace

ADAPTER_CONFIG = "adapter_config.json"


@dataclass(frozen=True)
class AdapterInfo:
    path: str
    run_id: str
    base_model: str | None
    template: str | None

    @property
    def label(self) -> str:
        rel = self.path.rsplit(f"/{self.run_id}/", 1)[-1]
        return f"{self.run_id}/{rel}"


def _run_args(host: Host, run_dir: str) -> dict:
    path = posixpath.join(run_dir, "training_args.yaml")
    if not host.exists(path):
        return {}
    try:
        data = yaml.safe_load(host.read_text(path))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def list_adapters(ws: Workspace) -> list[AdapterInfo]:
    """Each run's final adapter (its output folder) and its checkpoints, newest run first."""
    from tui_ft.train.discover import runs_view

    ws = runs_view(ws)  # over SSH: every run folder read in one command
    host = ws.host
    found: list[AdapterInfo] = []
    if not host.exists(ws.runs):
        return found
    for run in reversed(host.listdir(ws.runs)):
        if not run.is_dir:
            continue
        args = _run_args(host, run.path)
        output = str(args.get("output_dir") or posixpath.join(run.path, "output"))
        if not host.exists(output):
            continue
        candidates = [output] + [
            e.path for e in host.listdir(output) if e.is_dir and e.name.startswith("checkpoint-")
        ]
        for path in candidates:
            if host.exists(posixpath.join(path, ADAPTER_CONFIG)):
                base = args.get("model_name_or_path")
                template = args.get("template")
                found.append(
                    AdapterInfo(
                        path,
                        run.name,
                        str(base) if base else None,
                        str(template) if template else None,
                    )
                )
    return found
