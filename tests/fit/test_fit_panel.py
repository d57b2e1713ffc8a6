"""The Train form's fit line with Pilot: it follows the fields, and Launch warns once when the
estimate says the run won't fit (the next press launches anyway)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from screens.train_fit import FitPanel
from screens.train_form import TrainForm
from tests.apps import local_app, until
from tests.train.conftest import demo_config
from tui_ft.train import list_runs
from tui_ft.workspace import Workspace


@pytest.fixture
def small_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Judged against a planned GPU with 64 MiB free (the line's estimate runs in a child
    process, which reads the same setting)."""
    monkeypatch.setenv("TUI_FT_FIT_FREE", "64MiB")


async def test_fit_line_follows_the_form_and_launch_warns_once(demo_copy: Path, small_gpu) -> None:
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = app.screen.query_one(TrainForm)
        form.set_config(demo_config(demo_copy))
        panel = app.screen.query_one(FitPanel)
        await until(pilot, lambda: "won't fit" in str(panel.render()), "the fit line's verdict")
        first = str(panel.render())
        assert "per GPU" in first and "64 MiB free on GPU 0" in first

        before = panel.report.estimate
        form.query_one("#f-cutoff_len", Input).value = "8"  # shorter rows: a smaller estimate
        await until(pilot, lambda: panel.report.estimate.seq_len == 8, "a new estimate")
        assert panel.report.estimate.part("activations") < before.part("activations")

        app.set_focus(None)
        await pilot.press("l")
        await pilot.pause()
        errors = str(app.screen.query_one("#train-errors", Static).render())
        assert "won't fit" in errors and "again to launch anyway" in errors
        assert "DeepSpeed ZeRO-3 with CPU offload" in errors or "4-bit" in errors
        assert list_runs(Workspace(app.host, str(demo_copy))) == []  # nothing launched
        # the same config again: no second warning, Launch goes ahead
        assert panel.blocks(app.screen.current_config()) is None
