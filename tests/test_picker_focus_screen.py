"""Pickers hand focus back cleanly, driven by keys alone (Pilot).

Escape closes a picker as it leaves any field: focus goes nowhere, so the next area key
switches the area instead of typing into the field the picker was for. ctrl+o on a field
that has no picker says so and leaves focus where it was.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import Input

from screens.pickers.base import Picker
from tests.apps import local_app, until

# (start area, field id, keys that put focus in the field or leave it nowhere)
CASES = {
    "export-adapter": ("env", "adapter", ("escape", "6")),
    "train-model": ("train", "f-model_name_or_path", ("escape",)),
    # ctrl+o enter: the model picker picks the current model and puts focus in its field
    "train-template": ("train", "f-template", ("escape", "ctrl+o", "enter", "tab")),
    "train-datasets": ("train", "f-dataset", ("escape", "ctrl+o", "enter", "tab", "tab")),
    "chat-model": ("evaluate", "chat-model", ("escape", "tab", "tab")),
    "chat-adapter": ("evaluate", "chat-adapter", ("escape",)),
}


async def press_each(pilot, app, keys) -> None:
    """One key at a time, each one's picker opened or closed before the next."""
    for key in keys:
        was_picker = isinstance(app.screen, Picker)
        await pilot.press(key)
        if key == "ctrl+o":
            await until(pilot, lambda: isinstance(app.screen, Picker), "the picker to open")
            await until(
                pilot,
                lambda: (
                    app.screen.all_rows
                    or "reading" not in str(app.screen.query_one("#picker-state").render())
                ),
                "its rows",
            )
        elif was_picker:
            await until(pilot, lambda: not isinstance(app.screen, Picker), "the picker to close")
        await pilot.pause()


@pytest.mark.parametrize("case", list(CASES))
async def test_escape_from_a_picker_then_an_area_key_switches_area(demo_copy: Path, case):
    start, wid, to_field = CASES[case]
    app = local_app(demo_copy, start)
    async with app.run_test(size=(120, 40)) as pilot:
        if start != "env":  # the form fills its model in a worker: before any key
            await until(
                pilot,
                lambda: app.screen.query_one("#f-model_name_or_path, #chat-model", Input).value,
                "the first model",
            )
        await press_each(pilot, app, to_field)
        field = app.screen.query_one(f"#{wid}", Input)
        before = field.value
        await press_each(pilot, app, ("ctrl+o", "escape", "4"))
        await until(pilot, lambda: app.current_mode == "runs", "area 4 (Runs)", timeout=15)
        assert field.value == before, f"the {wid} field changed: {before!r} -> {field.value!r}"


@pytest.mark.parametrize("wid", ["f-dataset_dir", "f-cutoff_len"])
async def test_ctrl_o_on_a_field_without_a_picker_says_so(demo_copy: Path, wid):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = {"f-dataset_dir": 3, "f-cutoff_len": 4}[wid]
        await until(
            pilot,
            lambda: app.screen.query_one("#f-model_name_or_path", Input).value,
            "the first model",
        )
        await press_each(pilot, app, ("escape", "ctrl+o", "enter", *["tab"] * tabs))
        field = app.screen.query_one(f"#{wid}", Input)
        assert app.focused is field
        before = field.value
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, Picker), "a picker opened for a field that has none"
        assert app.focused is field, "focus left the field"
        assert field.value == before
        notes = [str(n.message) for n in app._notifications]
        assert any("no picker" in n for n in notes), notes


async def test_template_picker_lists_the_template_recorded_with_the_model_first(demo_copy: Path):
    """The demo model records `default`; a model whose name LlamaBoard does not know but
    which records `qwen` lists qwen first (alphabetically it is far down) and highlights it."""
    model = demo_copy / "models" / "tiny-llama-demo"
    (model / "tui_ft_template.json").write_text('{"template": "qwen"}\n')
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot,
            lambda: app.screen.query_one("#f-model_name_or_path", Input).value,
            "the first model",
        )
        await press_each(pilot, app, ("escape", "ctrl+o", "enter", "tab", "ctrl+o"))
        rows = [r.label for r in app.screen.shown]
        assert len(rows) > 20, rows
        assert rows[0].startswith("qwen") and "for this model" in rows[0], rows[:3]
        await press_each(pilot, app, ("enter",))
        assert app.screen.query_one("#f-template", Input).value == "qwen"


def bottom_line(app) -> str:
    """The terminal's last row as painted (the footer), read from the exported screenshot."""
    svg = app.export_screenshot()
    last = app.size.height - 1
    cells = re.findall(rf'<text [^>]*clip-path="url\(#[\w-]*line-{last}\)">([^<]*)</text>', svg)
    return html.unescape("".join(cells)).replace("\xa0", " ")


async def test_inside_a_picker_the_footer_shows_the_pickers_keys(demo_copy: Path):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot,
            lambda: app.screen.query_one("#f-model_name_or_path", Input).value,
            "the first model",
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "Filter log" in bottom_line(app)  # Train's own key, outside the picker
        await press_each(pilot, app, ("ctrl+o",))
        footer = bottom_line(app)
        assert "Close" in footer and "Filter" in footer, footer
        assert "Filter log" not in footer and "Launch" not in footer, footer
