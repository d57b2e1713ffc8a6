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


def _typing_widgets(screen) -> list:
    from textual.widgets import Input, TextArea

    return [
        w
        for w in screen.query("Input, TextArea")
        if isinstance(w, Input | TextArea) and w.focusable and not w.disabled
    ]


async def test_escape_leaves_every_input_of_every_area(demo_copy):
    """Focus each input in turn: a digit types into it, escape leaves it, the next
    digit switches area; F-keys switch area straight from inside an input."""
    from textual.widgets import TabbedContent

    from tests.apps import local_app

    app = local_app(demo_copy, "env")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for i, area in enumerate(AREAS):
            other = AREAS[(i + 1) % len(AREAS)]
            await pilot.press(area.key)
            await pilot.pause()
            assert app.current_mode == area.mode
            screen = app.screen
            panes = [(tc, p.id) for tc in screen.query(TabbedContent) for p in tc.query("TabPane")]
            checked = 0
            for tabs, pane in panes or [(None, None)]:
                if tabs is not None:
                    tabs.active = pane
                    await pilot.pause()
                for widget in _typing_widgets(screen):
                    if not widget.is_on_screen and not widget.display:
                        continue
                    widget.focus()
                    await pilot.pause()
                    if app.focused is not widget:
                        continue  # in a tab that is not shown
                    await pilot.press(area.key)
                    assert app.current_mode == area.mode, f"{widget.id} let {area.key} through"
                    await pilot.press("escape")
                    await pilot.pause()
                    assert app.focused is None, f"escape stayed in {area.mode} #{widget.id}"
                    await pilot.press(other.key)
                    await pilot.pause()
                    assert app.current_mode == other.mode, f"after escape in #{widget.id}"
                    await pilot.press(f"f{area.key}")
                    await pilot.pause()
                    assert app.current_mode == area.mode
                    checked += 1
            widgets = _typing_widgets(screen)
            if widgets:
                assert checked, f"no input of {area.mode} could be focused"
                widgets[0].focus()
                await pilot.pause()
                await pilot.press(f"f{other.key}")  # priority: leaves the input too
                await pilot.pause()
                assert app.current_mode == other.mode


async def test_question_mark_lists_the_screens_keys(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        panel = app.screen.query_one("HelpPanel")
        assert panel is not None
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
