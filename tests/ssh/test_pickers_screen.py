"""The Train form's pickers over SSH: the lists are the box's (its workspace's models and
registered datasets), read in workers through the real sshd, chosen by keys alone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from screens.pickers.base import Picker
from tests.ssh.test_link_tui import box_app
from tests.train.test_pickers_screen import picker_rows, until


async def test_model_and_dataset_pickers_list_the_box(ssh_host, box_demo_copy: Path):
    root = str(box_demo_copy)
    app = box_app(ssh_host, root, mode="train")
    async with app.run_test(size=(120, 40)) as pilot:
        model = app.screen.query_one("#f-model_name_or_path", Input)
        await until(pilot, lambda: model.value, "the box's first model", timeout=120)
        await pilot.press("escape", "ctrl+o")
        await until(pilot, lambda: picker_rows(app), "the box's models", timeout=120)
        assert "tiny-llama-demo" in picker_rows(app)[0]
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the model picked")
        assert model.value == f"{root}/models/tiny-llama-demo"

        await pilot.press("tab", "tab", "ctrl+o")
        await until(pilot, lambda: picker_rows(app), "the box's datasets", timeout=120)
        assert any(r.startswith("ok ") and "identity_demo" in r for r in picker_rows(app))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the picker closed")


async def test_adapter_picker_lists_the_box_runs(ssh_host, box, box_demo_copy: Path):
    from tests.evaluate.test_screen import fake_run_with_adapters

    fake_run_with_adapters(box_demo_copy, "20261125-100000-run-a", 1.2345)
    box.chown(box_demo_copy)
    root = str(box_demo_copy)
    app = box_app(ssh_host, root, mode="evaluate")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape", "ctrl+o")
        await until(pilot, lambda: picker_rows(app), "the box's adapters", timeout=120)
        rows = picker_rows(app)
        assert len(rows) == 2 and all("finished" in r and "1.2345" in r for r in rows), rows
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the adapter picked")
        adapter = app.screen.query_one("#chat-adapter", Input).value
        assert adapter == f"{root}/runs/20261125-100000-run-a/output"
