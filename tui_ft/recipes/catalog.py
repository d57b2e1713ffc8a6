"""Finding recipes: a path, or the name of a shipped one (`recipes/<name>.yaml`)."""

from __future__ import annotations

import os
from pathlib import Path

from tui_ft.paths import recipes_dir


def resolve(ref: str) -> str:
    if os.path.exists(ref):
        return ref
    shipped = recipes_dir() / (ref if ref.endswith((".yaml", ".yml")) else f"{ref}.yaml")
    if shipped.exists():
        return str(shipped)
    names = ", ".join(p.stem for p in shipped_recipes())
    raise FileNotFoundError(f"no recipe file {ref!r} and no shipped recipe of that name ({names})")


def shipped_recipes() -> list[Path]:
    return sorted(recipes_dir().glob("*.yaml"))
