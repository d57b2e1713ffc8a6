"""The app shell, driven with Pilot: every area reachable by key and palette."""

from __future__ import annotations

from screens.app import TuiFtApp
from screens.areas import AREAS
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace


def make_app(root) -> TuiFtApp:
    host = LocalHost()
    ws = Workspace(host, str(root))
    return TuiFtApp(config=Config(workspace=str(root)), host=host, workspace=ws)


async def test_every_area_by_key(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "EnvironmentScreen"
        for area in AREAS:
            await pilot.press(area.key)
            await pilot.pause()
            assert app.current_mode == area.mode
            assert app.sub_title.startswith(area.title)
            assert "host: local" in app.sub_title


async def test_areas_in_command_palette(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for area in AREAS:
            assert f"Go to {area.title}" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to Runs")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "runs"


async def test_environment_shows_real_workspace_state(tmp_path):
    Workspace(LocalHost(), str(tmp_path)).ensure()
    (tmp_path / "exports").rmdir()
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#workspace-table")
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[2] for i in range(table.row_count)}
        assert rows["models"] == "present" and rows["exports"] == "missing"
        assert "free of" in rows["disk"]


async def test_header_follows_active_run(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.active_run = "20261124-demo"
        await pilot.pause()
        assert "run: 20261124-demo" in app.sub_title
