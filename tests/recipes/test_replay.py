"""Replaying recipes headless through the real `tui-ft` commands."""

from __future__ import annotations

import json
import subprocess
import sys

from tui_ft.host import LocalHost
from tui_ft.recipes import parse_recipe
from tui_ft.recipes.replay import Replayer, ReplayFailed
from tui_ft.recipes.state import ReplayState

RECIPE = """\
name: resumable
steps:
  - type: dataset
    file: ${workspace}/datasets/identity.json
    name: identity_x
    fill: {name: Xi, author: Lab}
  - type: check
    model: ${workspace}/models/${MODEL_DIR}
"""


def _recipe(ws, model_dir):
    return parse_recipe(RECIPE, env={"MODEL_DIR": model_dir}, builtins={"workspace": str(ws)})


def test_failed_step_is_named_and_replay_resumes_there(demo_copy):
    events: list[dict] = []
    # a folder that exists (so the checks before the replay pass) but holds no model
    (demo_copy / "models" / "broken-model").mkdir()
    recipe = _recipe(demo_copy, "broken-model")
    replayer = Replayer(recipe, LocalHost(), str(demo_copy), on_event=events.append)
    try:
        replayer.run()
    except ReplayFailed as exc:
        assert exc.step.id == "check" and "replay failed at step 'check'" in str(exc)
    else:
        raise AssertionError("a broken model must fail the check step")
    info = json.loads((demo_copy / "datasets" / "dataset_info.json").read_text())
    assert info["identity_x"]["file_name"].endswith(".json")
    filled = (demo_copy / "datasets" / info["identity_x"]["file_name"]).read_text()
    assert "Xi" in filled and "{{name}}" not in filled
    state = ReplayState.load(recipe)
    assert state.steps["dataset"]["status"] == "done"
    assert state.steps["check"]["status"] == "failed"

    # Fixed recipe: the done step is skipped, the failed one runs again and passes.
    events.clear()
    fixed = _recipe(demo_copy, "tiny-llama-demo")
    Replayer(fixed, LocalHost(), str(demo_copy), on_event=events.append).run()
    kinds = [(e["step"], e["event"]) for e in events if e["event"] in ("skip", "start", "done")]
    assert kinds == [("dataset", "skip"), ("check", "start"), ("check", "done")]

    # --from re-runs from a step even when it is done.
    events.clear()
    Replayer(fixed, LocalHost(), str(demo_copy), on_event=events.append).run(start="dataset")
    assert [e["step"] for e in events if e["event"] == "done"] == ["dataset", "check"]


def test_cli_dry_run_prints_json_lines_and_failure_exit_code(tmp_path):
    ws = tmp_path / "ws"
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "replay", "demo", "--dry-run"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    plans = [e for e in events if e["event"] == "plan"]
    assert plans[0]["command"].endswith(f"demo {ws}")
    assert any(" train " in e["command"] and "--follow" in e["command"] for e in plans)
    assert events[-1] == {"event": "replay_done", "recipe": "demo"}
    assert not ws.exists()  # a dry run touches nothing

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsteps:\n  - type: check\n    model: /nonexistent/model\n")
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "replay", str(bad)],
        capture_output=True,
        text=True,
    )
    # caught before anything runs: a usage error naming file, line, step and field
    assert out.returncode == 2 and out.stdout == ""
    assert f"{bad}:4: step 'check' field 'model': /nonexistent/model does not exist" in out.stderr

    (tmp_path / "empty-model").mkdir()  # exists, so only running the step finds it broken
    bad.write_text(f"name: bad\nsteps:\n  - type: check\n    model: {tmp_path}/empty-model\n")
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "replay", str(bad)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "replay failed at step 'check'" in out.stderr
    last = json.loads(out.stdout.splitlines()[-1])
    assert last["event"] == "replay_failed" and last["step"] == "check"


def test_cli_validate_names_step_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nsteps:\n  - type: gguf\n    model: /m\n    out: /o.gguf\n    quant: 4\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "recipe", "validate", str(bad)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert f"{bad}:6: step 'gguf' field 'quant': expected text" in out.stderr
