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


def _typing_widgets(screen, pane=None) -> list:
    """The inputs of `screen` inside tab `pane`; with no pane, those outside every tab."""
    from textual.widgets import Input, TabPane, TextArea

    def in_pane(w) -> bool:
        return pane in w.ancestors if pane else not any(isinstance(a, TabPane) for a in w.ancestors)

    return [
        w
        for w in screen.query("Input, TextArea")
        if isinstance(w, Input | TextArea) and w.focusable and not w.disabled and in_pane(w)
    ]


async def test_escape_leaves_every_input_of_every_area(demo_copy):
    """Focus each input in turn: a digit types into it (no area switch) and escape leaves
    it, so the next digit switches area. F-keys switch area straight from inside an input
    (once per kind of input: the binding is the app's, whichever input has the focus)."""
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
            checked: dict[type, object] = {}
            for tabs, pane in [*panes, (None, None)]:
                if tabs is not None:
                    tabs.active = pane
                    await pilot.pause()
                for widget in _typing_widgets(screen, tabs and tabs.get_pane(pane)):
                    if not widget.is_on_screen and not widget.display:
                        continue
                    widget.focus()
                    await pilot.pause()
                    if app.focused is not widget:
                        continue  # hidden (a collapsed section)
                    await pilot.press(area.key)
                    assert app.current_mode == area.mode, f"{widget.id} let {area.key} through"
                    await pilot.press("escape")
                    await pilot.pause()
                    assert app.focused is None, f"escape stayed in {area.mode} #{widget.id}"
                    checked.setdefault(type(widget), (tabs, pane, widget))
            if not screen.query("Input, TextArea"):
                continue
            assert checked, f"no input of {area.mode} could be focused"
            await pilot.press(other.key)  # focus is nowhere now: the digit switches
            await pilot.pause()
            assert app.current_mode == other.mode, f"a digit after escape in {area.mode}"
            await pilot.press(f"f{area.key}")
            await pilot.pause()
            assert app.current_mode == area.mode
            for tabs, pane, widget in checked.values():
                if tabs is not None:
                    tabs.active = pane
                    await pilot.pause()
                widget.focus()
                await pilot.pause()
                assert app.focused is widget
                await pilot.press(f"f{other.key}")  # priority: leaves the input too
                await pilot.pause()
                assert app.current_mode == other.mode, f"f{other.key} stayed in #{widget.id}"
                await pilot.press(f"f{area.key}")
                await pilot.pause()
                assert app.current_mode == area.mode
                await pilot.press("escape")  # the input has the focus again: leave it
                await pilot.pause()


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
