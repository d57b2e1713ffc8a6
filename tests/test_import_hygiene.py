"""The engine stays light: `import tui_ft` (and the CLI parser) load no Textual, no torch."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "torch", "transformers", "llamafactory", "paramiko")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_import_tui_ft_loads_no_ui_and_no_torch():
    loaded = _modules_after("import tui_ft, tui_ft.host, tui_ft.config, tui_ft.workspace")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_cli_parser_loads_no_ui_and_no_torch():
    loaded = _modules_after("from tui_ft.cli import build_parser; build_parser()")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_first_paint_imports_no_torch(tmp_path):
    """Painting the first screen must not import torch, transformers or llamafactory."""
    code = f"""
import asyncio
from screens.app import TuiFtApp
from tui_ft.config import Config
async def main():
    app = TuiFtApp(config=Config(workspace={str(tmp_path)!r}))
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
asyncio.run(main())
"""
    loaded = _modules_after(code)
    assert "textual" in loaded
    assert not loaded & {"torch", "transformers", "llamafactory"}
