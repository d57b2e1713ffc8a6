"""The Train form's pickers, clone run and field errors, driven by keys alone (Pilot).

ctrl+o on a field opens its picker (a modal list read from the workspace), `/` filters,
Enter picks and the field is filled; `k` clones a run's saved configuration.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from screens.pickers.base import Picker
from screens.train_form import TrainForm
from tests.apps import local_app, until


def picker_rows(app) -> list[str]:
    screen = app.screen
    if not isinstance(screen, Picker):
        return []
    return [str(r.label) for r in screen.shown]


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


def seen(app, word: str) -> tuple[int, str] | None:
    """Where the user sees `word` on the terminal, as (row, text colour): read from the
    exported screenshot, so it holds exactly what is painted, screens behind a modal too."""
    svg = app.export_screenshot()
    colours = dict(re.findall(r"\.([\w-]+) \{ fill: (#[0-9a-f]{6})", svg))
    for cls, line, text in re.findall(
        r'<text class="([\w-]+)"[^>]*clip-path="url\(#[\w-]*line-(\d+)\)">([^<]*)</text>', svg
    ):
        if word in html.unescape(text).replace("\xa0", " "):
            return int(line), colours.get(cls, "")
    return None


def register_second_dataset(root: Path) -> None:
    info = root / "datasets" / "dataset_info.json"
    data = json.loads(info.read_text())
    (root / "datasets" / "greetings.json").write_text(
        json.dumps([{"instruction": "hi", "input": "", "output": "hello"}])
    )
    data["greetings"] = {"file_name": "greetings.json"}
    data["gone"] = {"file_name": "missing.json"}
    info.write_text(json.dumps(data))


async def test_model_and_dataset_pickers_by_keys(demo_copy: Path):
    register_second_dataset(demo_copy)
    (demo_copy / "models" / "other-model").mkdir()
    (demo_copy / "models" / "other-model" / "config.json").write_text("{}")
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        demo_model = str(demo_copy / "models" / "tiny-llama-demo")
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")

        # Model: ctrl+o from nowhere opens the model picker; `/` filters; Enter picks.
        await pilot.press("escape", "ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) == 2, "two models listed")
        rows = picker_rows(app)
        assert any("tiny-llama-demo" in r and "unverified" in r for r in rows), rows
        await pilot.press("slash", *"other", "enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the picker to close")
        assert field(app, "model_name_or_path").value == str(demo_copy / "models" / "other-model")
        assert app.focused is field(app, "model_name_or_path")

        # Escape closes a picker and changes nothing.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) == 2, "the model picker again")
        await pilot.press("down", "escape")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "escape to close it")
        assert field(app, "model_name_or_path").value.endswith("other-model")
        await pilot.press("ctrl+o", "slash", *"tiny", "enter")
        await until(pilot, lambda: field(app, "model_name_or_path").value == demo_model, "tiny")

        # Datasets: several at once, with their health; the field keeps the picked order.
        await pilot.press("tab", "tab")
        assert app.focused is field(app, "dataset")
        assert field(app, "dataset").value == ""  # two healthy datasets: no guess made
        await pilot.press("ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) >= 3, "the registered datasets")
        rows = picker_rows(app)
        assert any("gone" in r and "file missing" in r for r in rows), rows
        assert any("greetings" in r and r.startswith("ok ") for r in rows), rows
        await pilot.press("slash", *"greet", "enter", "space")  # filter, toggle the match
        await pilot.press("slash", *["backspace"] * 5, "enter", "space")  # all: the first
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the dataset picker")
        assert field(app, "dataset").value == "greetings,identity_demo"  # in the picked order


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_picker_keeps_the_form_visible_and_dimmed_behind_it(demo_copy: Path, size):
    """A picker is a modal over the form: the form stays on screen, dimmed, for context."""
    app = local_app(demo_copy, "train")
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        await pilot.press("escape")
        await pilot.pause()
        plain = {word: seen(app, word) for word in ("Configure", "Launch")}
        assert all(plain.values()), plain  # the form's tab and button, above and below the box
        await pilot.press("ctrl+o")
        await until(pilot, lambda: picker_rows(app), "the model picker's rows")
        assert seen(app, "the workspace's models"), "the picker itself is on top"
        for word, (row, colour) in plain.items():
            behind = seen(app, word)
            assert behind, f"{word!r} vanished behind the picker: the screen behind is blank"
            assert behind[0] == row, f"{word!r} moved"
            assert behind[1] != colour, f"{word!r} is not dimmed behind the picker"


async def test_template_picker_offers_llamafactory_templates(demo_copy: Path):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        # Enter picks the current model and puts focus in its field; tab: the template.
        await pilot.press("escape", "ctrl+o")
        await until(pilot, lambda: picker_rows(app), "the model picker's rows")
        await pilot.press("enter", "tab")
        assert app.focused is field(app, "template")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) > 20, "LLaMA-Factory's templates")
        assert "qwen" in picker_rows(app) and "llama3" in picker_rows(app)
        await pilot.press("slash", *"qwen2_v", "enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the template picker")
        assert field(app, "template").value == "qwen2_vl"


async def test_template_picker_puts_the_models_own_template_first(demo_copy: Path):
    """As LlamaBoard does: the model's name picks its template, first and highlighted."""
    qwen = demo_copy / "models" / "Qwen2.5-7B-Instruct"
    qwen.mkdir()
    (qwen / "config.json").write_text("{}")
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        await pilot.press("escape", "ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) == 2, "the models")
        await pilot.press("slash", *"qwen", "enter")
        await until(pilot, lambda: field(app, "model_name_or_path").value == str(qwen), "qwen")
        await until(pilot, lambda: field(app, "template").value == "qwen", "the suggestion")
        await pilot.press("tab", "ctrl+o")
        await until(pilot, lambda: len(picker_rows(app)) > 20, "LLaMA-Factory's templates")
        assert picker_rows(app)[0].startswith("qwen") and "for this model" in picker_rows(app)[0]
        assert app.screen.query_one("#picker-list").highlighted == 0
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, Picker), "the template picked")
        assert field(app, "template").value == "qwen"


