"""Recipes the user keeps: `<workspace>/recipes/*.yaml` on the host, beside the shipped ones."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui_ft.recipes.catalog import shipped_recipes
from tui_ft.workspace import Workspace


@dataclass(frozen=True)
class RecipeEntry:
    name: str
    path: str
    shipped: bool

    @property
    def editable(self) -> bool:
        return not self.shipped

    @property
    def origin(self) -> str:
        """Where it comes from, as the list shows it."""
        return "shipped" if self.shipped else "workspace"


def recipes_folder(ws: Workspace) -> str:
    return ws.path("recipes")


def list_recipes(ws: Workspace) -> list[RecipeEntry]:
    entries = [RecipeEntry(p.stem, str(p), True) for p in shipped_recipes()]
    folder = recipes_folder(ws)
    if ws.host.exists(folder):
        entries += [
            RecipeEntry(f.name.rsplit(".", 1)[0], f.path, False)
            for f in ws.host.listdir(folder)
            if f.name.endswith((".yaml", ".yml")) and not f.is_dir
        ]
    return entries


def read_recipe_text(ws: Workspace, entry: RecipeEntry) -> str:
    if entry.shipped:
        with open(entry.path, encoding="utf-8") as fh:  # shipped data lives with tui-ft itself
            return fh.read()
    return ws.host.read_text(entry.path)


def save_recipe(ws: Workspace, name: str, text: str) -> str:
    path = posixpath.join(recipes_folder(ws), f"{name}.yaml")
    ws.host.write_text(path, text)  # atomic on every host
    return path


def free_name(wanted: str, taken: Iterable[str]) -> str:
    """`wanted`, else `wanted-2`, `wanted-3`, ...: the first name no listed recipe has."""
    names = set(taken)
    name, n = wanted, 2
    while name in names:
        name, n = f"{wanted}-{n}", n + 1
    return name


def recording_name(current: str, taken: Iterable[str]) -> str:
    """A recorded session's name: `<recipe>-session` after the recipe that was open (so a
    recording never takes a shipped recipe's name and hides it), made free of `taken`."""
    stem = re.sub(r"(?:^|-)session(?:-\d+)?$", "", current.strip())
    return free_name(f"{stem}-session" if stem else "session", taken)
