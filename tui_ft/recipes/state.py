"""Per-step replay state, so an interrupted replay goes on at its unfinished step.

A step counts as done only if it finished with these very arguments: editing a
step's arguments makes it (and only it) run again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_ft.atomic import atomic_write_text
from tui_ft.config import config_path
from tui_ft.recipes.model import Recipe, Step


def step_fingerprint(step: Step) -> str:
    blob = json.dumps({"type": step.type, "args": step.args}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def state_path(recipe: Recipe) -> Path:
    """Beside the config: `<config dir>/replays/<name>.json` (TUI_FT_CONFIG moves it too)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in recipe.name)
    return config_path().parent / "replays" / f"{safe}.json"


@dataclass
class ReplayState:
    path: Path
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, recipe: Recipe) -> ReplayState:
        path = state_path(recipe)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            data = {}
        return cls(path=path, steps=dict(data.get("steps", {})))

    def is_done(self, step: Step) -> bool:
        rec = self.steps.get(step.id, {})
        return rec.get("status") == "done" and rec.get("fingerprint") == step_fingerprint(step)

    def mark(self, step: Step, status: str, **extra: Any) -> None:
        rec = self.steps.setdefault(step.id, {})
        rec.update(status=status, fingerprint=step_fingerprint(step), at=time.time(), **extra)
        self.save()

    def reset_from(self, recipe: Recipe, step_id: str) -> None:
        for s in recipe.steps[recipe.index_of(step_id) :]:
            self.steps.pop(s.id, None)
        self.save()

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps({"steps": self.steps}, indent=2) + "\n")
