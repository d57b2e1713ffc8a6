"""Every area at 80×24 and 120×40, as SVG snapshots, over the demo workspace.

Machine-independent on purpose: the workspace is the relative path `ws` (the test runs
in its parent folder), the Environment shows fixed check results and a fixed model
list, and every table has fixed column widths.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screens.areas import AREAS
from tests.apps import local_app
from tests.env.test_screen import FIXED_CHECKS
from tui_ft.models.listing import ModelEntry

SIZES = [(80, 24), (120, 40)]
FIXED_OVERVIEW = [
    ("models", "ws/models", "present"),
    ("datasets", "ws/datasets", "present"),
    ("runs", "ws/runs", "present"),
    ("exports", "ws/exports", "present"),
    ("disk", "ws", "120.0G free of 200.0G"),
]
FIXED_MODELS = [ModelEntry("ws/models/tiny-llama-demo", "tiny-llama-demo", 6_500_000, 6, "ok")]


@pytest.fixture
def relative_demo(demo_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    shutil.copytree(demo_workspace, tmp_path / "ws")
    monkeypatch.chdir(tmp_path)
    return "ws"


async def _fixed_environment(pilot) -> None:
    screen = pilot.app.screen
    screen.on_environment_screen_checks_done(screen.ChecksDone(FIXED_CHECKS))
    screen.on_environment_screen_overview(screen.Overview(FIXED_OVERVIEW, FIXED_MODELS))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", [a.mode for a in AREAS])
def test_area_snapshot(snap_compare, relative_demo, mode: str, size: tuple[int, int]):
    app = local_app(relative_demo, mode)

    async def run_before(pilot) -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if mode == "env":
            await _fixed_environment(pilot)
        app.set_focus(None)  # no blinking cursor in the picture
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_esc_digit_is_alt_digit_as_tmux_sends_it():
    """tmux sends alt+3 as ESC 3: the app must read alt+3 (an area key), not "£"."""
    from textual import events
    from textual._xterm_parser import XTermParser

    local_app("ws")  # the app reads ESC-digit as alt-digit from its construction on
    for digit in "1234567":
        parser = XTermParser()
        tokens = [*parser.feed(f"\x1b{digit}"), *parser.feed("")]
        keys = [t.key for t in tokens if isinstance(t, events.Key)]
        assert keys == [f"alt+{digit}"], keys


async def test_alt_digit_switches_area_from_inside_an_input(demo_copy: Path):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#f-lora_rank")
        field.focus()
        before = field.value
        await pilot.press("alt+5")
        await pilot.pause()
        assert app.current_mode == "evaluate"
        await pilot.press("alt+3")
        await pilot.pause()
        assert app.current_mode == "train" and field.value == before  # nothing typed
