"""The Datasets screen with Pilot: pick, detect, findings, register, list; and a snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from screens.app import TuiFtApp
from tests.apps import local_app


def make_app(root) -> TuiFtApp:
    return local_app(root, "datasets")


def cells(table, col: int) -> list[str]:
    return [str(table.get_row_at(i)[col]) for i in range(table.row_count)]


async def _pick_identity(app, pilot, root: Path) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.screen.query_one("#ds-file").value = str(root / "datasets" / "identity.json")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_pick_detect_register_and_list(demo_copy):
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 50)) as pilot:
        await _pick_identity(app, pilot, demo_copy)
        screen = app.screen
        summary = str(screen.query_one("#ds-summary").render())
        assert "detected alpaca" in summary and "21 records" in summary
        assert "{{author}}, {{name}}" in summary
        findings = screen.query_one("#ds-findings")
        assert findings.row_count == 21 and "placeholder" in cells(findings, 3)[0]
        preview = str(screen.query_one("#ds-preview").render())
        assert "record 0" in preview and "I am {{name}}" in preview
        entry = json.loads(screen.query_one("#ds-entry").text)
        assert entry["columns"]["response"] == "output"

        await pilot.click("#ds-next")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "record 5" in str(screen.query_one("#ds-preview").render())

        screen.query_one("#ds-name").value = "identity_mine"
        await pilot.press("escape", "g")  # the Register key (a toast may cover the button)
        await app.workers.wait_for_complete()
        await pilot.pause()
        info = json.loads((demo_copy / "datasets" / "dataset_info.json").read_text())
        assert info["identity_mine"]["file_name"] == "identity.json"
        assert "identity_demo" in info
        registered = screen.query_one("#ds-registered")
        health = dict(zip(cells(registered, 0), cells(registered, 2), strict=True))
        assert health == {"identity_demo": "ok", "identity_mine": "ok"}
        # Recorded for "Record session" on the Recipes screen.
        step = app.recorder.steps[-1]
        assert (step["type"], step["name"]) == ("dataset", "identity_mine")
        assert step["file"].endswith("identity.json")

        # Someone edits dataset_info.json meanwhile: a second registration is refused.
        path = demo_copy / "datasets" / "dataset_info.json"
        path.write_text(path.read_text().replace("identity_demo", "renamed_by_someone"))
        screen.query_one("#ds-name").value = "another"
        await pilot.press("escape", "g")  # the Register key (a toast may cover the button)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "another" not in json.loads(path.read_text())
        # The refusal reloads the list in a second worker, started by a message: wait for it.
        for _ in range(200):
            if "renamed_by_someone" in cells(screen.query_one("#ds-registered"), 0):
                break
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        assert "renamed_by_someone" in cells(screen.query_one("#ds-registered"), 0)


async def test_fill_writes_a_filled_copy(demo_copy):
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 50)) as pilot:
        await _pick_identity(app, pilot, demo_copy)
        screen = app.screen
        screen.query_one("#ds-fill-name").value = "Nova"
        screen.query_one("#ds-fill-author").value = "Lab"
        await pilot.click("#ds-fill")
        await app.workers.wait_for_complete()
        await pilot.pause()
        filled = json.loads((demo_copy / "datasets" / "identity_filled.json").read_text())
        assert filled[2]["output"] == "I am Nova, an AI assistant developed by Lab."
        await app.workers.wait_for_complete()
        await pilot.pause()
        options = [str(o[0]) for o in screen.query_one("#ds-file")._options]
        assert "identity_filled.json" in options


async def test_broken_file_shows_the_error(demo_copy):
    bad = demo_copy / "datasets" / "broken.json"
    bad.write_text('[{"instruction": "a" "output": "b"}]')
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#ds-path").value = str(bad)
        await pilot.click("#ds-lint")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = [screen.query_one("#ds-findings").get_row_at(0)]
        assert "L1" in str(rows[0][1]) and "parse" in str(rows[0][3])


def test_snapshot_datasets(snap_compare, demo_copy):
    app = make_app(demo_copy)

    async def run_before(pilot) -> None:
        await _pick_identity(app, pilot, demo_copy)

    assert snap_compare(app, terminal_size=(150, 48), run_before=run_before)
