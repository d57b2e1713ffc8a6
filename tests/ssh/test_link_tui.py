"""The TUI over SSH through a proxy that cuts and freezes the link: every area rides it
out (the app stays up and says "reconnecting…"), and works again when the link returns."""

# ruff: noqa: F811 - the fixtures imported below are test parameters
from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Static

from screens.app import TuiFtApp
from screens.areas import AREAS
from screens.link import LinkBanner
from tests.ssh.proxy import LinkProxy, link_proxy, proxied_host  # noqa: F401
from tui_ft.config import Config
from tui_ft.workspace import Workspace

SIZE = (120, 40)


def box_app(host, root: Path | str, mode: str = "env") -> TuiFtApp:
    return TuiFtApp(
        config=Config(workspace=str(root)),
        host=host,
        workspace=Workspace(host, str(root)),
        start_mode=mode,
    )


async def until(pilot, cond: Callable[[], object], timeout: float = 60.0, what: str = "") -> None:
    """Wait for `cond()` while the app runs (generous: a loaded 2-core machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert pilot.app.is_running, f"the app exited while waiting for {what}"
        if cond():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def banner(app: TuiFtApp) -> LinkBanner:
    return app.screen.query_one(LinkBanner)


def banner_shown(app: TuiFtApp) -> bool:
    b = banner(app)
    return b.display and "reconnecting…" in str(b.render())


def enabled_buttons(app: TuiFtApp) -> list[str]:
    return [b.id or str(b.label) for b in app.screen.query(Button) if not b.disabled]


async def type_into_first_input(pilot) -> tuple[Input, str] | None:
    """Type into the area's first visible free-text input: (the field, its value)."""
    for field in pilot.app.screen.query(Input):
        if field.region.area and not field.disabled and field.type == "text" and not field.restrict:
            field.focus()
            await pilot.press("end", *"keep")
            if "keep" in field.value:
                return field, field.value
    return None


async def ride_out(pilot, proxy: LinkProxy, how: str) -> None:
    """Break the link `how` ("cut" or "freeze"), check the area pauses, restore it."""
    app = pilot.app
    before = enabled_buttons(app)
    getattr(proxy, how)()
    await until(pilot, lambda: banner_shown(app), 30, f"the banner after a {how}")
    assert "attempt" in str(banner(app).render())
    await until(pilot, lambda: not enabled_buttons(app), 10, "buttons disabled while down")
    await pilot.press("tab", "tab")  # keys still work; nothing crashes
    proxy.restore()
    await until(pilot, lambda: app.host.link_state == "up", 60, "the link back")
    await until(pilot, lambda: not banner(app).display, 10, "the banner gone")
    await until(pilot, lambda: set(before) <= set(enabled_buttons(app)), 10, "buttons back")
    assert app.is_running and app.return_code is None


async def test_every_area_rides_out_the_link(proxied_host, link_proxy, box_demo_copy):
    """Each area, while open, rides out a fault: a cut and a freeze in turn (the areas meet
    both kinds at random in `test_random_cuts_during_a_keyboard_journey` below)."""
    app = box_app(proxied_host, box_demo_copy)
    async with app.run_test(size=SIZE) as pilot:
        kept: list[str] = []
        for i, area in enumerate(AREAS):
            how = ("cut", "freeze")[i % 2]
            await pilot.press(f"f{area.key}")
            await until(pilot, lambda a=area: app.current_mode == a.mode, 30, area.mode)
            await pilot.pause(0.5)  # the area's first workers start on the box
            typed = await type_into_first_input(pilot)
            await ride_out(pilot, link_proxy, how)
            if typed is not None:  # what the user typed is still there
                field, value = typed
                kept.append(area.mode)
                assert field.value == value and "keep" in value, (area.mode, field.value)
            await pilot.press("escape")
            assert app.current_mode == area.mode
        assert len(kept) >= 3, kept  # the forms of several areas were typed into
        # the areas work again: the Runs table and the Environment checks reload
        await pilot.press("f4")
        await until(pilot, lambda: app.current_mode == "runs", 30, "runs")
        app.screen.query_one("#runs-message", Static).update("")
        await pilot.press("escape", "r")
        await until(
            pilot,
            lambda: "no runs yet" in str(app.screen.query_one("#runs-message", Static).render()),
            60,
            "the Runs area reading the box again",
        )
        await pilot.press("f1", "r")
        await until(
            pilot,
            lambda: app.screen.query_one("#checks-table", DataTable).row_count > 0,
            120,
            "the environment checks after the link came back",
        )
    assert app.return_code in (None, 0)


def test_banner_text_counts_attempts():
    from tui_ft.host.base import LinkStatus

    status = LinkStatus("reconnecting", 3, time.monotonic() + 4.2)
    assert status.describe() in (
        "reconnecting… (attempt 3, next in 4s)",
        "reconnecting… (attempt 3, next in 5s)",
    )
    assert LinkStatus("reconnecting", 1).describe() == "reconnecting… (attempt 1, now)"


KEYS = ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "tab", "escape", "r", "down", "up", "space")


async def test_random_cuts_during_a_keyboard_journey(proxied_host, link_proxy, box, box_demo_copy):
    """Cuts and freezes at random moments (fixed seed) while keys go through the areas:
    the app ends alive, and the Runs area lists every run of the box."""
    from tests.ssh.runs_factory import make_runs

    ids = make_runs(box_demo_copy / "runs", 6)
    box.chown(box_demo_copy / "runs")
    rng = random.Random(19)
    app = box_app(proxied_host, box_demo_copy)
    broken = ""
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(60):
            await pilot.press(rng.choice(KEYS))
            await pilot.pause(rng.uniform(0.0, 0.4))
            if rng.random() < 0.15:
                if broken:
                    link_proxy.restore()
                    broken = ""
                else:
                    broken = rng.choice(("cut", "freeze"))
                    getattr(link_proxy, broken)()
            assert app.is_running
        link_proxy.restore()
        await until(pilot, lambda: proxied_host.link_state == "up", 60, "the link back")
        await pilot.press("escape", "f4")
        await until(pilot, lambda: app.current_mode == "runs", 30, "runs")
        await pilot.press("escape", "r")
        table = app.screen.query_one(DataTable)

        def listed() -> set[str]:
            return {str(table.get_row_at(i)[1]) for i in range(table.row_count)}

        await until(pilot, lambda: set(ids) <= listed(), 60, "every run in the Runs table")
    assert app.return_code in (None, 0)


async def test_a_key_action_on_a_dead_link_leaves_the_area_working(
    proxied_host, link_proxy, box_demo_copy
):
    """`e` (export the checks) touches the box from a key handler, not a worker: with the
    link down it must fail quietly, and the area must still answer keys afterwards."""
    app = box_app(proxied_host, box_demo_copy)
    exports = box_demo_copy / "exports"
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.current_mode == "env", 30, "env")
        link_proxy.cut()
        await until(pilot, lambda: banner_shown(app), 30, "the banner")
        await pilot.press("escape", "e")
        assert app.is_running and not list(exports.glob("env-report-*.json"))
        link_proxy.restore()
        await until(pilot, lambda: proxied_host.link_state == "up", 60, "the link back")
        await pilot.press("escape", "e")
        await until(pilot, lambda: list(exports.glob("env-report-*.json")), 30, "the export")
