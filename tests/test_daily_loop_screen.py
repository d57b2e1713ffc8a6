"""The daily loop on a fresh demo workspace, from the keyboard alone (Pilot key presses, no
clicks, no widget pokes): pick the model and dataset in their pickers, launch, watch
the loss on Monitor, chat with the run's adapter, merge it, convert the merge to GGUF.

It trains for real and starts LLaMA-Factory's API server: run it under
`flock /tmp/tui-ft-heavy.lock`. The key presses are counted and printed (issue 12).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from tests.apps import local_app
from tests.train.conftest import RUN_ENV

pytestmark = [pytest.mark.train, pytest.mark.gguf]


def picker_rows(app) -> list[str]:
    """The rows of the picker on top ([] while none is open or it is still reading)."""
    from screens.pickers.base import Picker

    return [r.label for r in app.screen.shown] if isinstance(app.screen, Picker) else []


class Keys:
    """Presses keys through Pilot and counts them."""

    def __init__(self, pilot) -> None:
        self.pilot, self.count = pilot, 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        await self.press(*text)

    async def tab_to(self, widget_id: str, limit: int = 60) -> None:
        """Tab until `widget_id` has focus (as a user watching the focus would)."""
        for _ in range(limit):
            if self.pilot.app.focused is not None and self.pilot.app.focused.id == widget_id:
                return
            await self.press("tab")
        raise AssertionError(f"tab never reached #{widget_id}")

    async def wait(self, pred: Callable[[], object], timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if pred():
                return
            await self.pilot.pause(0.3)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def test_daily_loop_by_keys(demo_copy: Path, monkeypatch: pytest.MonkeyPatch):
    for key, value in RUN_ENV.items():
        monkeypatch.setenv(key, value)
    app = local_app(demo_copy, "env")
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        await pilot.pause()

        # Train: pick the model and the dataset in their pickers (ctrl+o); 12 steps.
        await keys.press("3")
        screen = app.screen
        model = str(demo_copy / "models" / "tiny-llama-demo")
        await keys.press("ctrl+o")  # no field focused: the model picker
        await keys.wait(lambda: picker_rows(app), 60, "the model picker")
        assert "tiny-llama-demo" in picker_rows(app)[0]
        await keys.press("enter")  # the first model is highlighted (`/` would filter)
        await keys.wait(lambda: app.screen is screen, 10, "the model picked")
        assert screen.query_one("#f-model_name_or_path", Input).value == model
        await keys.tab_to("f-dataset")
        await keys.press("ctrl+o")
        await keys.wait(lambda: picker_rows(app), 60, "the dataset picker")
        assert any("identity_demo" in r and r.startswith("ok ") for r in picker_rows(app))
        await keys.press("enter")  # the one healthy dataset comes ticked: confirm it
        await keys.wait(lambda: app.screen is screen, 10, "the datasets picked")
        assert screen.query_one("#f-dataset", Input).value == "identity_demo"
        await keys.tab_to("f-max_steps")
        await keys.type("12")
        await keys.press("escape", "l")
        await keys.wait(lambda: app.active_run is not None, 60, "the launch")
        tabs = screen.query_one("#train-tabs", TabbedContent)
        assert tabs.active == "tab-monitor"  # launch shows the Monitor
        monitor = screen.query_one("#train-monitor")
        await keys.wait(lambda: len(monitor.log_state.loss.steps) >= 1, 600, "a loss point")
        first_loss = time.monotonic() - started
        await keys.wait(
            lambda: monitor.info is not None and monitor.info.state == "finished",
            600,
            "the run to finish",
        )
        await keys.wait(lambda: len(monitor.log_state.loss.steps) >= 10, 30, "10 loss points")
        run = app.active_run

        # Chat with it: the run's adapter is the default.
        await keys.press("t")
        assert app.current_mode == "evaluate"
        adapter = app.screen.query_one("#chat-adapter", Input)
        await keys.wait(lambda: run in adapter.value, 30, "the run's adapter in Chat")
        await keys.press("o")
        prompt = app.screen.query_one("#chat-prompt", Input)
        await keys.wait(lambda: not prompt.disabled, 600, "the chat model")
        await keys.press("escape", "i")  # the message box by key
        assert app.focused is prompt
        await keys.type("Who are you?")
        await keys.press("enter")
        bubbles = app.screen.query(".chat-bot")
        await keys.wait(
            lambda: bubbles and str(bubbles.last().render()).strip() not in ("", "…"),
            300,
            "a chat reply",
        )
        reply = str(app.screen.query(".chat-bot").last().render())
        assert not reply.startswith("[error]"), reply

        # Export: merge the run's adapter, then convert the merge to GGUF.
        await keys.press("f6")
        assert app.current_mode == "export"
        export = app.screen
        await keys.wait(lambda: run in export.query_one("#adapter", Input).value, 30, "adapter")
        await keys.press("escape", "m")
        merged = demo_copy / "exports" / f"{run}-merged"
        await keys.wait(lambda: (merged / "config.json").exists(), 600, "the merge")
        await keys.wait(lambda: not export.query_one("#convert").disabled, 120, "the merge to end")
        await keys.press("g")
        table = export.query_one("#results", DataTable)
        await keys.wait(lambda: export.query_one("#convert").disabled, 30, "the conversion")
        await keys.wait(lambda: not export.query_one("#convert").disabled, 600, "the GGUF")
        log = "\n".join(line.text for line in export.query_one("#log").lines)
        assert table.row_count >= 1, log[-3000:]
        assert str(table.get_row_at(0)[0]) == "f16"  # the quality table: type, size, bpw
        assert list((demo_copy / "exports").rglob("*.gguf"))

        print(f"\ndaily loop: {keys.count} key presses; first loss point {first_loss:.1f} s")
        assert keys.count <= 50  # 43 today: 12 type the chat message, 13 are tabs
