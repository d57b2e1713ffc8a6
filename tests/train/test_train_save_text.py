"""The Train screen saves a loaded YAML over itself changing only the field that was edited."""

from __future__ import annotations

import difflib
import os
import stat

from textual.widgets import Input, Static

from screens.train_form import TrainForm
from tests.apps import local_app, settle, until
from tests.lf.text_configs import TEXT_CONFIGS


async def test_load_edit_save_changes_one_line(tmp_path) -> None:
    text = TEXT_CONFIGS["full_ds3"]
    path = tmp_path / "full_ds3.yaml"
    path.write_text(text)
    os.chmod(path, 0o640)
    app = local_app(tmp_path, "train")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#train-yaml-path", Input).value = str(path)
        await pilot.click("#train-load")
        form = screen.query_one(TrainForm)
        cutoff = form.query_one("#f-cutoff_len", Input)
        await until(pilot, lambda: cutoff.value == "4096", "the file in the form")
        form.query_one("#f-learning_rate", Input).value = "2e-5"
        await pilot.click("#train-save")
        await until(pilot, lambda: path.read_text() != text, "saved")
        note = str(screen.query_one("#train-errors", Static).render())
        assert f"saved {path}" in note
    diff = [
        line
        for line in difflib.unified_diff(text.splitlines(), path.read_text().splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert diff == ["-learning_rate: 5.0e-5", "+learning_rate: 2.0e-5"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
