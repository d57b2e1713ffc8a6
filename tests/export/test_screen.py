"""The Export & GGUF screen driven with Pilot: the pipeline in a worker, its quality table,
pre-flight and template panels, and i-quants offered only with an importance matrix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static, TabbedContent
from textual.widgets.select import InvalidSelectValueError

from screens.app import TuiFtApp
from screens.export_gguf import GGUFForm
from screens.export_work import GGUFOutcome
from tests.apps import local_app
from tui_ft.gguf.pipeline import FallbackGroup, FileRow, GGUFRun
from tui_ft.gguf.preflight import Preflight, PreflightItem
from tui_ft.gguf.template_check import CheckItem, TemplateReport


def make_app(root) -> TuiFtApp:
    return local_app(root, "export")


async def run_job(pilot, screen) -> None:
    """Escape the form, press `g`, and wait for the worker and its last message."""
    await pilot.press("escape", "g")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for _ in range(600):  # the worker's messages drain: Convert is enabled again
        await pilot.pause(0.1)
        if not screen.query_one("#convert", Button).disabled:
            return
    raise AssertionError("the GGUF job did not finish")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def log_text(screen) -> str:
    return "\n".join(line.text for line in screen.query_one("#log").lines)


@pytest.mark.gguf
async def test_gguf_with_quality_table_and_checks(demo_copy: Path, tools):
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        model = demo_copy / "models" / "tiny-llama-demo"
        screen.query_one("#pick", Select).value = f"model:{model}"
        await pilot.pause()
        out = demo_copy / "exports" / "tiny-llama-demo-gguf" / "tiny-llama-demo-f16.gguf"
        assert screen.query_one("#gguf-out", Input).value == str(out)
        screen.query_one("#quant", Select).value = "Q8_0"
        screen.query_one("#ppl", Input).value = str(demo_copy / "datasets" / "identity_demo.json")
        await run_job(pilot, screen)
        table = screen.query_one("#results", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [(r[0], r[-1]) for r in rows] == [
            ("f16", "tiny-llama-demo-f16.gguf"),
            ("Q8_0", "tiny-llama-demo-Q8_0.gguf"),
        ], log_text(screen)[-2000:]
        assert rows[0][2] == "16.02" and float(rows[1][2]) < 9  # bits per weight
        assert all(float(r[3]) > 1 for r in rows)  # perplexity on the held-out tenth
        assert screen.query_one("#export-tabs", TabbedContent).active == "tab-quality"
        await pilot.press("k")  # the Checks tab
        assert screen.query_one("#export-tabs", TabbedContent).active == "tab-checks"
        preflight = text(screen, "#preflight")
        assert "✓ architecture: LlamaForCausalLM is supported" in preflight
        assert "✗" not in preflight
        assert "template default: matches" in text(screen, "#template-check")
        assert "tokenisation = Hugging Face" in text(screen, "#verify-report")
        assert "FROM ./tiny-llama-demo-Q8_0.gguf" in text(screen, "#modelfile-preview")


@pytest.mark.gguf
async def test_failed_preflight_shows_what_failed_and_the_fix(demo_copy: Path, tools):
    model = demo_copy / "models" / "tiny-llama-demo"
    config = json.loads((model / "config.json").read_text())
    config["architectures"] = ["NoSuchModelForCausalLM"]
    (model / "config.json").write_text(json.dumps(config))
    app = make_app(demo_copy)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#pick", Select).value = f"model:{model}"
        await pilot.pause()
        await run_job(pilot, screen)
        assert screen.query_one("#export-tabs", TabbedContent).active == "tab-checks"
        preflight = text(screen, "#preflight")
        assert "✗ architecture: NoSuchModelForCausalLM is not among" in preflight
        assert "fix: upgrade llama-cpp-python" in preflight
        assert screen.query_one("#results", DataTable).row_count == 0
        assert not list((demo_copy / "exports").rglob("*.gguf"))
        await pilot.press("l")  # the log tab has the one-line error
        await pilot.pause()
        assert "GGUF failed" in log_text(screen) and "fix: upgrade" in log_text(screen)


async def test_iquants_are_offered_only_with_an_importance_matrix(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        quant = screen.query_one("#quant", Select)
        hint = screen.query_one("#iq-hint", Static)
        with pytest.raises(InvalidSelectValueError):
            quant.value = "IQ4_XS"  # not on offer
        assert hint.display and "need an importance matrix" in str(hint.render())
        screen.query_one("#imatrix", Input).focus()
        await pilot.press(*"data.json")
        await pilot.pause()
        quant.value = "IQ4_XS"
        assert not hint.display
        await pilot.press(*["backspace"] * len("data.json"))
        await pilot.pause()
        assert quant.is_blank() and hint.display  # the i-quant went with the matrix


async def test_adapter_picker_fills_the_form_for_an_adapter_gguf(tmp_path: Path):
    from screens.pickers.base import Picker

    run = tmp_path / "runs" / "20261125-100000-run-a"
    (run / "output").mkdir(parents=True)
    (run / "output" / "adapter_config.json").write_text("{}")
    (run / "training_args.yaml").write_text(
        f"model_name_or_path: {tmp_path}/models/base\ntemplate: qwen\n"
    )
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("escape", "ctrl+o")  # focus nowhere: the adapter picker
        for _ in range(300):
            await pilot.pause(0.1)
            if isinstance(app.screen, Picker) and app.screen.shown:
                break
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        value = lambda wid: screen.query_one(f"#{wid}", Input).value  # noqa: E731
        assert value("adapter") == str(run / "output")
        assert (value("model"), value("template")) == (f"{tmp_path}/models/base", "qwen")
        assert screen.query_one("#no-merge", Checkbox).value  # an adapter GGUF, no merge
        out = tmp_path / "exports" / "20261125-100000-run-a-gguf"
        assert value("gguf-out") == str(out / "20261125-100000-run-a-adapter.gguf")
        screen.query_one("#no-merge", Checkbox).focus()  # merge first instead: the merged f16
        await pilot.press("space")
        await pilot.pause()
        assert value("gguf-out").endswith("run-a-merged-gguf/20261125-100000-run-a-merged-f16.gguf")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_export_screen_snapshot(snap_compare, size):
    """The form as a user first sees it (a fixed, absent workspace: nothing to list)."""
    assert snap_compare(make_app("/srv/tui-ft"), terminal_size=size)


def fixed_outcome() -> GGUFOutcome:
    """A finished run with fixed numbers (no machine's sizes, paths or timings)."""
    files = [
        FileRow("/srv/x/demo-f16.gguf", "f16", 435_404, 16.02, 7.412),
        FileRow("/srv/x/demo-Q4_K_M.gguf", "Q4_K_M", 195_379, 6.65, 7.598,
                [FallbackGroup("attn_q", "Q4_K", "Q5_0", 2, 5.5)]),
    ]  # fmt: skip
    checks = [
        PreflightItem("architecture", True, "LlamaForCausalLM is supported"),
        PreflightItem("disk", False, "about 9G needed, 2G free", "free space on /srv"),
    ]
    report = TemplateReport(
        "default",
        "p",
        "p",
        None,
        seconds=0.8,
        items=[CheckItem("BOS", False, "GGUF adds BOS", "--template default")],
    )
    run = GGUFRun(mode="model", files=files, preflight=Preflight(checks), template="default",
                  template_check=report, imatrix="/srv/x/demo-f16.imatrix.gguf")  # fmt: skip
    return GGUFOutcome(run=run, preflight=run.preflight)


@pytest.mark.parametrize("tab", ["u", "k"])
def test_export_results_snapshot(snap_compare, tab):
    """The quality table and the check panels of a finished run, at 120x40."""

    async def finished(pilot) -> None:
        pilot.app.screen.post_message(GGUFForm.ConvertDone(fixed_outcome()))
        await pilot.pause()
        await pilot.press(tab)

    assert snap_compare(make_app("/srv/tui-ft"), terminal_size=(120, 40), run_before=finished)
