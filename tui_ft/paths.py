"""Where the shipped data (styles, recipes) lives: in a wheel or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder of shipped data `name` ("styles" or "recipes").

    A wheel carries them as `tui_ft/_data/<name>` (see pyproject's force-include);
    a checkout keeps them at the repository root beside `tui_ft/`.
    """
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"tui-ft data folder {name!r} not found in {_PKG / '_data'} or {_PKG.parent}: "
        "the installation is incomplete, reinstall tui-ft"
    )


def styles_dir() -> Path:
    return data_dir("styles")


def recipes_dir() -> Path:
    return data_dir("recipes")
