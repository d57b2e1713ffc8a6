"""tui-ft on a box with an older LLaMA-Factory: 0.9.3 with the transformers 4.52 it
supports, and 0.9.2 with transformers 4.49 (tests/lfold/conftest.py).

Everything goes through `python -m tui_ft` of the old environment, as on such a box:
build the demo workspace, train detached, follow it, stop it gracefully (LLaMA Board's
SIGABRT), resume it from its checkpoint to the end, and merge the adapter. `tui-ft check`
names the version and how it is installed: a release in site-packages, or an editable
install of the release's unpacked sdist (a stand-in for a git checkout).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import tomllib
import yaml
from safetensors.numpy import load_file

from tests.demo_training import demo_args
from tests.heavy_lock import heavy_lock
from tests.lfold.conftest import REPO, OldEnv

pytestmark = pytest.mark.train

RUN = "lfold"
STEPS, SAVE = 500, 50


def tui(old: OldEnv, python: Path, home: Path, *args: str, timeout: float = 600):
    res = subprocess.run(
        [str(python), "-m", "tui_ft", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=old.env(python, home),
    )
    return res


def checked(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode == 0, f"exit {res.returncode}:\n{res.stdout[-3000:]}{res.stderr[-3000:]}"
    return res.stdout


def lf_check(old: OldEnv, python: Path, home: Path) -> dict:
    out = checked(tui(old, python, home, "check", "--json"))
    return next(c for c in json.loads(out)["checks"] if c["name"] == "llamafactory")


def wait_for(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := pred():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module")
def lifecycle(old_env: OldEnv, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Demo workspace → train → follow → stop → resume → export, with the old venv."""
    home = tmp_path_factory.mktemp("lfold")
    py = old_env.release
    ws = home / "ws"
    out: dict = {"home": home, "ws": ws}
    checked(tui(old_env, py, home, "demo", str(ws)))
    # Enough steps after the first checkpoint (450: ~8 s at ~60 steps/s on one idle core)
    # that a graceful stop, sent within a second of it, lands before the end. (Gradient
    # accumulation would slow it down, but transformers 4.49 runs 0 steps when it exceeds
    # the batches per epoch.)
    args = demo_args(ws, "", max_steps=STEPS, save_steps=SAVE, logging_steps=10)
    del args["output_dir"]
    config = home / "train.yaml"
    config.write_text(yaml.safe_dump(args))
    run_dir = ws / "runs" / RUN
    with heavy_lock():
        out["start"] = checked(tui(old_env, py, home, "train", str(config), "--run", RUN))
        follower = subprocess.Popen(
            [str(py), "-m", "tui_ft", "attach", RUN],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=old_env.env(py, home),
        )
        try:
            wait_for(
                lambda: (run_dir / "output" / f"checkpoint-{SAVE}").is_dir(), 600, "a checkpoint"
            )
            out["stop"] = checked(tui(old_env, py, home, "stop", RUN))
            out["attach"] = follower.communicate(timeout=300)[0]
        finally:
            follower.kill()
        out["stopped"] = json.loads(checked(tui(old_env, py, home, "runs", "--json")))
        out["resume"] = checked(tui(old_env, py, home, "resume", RUN, "--follow"))
        out["log"] = [
            json.loads(line)
            for line in (run_dir / "output" / "trainer_log.jsonl").read_text().splitlines()
        ]
        merged = ws / "exports" / "merged"
        model = ws / "models" / "tiny-llama-demo"
        export = tui(old_env, py, home, "export", "--model", str(model), "--adapter",
                     str(run_dir / "output"), "--out", str(merged))  # fmt: skip
        out["export"] = checked(export) + export.stderr
    out["merged"], out["model"] = merged, model
    return out


def test_check_names_the_release_in_site_packages(old_env: OldEnv, tmp_path: Path):
    lf = lf_check(old_env, old_env.release, tmp_path)
    assert lf["status"] == "ok", lf["reason"]
    assert lf["reason"].startswith(f"llamafactory {old_env.version}, in site-packages")
    assert lf["data"]["install"] == "site-packages"
    assert lf["data"]["cli"] == str(old_env.release.parent / "llamafactory-cli")


