"""A recipe's gguf step verifies by default: an unfaithful GGUF fails the replay, with its fix."""

from __future__ import annotations

import json

import pytest

from tui_ft.host import LocalHost
from tui_ft.recipes import parse_recipe
from tui_ft.recipes.commands import step_commands
from tui_ft.recipes.replay import Replayer, ReplayFailed
from tui_ft.recipes.state import ReplayState

RECIPE = """\
name: to-ollama
steps:
  - type: gguf
    model: ${workspace}/models/tiny-llama-demo
    out: ${workspace}/exports/tiny.gguf
    modelfile: true
"""


def _recipe(ws, extra: str = ""):
    return parse_recipe(RECIPE + extra, builtins={"workspace": str(ws)})


def test_the_gguf_step_verifies_unless_the_recipe_says_verify_false(tmp_path):
    (verify,) = step_commands(_recipe(tmp_path).steps[0])
    assert "--verify" in verify
    (plain,) = step_commands(_recipe(tmp_path, "    verify: false\n").steps[0])
    assert "--verify" not in plain and plain[:2] == ["gguf", f"{tmp_path}/models/tiny-llama-demo"]


@pytest.mark.gguf
def test_a_failed_template_check_fails_the_step_with_its_fix(demo_copy):
    """The demo model doctored to add a BOS its training never saw (what the merge did)."""
    model = demo_copy / "models" / "tiny-llama-demo"
    cfg = json.loads((model / "tokenizer_config.json").read_text())
    cfg["add_bos_token"] = True
    (model / "tokenizer_config.json").write_text(json.dumps(cfg))
    events: list[dict] = []
    recipe = _recipe(demo_copy)
    with pytest.raises(ReplayFailed) as failed:
        Replayer(recipe, LocalHost(), str(demo_copy), on_event=events.append).run()

    message = str(failed.value)
    assert message.startswith("replay failed at step 'gguf' (gguf): ")
    assert (
        "BOS: llama.cpp and Ollama put BOS '<s>' before every prompt; training did not" in message
    )
    assert f'fix: set "add_bos_token": false in {model}/tokenizer_config.json' in message
    assert "\n" not in message and "exited 1" not in message
    assert [e["event"] for e in events if e["event"] in ("done", "failed")] == ["failed"]
    assert ReplayState.load(recipe).steps["gguf"]["status"] == "failed"
