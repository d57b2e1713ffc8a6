"""The wheel: installed (not editable) into a fresh environment, run from outside the checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.laptop.venv import base_env

REPO = Path(__file__).resolve().parents[1]

SMOKE = """
import asyncio, sys
from tui_ft import paths
from screens.app import TuiFtApp
from tui_ft.config import Config
styles, recipes = paths.styles_dir(), paths.recipes_dir()
assert "site-packages" in str(styles), styles
assert (styles / "app.tcss").is_file() and list(recipes.glob("*.yaml")), (styles, recipes)
async def main():
    app = TuiFtApp(config=Config(workspace=sys.argv[1]))
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        print("SCREEN", type(app.screen).__name__, len(app.stylesheet.source))
    print("TORCH", "torch" in sys.modules)
asyncio.run(main())
"""


def test_wheel_installs_and_runs_outside_checkout(tmp_path):
    # The laptop tests' base install (only the base dependencies), cached by source hash.
    env = base_env()
    env_dir, py = env.root, env.python
    out = subprocess.run(
        [env_dir / "bin" / "tui-ft", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert out.stdout.strip() == "tui-ft 0.1.0"
    (tmp_path / "smoke.py").write_text(SMOKE)
    run = subprocess.run(
        [py, "smoke.py", str(tmp_path / "ws")], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "SCREEN EnvironmentScreen" in run.stdout
    assert "TORCH False" in run.stdout  # the base install is the light laptop install
