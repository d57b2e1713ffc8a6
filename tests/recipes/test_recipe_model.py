"""Recipe parsing and validation: errors name the file, line, step and field."""

from __future__ import annotations

import pytest

from tui_ft.recipes import RecipeError, parse_recipe
from tui_ft.recipes.catalog import shipped_recipes

GOOD = """\
name: demo
vars:
  ws: ${HOME_DIR:-/data}/ws
  model: ${ws}/models/tiny
steps:
  - type: check
    model: ${model}
  - id: tune
    type: train
    run: r1
    config:
      model_name_or_path: ${model}
      dataset: identity
      learning_rate: 0.01
  - type: gguf
    model: ${ws}/exports/r1
    out: ${ws}/r1.gguf
    quant: Q8_0
"""


def test_variables_and_environment_are_expanded():
    recipe = parse_recipe(GOOD, env={})
    assert recipe.step_ids() == ["check", "tune", "gguf"]
    assert recipe.steps[0].args["model"] == "/data/ws/models/tiny"
    assert recipe.steps[1].args["config"]["model_name_or_path"] == "/data/ws/models/tiny"
    from_env = parse_recipe(GOOD, env={"HOME_DIR": "/root/autodl-tmp"})
    assert from_env.steps[2].args["out"] == "/root/autodl-tmp/ws/r1.gguf"


@pytest.mark.parametrize(
    ("text", "line", "step", "field", "words"),
    [
        ("name: x\nsteps:\n  - type: check\n    modle: /m\n", 4, "check", "modle", "unknown field"),
        ("name: x\nsteps:\n  - type: trian\n", 3, "trian", "type", "unknown type"),
        ("name: x\nsteps:\n  - type: gguf\n    model: /m\n", 3, "gguf", "out", "missing"),
        (
            "name: x\nsteps:\n  - type: gguf\n    model: /m\n    out: o\n    outtype: f8\n",
            6,
            "gguf",
            "outtype",
            "not one of",
        ),
        (
            "name: x\nsteps:\n  - type: check\n    sha256: yes please\n",
            4,
            "check",
            "sha256",
            "true/false",
        ),
        (
            "name: x\nsteps:\n  - type: check\n    model: ${NOPE}\n",
            4,
            "check",
            "model",
            "${NOPE} is not set",
        ),
        ("name: x\nsteps:\n  - type: train\n", 3, "train", "config", "exactly one"),
        ("name: x\nsteps:\n  - type: check\n  - type: check\n", 4, "check", "id", "duplicate"),
    ],
)
def test_errors_name_line_step_and_field(text, line, step, field, words):
    with pytest.raises(RecipeError) as err:
        parse_recipe(text, source="r.yaml", env={})
    msg = str(err.value)
    assert msg.startswith(f"r.yaml:{line}:"), msg
    assert f"step {step!r}" in msg and f"field {field!r}" in msg and words in msg, msg


def test_nested_default():
    text = "name: x\nsteps:\n  - type: check\n    model: ${DATA:-${workspace}/d}/m\n"
    parsed = parse_recipe(text, env={}, builtins={"workspace": "/ws"})
    assert parsed.steps[0].args["model"] == "/ws/d/m"
    parsed = parse_recipe(text, env={"DATA": "/lf"}, builtins={"workspace": "/ws"})
    assert parsed.steps[0].args["model"] == "/lf/m"


def test_literal_secrets_are_refused_references_allowed():
    text = (
        "name: x\nsteps:\n  - type: train\n    config:\n      model_name_or_path: /m\n"
        "      dataset: d\n      hub_token: hf_abc\n"
    )
    with pytest.raises(RecipeError, match="literal secret"):
        parse_recipe(text, env={})
    ok = text.replace("hf_abc", "${HF_TOKEN}")
    assert parse_recipe(ok, env={"HF_TOKEN": "t"}).steps[0].args["config"]["hub_token"] == "t"


def test_bad_yaml_and_shape():
    with pytest.raises(RecipeError, match=r"r.yaml:4: not valid YAML"):
        parse_recipe("name: x\nsteps:\n  - [\n", source="r.yaml")
    with pytest.raises(RecipeError, match="unknown key"):
        parse_recipe("name: x\nstep: []\n")
    with pytest.raises(RecipeError, match="non-empty list"):
        parse_recipe("name: x\nsteps: []\n")


def test_shipped_recipes_are_valid():
    env = {"TUI_FT_WORKSPACE": "/ws", "LLAMAFACTORY_DATA": "/lf/data"}
    names = set()
    for path in shipped_recipes():
        recipe = parse_recipe(
            path.read_text(), source=str(path), env=env, builtins={"workspace": "/ws"}
        )
        names.add(recipe.name)
        assert recipe.steps
    assert "demo" in names


def test_train_config_is_checked_before_anything_runs():
    text = (
        "name: x\nsteps:\n  - type: demo\n  - id: tune\n    type: train\n    config:\n"
        "      stage: sft\n      dataset: identity\n      learning_rate: fast\n"
    )
    with pytest.raises(RecipeError) as err:
        parse_recipe(text, source="r.yaml", env={})
    msg = str(err.value)
    assert msg.startswith("r.yaml:6: step 'tune' field 'config.model_name_or_path': is required")
    assert "config.learning_rate (line 9): must be a number, got 'fast'" in msg
    # LLaMA-Factory reads 1e-4 as a number: so does the recipe
    ok = text.replace("fast", "1e-4").replace("stage: sft", "model_name_or_path: /m")
    assert parse_recipe(ok, env={}).steps[1].args["config"]["learning_rate"] == 1e-4
