"""Recipes the user keeps: `<workspace>/recipes/*.yaml` on the host, beside the shipped ones."""

from __future__ import annotations

import posixpath
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
