"""A first run of the demo model from the Train form learns within its few steps: the form
starts on the demo recipe's learning settings, never over a user's own choice (Pilot)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from tests.apps import local_app, until
from tui_ft.demo.settings import demo_learning_settings


def field(app, name: str) -> str:
    return app.screen.query_one(f"#f-{name}", Input).value


async def test_the_demo_model_starts_with_settings_that_learn(demo_copy: Path):
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path"), "the first model")
        assert field(app, "model_name_or_path").endswith("tiny-llama-demo")
        want = demo_learning_settings()
        assert float(field(app, "learning_rate")) == want["learning_rate"] > 1e-3
        assert int(field(app, "lora_rank")) == want["lora_rank"]
        extra = app.screen.query_one("#f-extra", TextArea).text
        assert f"additional_target: {want['additional_target']}" in extra
        assert field(app, "dataset") == "identity_demo"
        # still derived from the run's length: a 9-step first run draws 9 points
        assert field(app, "logging_steps") == field(app, "save_steps") == ""


async def test_another_first_model_keeps_the_forms_defaults(demo_copy: Path):
    other = demo_copy / "models" / "a-model"  # sorts before the demo model: listed first
    other.mkdir()
    (other / "config.json").write_text("{}")
    app = local_app(demo_copy, "train")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: field(app, "model_name_or_path"), "the first model")
        assert field(app, "model_name_or_path").endswith("a-model")
        assert float(field(app, "learning_rate")) == 1e-4
        assert "additional_target" not in app.screen.query_one("#f-extra", TextArea).text
