"""The Recipes screen, driven with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable, Log, Static, TextArea

from screens.app import TuiFtApp
from tests.apps import local_app, settle


def _app(root) -> TuiFtApp:
    return local_app(root, "recipes")


async def test_lists_validates_dry_runs_and_saves(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        recipes = screen.query_one("#recipe-table", DataTable)
        names = [recipes.get_row_at(i)[0] for i in range(recipes.row_count)]
        assert "demo" in names and "qwen3-8b-toolcall" in names
        steps = screen.query_one("#step-table", DataTable)
        assert steps.row_count == 7 and steps.get_row_at(3)[2] == "train"

        editor = screen.query_one("#recipe-editor", TextArea)
        good = editor.text
        editor.text = good.replace("type: gguf", "type: ggfu")
        await pilot.click("#validate")
        status = str(screen.query_one("#recipe-status", Static).render())
        assert "unknown type 'ggfu'" in status and "step 'ggfu'" in status
        await pilot.click("#save")  # an invalid recipe is never saved
        assert not (tmp_path / "recipes").exists()

        editor.text = good
        await pilot.click("#dry-run")
        await settle(app, pilot)
        log = "\n".join(screen.query_one("#recipe-log", Log).lines)
        assert "train: $ " in log and "--follow" in log

        screen.query_one("#recipe-name").value = "mine"
        await pilot.click("#save")
        await settle(app, pilot)
        assert (tmp_path / "recipes" / "mine.yaml").read_text() == good
        names = [recipes.get_row_at(i)[0] for i in range(recipes.row_count)]
        assert "mine" in names


async def test_record_session_as_recipe(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        app.recorder.record("check", model=f"{tmp_path}/models/m")
        app.recorder.record("gguf", model=f"{tmp_path}/exports/r", out=f"{tmp_path}/r.gguf")
        app.screen.query_one("#recipe-name").value = "session"
        await pilot.click("#record")
        await pilot.pause()
        text = app.screen.query_one("#recipe-editor", TextArea).text
        assert "model: ${workspace}/models/m" in text
        assert app.screen.query_one("#step-table", DataTable).row_count == 2


def test_recipes_screen_snapshot(tmp_path, snap_compare):
    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.pause(0.2)

    assert snap_compare(_app(tmp_path), terminal_size=(140, 45), run_before=run_before)
