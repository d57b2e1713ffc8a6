"""Record what a user does in the TUI as recipe steps, to save and replay later."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tui_ft.lf import yamlio
from tui_ft.recipes.model import Recipe, parse_recipe


@dataclass
class Recorder:
    """Steps in the order the user performed them; the same kind of step twice keeps both."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, step_type: str, **args: Any) -> None:
        """Add a step; safe from worker threads (screens record when an action succeeds)."""
        clean = {k: v for k, v in args.items() if v not in (None, "", [], {})}
        with self._lock:
            taken = {s["id"] for s in self.steps}
            step_id, n = step_type, 2
            while step_id in taken:
                step_id, n = f"{step_type}-{n}", n + 1
            self.steps.append({"id": step_id, "type": step_type, **clean})

    def __len__(self) -> int:
        return len(self.steps)

    def to_text(self, name: str, description: str = "", workspace: str | None = None) -> str:
        """The recipe as YAML; workspace paths become `${workspace}` so it replays elsewhere."""
        doc: dict[str, Any] = {"name": name}
        if description:
            doc["description"] = description
        doc["steps"] = self.steps
        # read back with yamlio's rules (parse_recipe): a string like "1e-4" must stay quoted
        text = yamlio.dump(doc)
        if workspace:
            text = text.replace(workspace.rstrip("/"), "${workspace}")
        return text

    def to_recipe(self, name: str, workspace: str) -> Recipe:
        """Validate by parsing what would be saved."""
        return parse_recipe(
            self.to_text(name, workspace=workspace),
            source=f"recorded:{name}",
            env={},
            builtins={"workspace": workspace},
        )
