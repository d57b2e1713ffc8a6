"""The workspace: one folder on the host holding models, datasets, runs and exports."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from tui_ft.host.base import Host

AREAS = ("models", "datasets", "runs", "exports")


@dataclass
class Workspace:
    host: Host
    root: str

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    @property
    def models(self) -> str:
        return self.path("models")

    @property
    def datasets(self) -> str:
        return self.path("datasets")

    @property
    def runs(self) -> str:
        return self.path("runs")

    @property
    def exports(self) -> str:
        return self.path("exports")

    def ensure(self) -> Workspace:
        """Create the workspace folders (idempotent)."""
        for area in AREAS:
            self.host.makedirs(self.path(area))
        return self

    def exists(self) -> bool:
        return all(self.host.exists(self.path(a)) for a in AREAS)

    def list_models(self) -> list[str]:
        """Model folders: any folder under models/ (one or two levels) with a config.json."""
        from tui_ft.remote.tree import tree_view

        # over SSH the three levels are read in one command, not a request per folder
        host = tree_view(self.host, [self.models], depth=3)
        found: list[str] = []
        if not host.exists(self.models):
            return found
        for entry in host.listdir(self.models):
            if not entry.is_dir:
                continue
            if host.exists(posixpath.join(entry.path, "config.json")):
                found.append(entry.path)
                continue
            for sub in host.listdir(entry.path):  # org/name layout (Qwen/Qwen2.5-...)
                if sub.is_dir and host.exists(posixpath.join(sub.path, "config.json")):
                    found.append(sub.path)
        return found
