"""Recipe names and origins: a recording never takes a shipped recipe's name, the list says
where each recipe comes from, and an edited recipe is saved as written (comments kept)."""

from __future__ import annotations

import difflib
import os
import stat

from textual.widgets import DataTable, Input, TextArea

from tests.apps import local_app, settle, until
from tui_ft.recipes.recorder import Recorder
from tui_ft.recipes.store import free_name, recording_name

MINE = """\
# my nightly chain: check the model, then train
name: mine
description: "kept as I wrote it"

steps:
  - id: check
    type: check
    model: ${workspace}/models/m   # the base model

  # GGUF last
  - id: gguf
    type: gguf
    model: ${workspace}/exports/r
    out: ${workspace}/r.gguf
"""


def test_recording_name_is_free() -> None:
    shipped = ["demo", "qwen3-8b-toolcall"]
    assert recording_name("demo", shipped) == "demo-session"
    assert recording_name("demo", [*shipped, "demo-session"]) == "demo-session-2"
    assert recording_name("demo-session-2", [*shipped, "demo-session", "demo-session-2"]) == (
        "demo-session-3"
    )
    assert recording_name("", shipped) == "session"
    assert recording_name("session", ["session"]) == "session-2"
    assert free_name("demo-edited", shipped) == "demo-edited"


def test_recorded_values_read_back_as_recorded(tmp_path) -> None:
    rec = Recorder()
    config = {"model_name_or_path": "/m", "dataset": "identity", "learning_rate": 1e-4}
    config["run_name"] = "1e-4"  # PyYAML writes it bare; LLaMA-Factory would read a float
    rec.record("train", run="r1", config=config)
    recipe = rec.to_recipe("demo-session", str(tmp_path))
    assert recipe.steps[0].args["config"] == config  # "1e-4" stays a string, 1e-4 a number


def _rows(table: DataTable) -> list[tuple[str, str]]:
    return [tuple(map(str, table.get_row_at(i))) for i in range(table.row_count)]  # type: ignore[misc]


async def test_record_save_and_edit_keep_names_and_comments(tmp_path) -> None:
    (tmp_path / "recipes").mkdir()
    mine = tmp_path / "recipes" / "mine.yaml"
    mine.write_text(MINE)
    os.chmod(mine, 0o600)
    app = local_app(tmp_path, "recipes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#recipe-table", DataTable)
        rows = _rows(table)
        assert ("demo", "shipped") in rows and ("mine", "workspace") in rows
        name = screen.query_one("#recipe-name", Input)
        editor = screen.query_one("#recipe-editor", TextArea)
        assert name.value == "demo"  # the first (shipped) recipe is open

        # Record session while the shipped demo is open: a name of its own
        app.recorder.record("check", model=f"{tmp_path}/models/m")
        await pilot.click("#record")
        await pilot.pause()
        assert name.value == "demo-session"
        await pilot.click("#save")
        await until(pilot, lambda: ("demo-session", "workspace") in _rows(table), "listed")
        assert _rows(table)[table.cursor_row][0] == "demo-session"  # the saved one in view
        assert [r for r in _rows(table) if r[0] == "demo"] == [("demo", "shipped")]
        await pilot.click("#record")
        await pilot.pause()
        assert name.value == "demo-session-2"  # the first recording is listed now

        # saving under a shipped name would list two "demo": refused, a free name offered
        editor.text = (tmp_path / "recipes" / "demo-session.yaml").read_text()
        name.value = "demo"
        await pilot.click("#save")
        await settle(app, pilot)
        assert not (tmp_path / "recipes" / "demo.yaml").exists()
        assert name.value == "demo-edited"

        # an edited workspace recipe keeps its comments, its mode and every other line
        table.move_cursor(row=[r[0] for r in _rows(table)].index("mine"))
        table.action_select_cursor()
        await until(pilot, lambda: editor.text == MINE, "mine opened")
        assert name.value == "mine"
        editor.text = MINE.replace("out: ${workspace}/r.gguf", "out: ${workspace}/r-q8.gguf")
        await pilot.click("#save")
        await until(pilot, lambda: mine.read_text() != MINE, "saved")
    diff = [
        line
        for line in difflib.unified_diff(MINE.splitlines(), mine.read_text().splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert diff == ["-    out: ${workspace}/r.gguf", "+    out: ${workspace}/r-q8.gguf"]
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