async def test_clone_run_fills_the_form_from_its_saved_config(demo_copy: Path):
    run = demo_copy / "runs" / "20261125-100000-earlier"
    (run / "output").mkdir(parents=True)
    (run / "training_args.yaml").write_text(
        f"model_name_or_path: {demo_copy / 'models' / 'tiny-llama-demo'}\n"
        "template: default\nstage: sft\ndo_train: true\nfinetuning_type: lora\n"
        "lora_rank: 4\nlearning_rate: 3.0e-4\ndataset: identity_demo\n"
        f"dataset_dir: {demo_copy / 'datasets'}\nmax_steps: 7\nlogging_steps: 1\n"
        f"output_dir: {run / 'output'}\nneftune_noise_alpha: 5\n"
    )
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        await pilot.press("escape", "k")
        await until(pilot, lambda: len(picker_rows(app)) == 1, "the run listed")
        assert "20261125-100000-earlier" in picker_rows(app)[0]
        await pilot.press("enter")
        await until(pilot, lambda: field(app, "lora_rank").value == "4", "the cloned config")
        assert field(app, "max_steps").value == "7"
        assert field(app, "learning_rate").value == "0.0003"
        cfg = app.screen.current_config()
        assert cfg.extra.get("neftune_noise_alpha") == 5  # keys the form does not show stay
        assert not cfg.output_dir  # a clone trains into a new run folder, never the old one


async def test_invalid_field_shows_its_error_beside_it(demo_copy: Path):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        form = app.screen.query_one(TrainForm)
        error = form.query_one("#err-lora_rank", Label)
        assert not error.display
        lora = field(app, "lora_rank")
        lora.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"eight", "escape", "l")
        await until(pilot, lambda: error.display, "the error under LoRA rank")
        assert "not a whole number" in str(error.render())
        assert error.region.y == lora.region.y + 1  # on the line under the field
        lora.focus()
        await pilot.press("backspace")
        assert not error.display  # editing the field clears its error

        # An engine check (learning rate must be > 0) lands under its field too.
        lr = field(app, "learning_rate")
        lr.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"-0.5", "escape")
        lora.focus()
        await pilot.press("ctrl+a", "ctrl+k", "8", "escape", "l")
        lr_error = form.query_one("#err-learning_rate", Label)
        await until(pilot, lambda: lr_error.display, "the learning-rate error")
        assert "must be > 0" in str(lr_error.render())
    assert not list((demo_copy / "runs").glob("*/training_args.yaml"))


def small_workspace(root: Path) -> None:
    """Fixed content for the pictures: two tiny models, two datasets (one file missing)."""
    for name in ("alpha", "org/beta-7b-instruct"):
        (root / "models" / name).mkdir(parents=True)
        (root / "models" / name / "config.json").write_text("{}")
    (root / "datasets").mkdir()
    (root / "datasets" / "chat.json").write_text("[]")
    info = {"chat": {"file_name": "chat.json"}, "gone": {"file_name": "missing.json"}}
    (root / "datasets" / "dataset_info.json").write_text(json.dumps(info))
    for sub in ("runs", "exports"):
        (root / sub).mkdir()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["model", "data"])
def test_picker_snapshot(snap_compare, tmp_path, monkeypatch, size, kind):
    small_workspace(tmp_path / "ws")
    monkeypatch.chdir(tmp_path)  # a relative workspace: no machine path in the picture
    app = local_app("ws", "train")

    async def run_before(pilot) -> None:
        await until(pilot, lambda: field(app, "model_name_or_path").value, "the first model")
        await app.workers.wait_for_complete()  # the form's fit line too: the same picture
        await pilot.pause()
        await pilot.press("escape", "ctrl+o")  # the model picker
        await until(pilot, lambda: picker_rows(app), "the model picker's rows")
        if kind == "data":  # the model picked, back in its field; two fields on: datasets
            await pilot.press("enter")
            await until(pilot, lambda: not isinstance(app.screen, Picker), "the picker closed")
            await pilot.press("tab", "tab", "ctrl+o")
            await until(pilot, lambda: "Datasets" in str(app.screen.TITLE), "the dataset picker")
            await until(pilot, lambda: picker_rows(app), "the dataset picker's rows")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