def test_check_names_the_editable_checkout(old_env: OldEnv, tmp_path: Path):
    lf = lf_check(old_env, old_env.editable, tmp_path)
    checkout = old_env.editable.parents[2] / "src" / f"llamafactory-{old_env.version}"
    assert lf["status"] == "ok", lf["reason"]
    assert lf["data"]["install"] == "editable" and lf["data"]["path"] == str(checkout)
    assert f"llamafactory {old_env.version}, editable checkout at {checkout}" in lf["reason"]


def test_follow_sees_the_graceful_stop_and_runs_says_resumable(lifecycle):
    assert re.search(rf"^step \d+/{STEPS} ", lifecycle["attach"], re.M), lifecycle["attach"]
    assert "stopped" in lifecycle["attach"].splitlines()[-1]
    run = next(r for r in lifecycle["stopped"] if r["run_id"] == RUN)
    assert run["state"] == "stopped" and run["resumable"], run


def test_resume_reaches_the_end_from_the_checkpoint(lifecycle):
    assert "resumed from checkpoint-" in lifecycle["resume"]
    assert f"finished at step {STEPS}/{STEPS}" in lifecycle["resume"]
    steps = [r["current_steps"] for r in lifecycle["log"] if "loss" in r]
    assert steps[-1] == STEPS and steps[0] == 10
    losses = [r["loss"] for r in lifecycle["log"] if "loss" in r]
    assert losses[-1] < losses[0]  # it learnt across the stop


def test_export_merges_the_adapter(lifecycle):
    merged, model = lifecycle["merged"], lifecycle["model"]
    assert (merged / "config.json").is_file(), lifecycle["export"]
    new = {k: v for f in merged.glob("*.safetensors") for k, v in load_file(str(f)).items()}
    old = load_file(str(model / "model.safetensors"))
    assert set(new) == set(old)  # a full model, no LoRA tensors left
    changed = [k for k in old if not np.allclose(old[k], new[k])]
    assert any("q_proj" in k for k in changed) and any("embed_tokens" in k for k in changed)


def test_train_extra_leaves_the_checkout_in_place(old_env: OldEnv):
    """`pip install 'tui-ft[train]'` next to the checkout: its LLaMA-Factory satisfies the
    extra, so pip keeps it (the old `llamafactory==0.9.5` pin replaced it)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extra = project["optional-dependencies"]["train"]
    res = subprocess.run(
        [str(old_env.editable), "-m", "pip", "install", "--dry-run", "--no-index", "--no-deps",
         "--disable-pip-version-check", *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    lf = next(line for line in res.stdout.splitlines() if "satisfied: llamafactory" in line)
    assert lf.endswith(f"({old_env.version})") and str(old_env.editable.parents[1]) in lf
    assert "Would install" not in res.stdout or "llamafactory" not in res.stdout.split("Would")[1]


# One version: which CLI a run records does not depend on the release (both versions'
# editable checkouts are checked above, and both releases train in `lifecycle`).
@pytest.mark.parametrize("old_env", ["0.9.2"], indirect=True)
def test_editable_checkout_trains_through_its_own_cli(old_env: OldEnv, tmp_path: Path):
    py = old_env.editable
    ws = tmp_path / "ws"
    checked(tui(old_env, py, tmp_path, "demo", str(ws)))
    args = demo_args(ws, "", max_steps=6, logging_steps=2, save_strategy="no")
    del args["output_dir"]
    config = tmp_path / "train.yaml"
    config.write_text(yaml.safe_dump(args))
    with heavy_lock():
        res = tui(old_env, py, tmp_path, "train", str(config), "--run", "edit", "--follow")
    assert "run edit: finished at step 6/6" in checked(res)
    status = json.loads((ws / "runs" / "edit" / "status.json").read_text())
    assert str(py.parent / "llamafactory-cli") in json.dumps(status)  # the checkout's CLI
