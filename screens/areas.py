"""The areas of the app: one screen (and one Textual mode) each, switched by key or palette."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Area:
    mode: str
    key: str
    title: str
    help: str
    target: str  # "module:Class", imported on first visit so start-up stays fast

    def make(self) -> Screen:
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)()


AREAS: tuple[Area, ...] = (
    Area(
        "env",
        "1",
        "Environment",
        "GPUs, CUDA, disk and model-file checks",
        "screens.env:EnvironmentScreen",
    ),
    Area(
        "datasets",
        "2",
        "Datasets",
        "detect, lint, preview and register datasets",
        "screens.datasets:DatasetsScreen",
    ),
    Area(
        "train",
        "3",
        "Train",
        "configure, launch and monitor a LLaMA-Factory run",
        "screens.train:TrainScreen",
    ),
    Area("runs", "4", "Runs", "every run with status, loss and history", "screens.runs:RunsScreen"),
    Area(
        "evaluate",
        "5",
        "Evaluate & Chat",
        "prediction metrics and chat with the models",
        "screens.evaluate:EvaluateScreen",
    ),
    Area(
        "export",
        "6",
        "Export & GGUF",
        "merge LoRA, convert to GGUF, Ollama Modelfile",
        "screens.export:ExportScreen",
    ),
    Area(
        "recipes",
        "7",
        "Recipes",
        "list, edit, validate, replay and record recipes",
        "screens.recipes:RecipesScreen",
    ),
)
