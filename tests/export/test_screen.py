"""The Export & GGUF screen driven with Pilot: pick the demo model, convert, see results."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Select, Static

from screens.app import TuiFtApp
from tests.apps import local_app

pytestmark = pytest.mark.gguf


def make_app(root) -> TuiFtApp:
    return local_app(root, "export")


async def settle(pilot, screen) -> None:
    """Let the screen drain the worker's messages: the job is over when Convert is back."""
    for _ in range(200):
        await pilot.pause(0.05)
        if not screen.query_one("#convert", Button).disabled:
            return


async def test_convert_the_demo_model_from_the_screen(demo_copy: Path, tools):
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        model = demo_copy / "models" / "tiny-llama-demo"
        pick = screen.query_one("#pick", Select)
        pick.value = f"model:{model}"
        await pilot.pause()
        out = demo_copy / "exports" / "tiny-llama-demo-gguf" / "tiny-llama-demo-f16.gguf"
        assert screen.query_one("#gguf-source", Input).value == str(model)
        assert screen.query_one("#gguf-out", Input).value == str(out)
        screen.query_one("#quant", Select).value = "Q8_0"
        await pilot.click("#convert")
        await pilot.pause()
        assert screen.query_one("#convert", Button).disabled  # busy while it runs
        await app.workers.wait_for_complete()
        await settle(pilot, screen)
        table = screen.query_one("#results", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        log = "\n".join(line.text for line in screen.query_one("#log").lines)
        expect = ["tiny-llama-demo-f16.gguf", "tiny-llama-demo-Q8_0.gguf"]
        assert [r[0] for r in rows] == expect, log[-2000:]
        assert out.exists() and out.with_name("tiny-llama-demo-Q8_0.gguf").exists()
        report = str(screen.query_one("#verify-report", Static).render())
        assert "architecture llama · 21 tensors · vocabulary 1024" in report
        assert "tokenisation = Hugging Face" in report
        preview = str(screen.query_one("#modelfile-preview", Static).render())
        assert "FROM ./tiny-llama-demo-Q8_0.gguf" in preview and 'PARAMETER stop "</s>"' in preview
        assert (out.parent / "Modelfile").exists()
        assert not screen.query_one("#convert", Button).disabled


async def test_failed_conversion_is_reported_on_screen(demo_copy: Path, tools, tmp_path: Path):
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 60)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#gguf-source", Input).value = str(tmp_path)  # no config.json
        screen.query_one("#gguf-out", Input).value = str(tmp_path / "x.gguf")
        await pilot.click("#convert")
        await app.workers.wait_for_complete()
        await settle(pilot, screen)
        assert screen.query_one("#results", DataTable).row_count == 0
        assert not (tmp_path / "x.gguf").exists()
        log_text = "\n".join(line.text for line in screen.query_one("#log").lines)
        assert "GGUF failed" in log_text and "no config.json" in log_text


def test_export_screen_snapshot(snap_compare):
    """The form as a user first sees it (a fixed, absent workspace: nothing to list)."""
    assert snap_compare(make_app("/srv/tui-ft"), terminal_size=(140, 44))
