"""The Environment screen, driven with Pilot, and its snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from screens.app import TuiFtApp
from tests.apps import local_app, until
from tests.env.conftest import write_sharded_model
from tui_ft.checks.base import CheckResult
from tui_ft.models.listing import ModelEntry
from tui_ft.models.report import FileEntry, ModelReport

SNAP_DIR = Path(__file__).parent


def make_app(root) -> TuiFtApp:
    return local_app(root, "env")


def cells(table, col: int) -> list[str]:
    return [str(table.get_row_at(i)[col]) for i in range(table.row_count)]


async def test_checks_verify_with_progress_and_export(demo_copy):
    app = make_app(demo_copy)
    async with app.run_test(size=(140, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        checks = screen.query_one("#checks-table")
        names = cells(checks, 1)
        assert {"python", "torch", "cuda", "nvidia", "disk: workspace"} <= set(names)
        status = dict(zip(names, cells(checks, 0), strict=True))
        assert status["python"] == "ok" and status["nvidia"] in ("WARN", "ok")
        assert "failed" in str(screen.query_one("#checks-summary").render())

        assert screen.query_one("#model-select").value.endswith("tiny-llama-demo")
        await pilot.click("#sha256")
        await pilot.click("#verify")
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = screen.query_one("#verify-progress")
        size = (demo_copy / "models" / "tiny-llama-demo" / "model.safetensors").stat().st_size
        assert bar.total is not None and bar.total > size and bar.progress == bar.total
        files = screen.query_one("#files-table")
        assert "model.safetensors" in cells(files, 1) and set(cells(files, 2)) == {"ok"}
        summary = str(screen.query_one("#verify-summary").render())
        assert "tiny-llama-demo: OK" in summary and "sha256 checked" in summary
        from tui_ft.models.listing import list_models

        assert [m.state for m in list_models(app.workspace)] == ["ok"]  # remembered

        await pilot.press("e")
        await app.workers.wait_for_complete()  # the report is written in a worker
        await pilot.pause()
        exported = list((demo_copy / "exports").glob("env-report-*.json"))
        doc = json.loads(exported[0].read_text())
        assert doc["model"]["status"] == "ok" and {c["name"] for c in doc["checks"]} >= {"cuda"}


async def test_verify_any_path_shows_the_broken_shard(demo_copy, tmp_path):
    model = write_sharded_model(tmp_path / "elsewhere")
    shard = model / "model-00002-of-00003.safetensors"
    shard.write_bytes(shard.read_bytes()[:-64])
    app = make_app(demo_copy)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        # Focus first, then type: a path typed before the field has the focus reaches the
        # app, where its digits switch areas (a click could land before the layout did).
        field = app.screen.query_one("#model-path", Input)
        field.focus()
        await until(pilot, lambda: app.focused is field, "the model path field")
        await pilot.press(*str(model))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = app.screen.query_one("#files-table")
        rows = {
            r[1]: (str(r[2]), r[3]) for r in (files.get_row_at(i) for i in range(files.row_count))
        }
        assert rows[shard.name][0] == "FAIL" and "truncated" in rows[shard.name][1]
        assert "FAIL" in str(app.screen.query_one("#verify-summary").render())


FIXED_CHECKS = [
    CheckResult("python", "ok", "Python 3.11.7"),
    CheckResult("torch", "ok", "torch 2.5.1+cu124, built for CUDA 12.4"),
    CheckResult("cuda", "ok", "CUDA available: 1 device(s): NVIDIA H100 80GB HBM3; bf16 supported"),
    CheckResult("nvidia", "ok", "driver 550.54.15, 1 GPU(s)"),
    CheckResult(
        "gpu0",
        "warn",
        "NVIDIA H100 80GB HBM3: 70.0G of 80.0G used (processes 4242)",
        "stop the other jobs first",
    ),
    CheckResult(
        "llamafactory", "fail", "LLaMA-Factory not installed", "pip install 'tui-ft[train]'"
    ),
    CheckResult("disk: workspace", "ok", "120.0G free of 200.0G", group="disk"),
]
FIXED_OVERVIEW = [
    ("models", "/data/tui-ft/models", "present"),
    ("datasets", "/data/tui-ft/datasets", "present"),
    ("runs", "/data/tui-ft/runs", "present"),
    ("exports", "/data/tui-ft/exports", "missing"),
    ("disk", "/data/tui-ft", "120.0G free of 200.0G"),
]


FIXED_REPORT = ModelReport(
    "/data/tui-ft/models/tiny-llama-demo",
    files=[
        FileEntry("config.json", 717),
        FileEntry("model.safetensors", 822_700),
        FileEntry("tokenizer.model", 15_100),
    ],
)
FIXED_MODELS = [
    ModelEntry("/data/tui-ft/models/tiny-llama-demo", "tiny-llama-demo", 838_517, 3, "ok")
]


def test_snapshot_environment(snap_compare, demo_copy):
    """Fixed check results (a GPU box's), the real verification of the demo model."""
    app = make_app(demo_copy)

    async def run_before(pilot) -> None:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()  # VerifyDone refreshes the model list: let that finish too
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        # Then fixed results in place of the real ones: the demo's built files (their
        # sizes, the list itself) change with library versions, not with this screen.
        screen.on_environment_screen_verify_done(screen.VerifyDone(FIXED_REPORT))
        await app.workers.wait_for_complete()  # VerifyDone reloads the model list
        await pilot.pause()
        screen.on_environment_screen_checks_done(screen.ChecksDone(FIXED_CHECKS))
        screen.on_environment_screen_overview(screen.Overview(FIXED_OVERVIEW, FIXED_MODELS))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(130, 60), run_before=run_before)


def fast_timers(app) -> list[str]:
    """Timers that wake the app more than twice a second (animations), by widget."""
    found = []
    for node in [app, *app._registry]:
        for timer in list(getattr(node, "_timers", [])):
            if timer._active.is_set() and timer._interval < 0.5:
                found.append(f"{type(node).__name__}#{node.id}: {timer.name}")
    return found


async def test_idle_environment_animates_nothing(demo_copy):
    """No animation without work: the hidden verify bar neither animates nor ticks."""
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        assert fast_timers(app) == []
        bar = app.screen.query_one("#verify-progress")
        assert not [t for t in bar._timers if t._active.is_set()]  # no 1 s ETA tick either
