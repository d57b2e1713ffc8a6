"""Every remote feature from a laptop with only `pip install tui-ft` (the base install).

`tui_ft` below is the base venv's console script, run outside the checkout with the
laptop's HOME; the box is another user with the full install behind a real sshd.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tui_ft import __version__

TUI_AREAS = """
import asyncio, argparse, sys, faulthandler
faulthandler.dump_traceback_later(240, exit=True)  # a hang shows where
from screens.areas import AREAS
from tui_ft.cli.tui import build_app

async def main():
    app = build_app(argparse.Namespace(host="box", workspace=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for area in AREAS:
            app.screen.set_focus(None)  # digits switch areas outside inputs
            await pilot.press(area.key)
            want = area.target.split(":")[1]
            for _ in range(600):  # the screen and its first workers (a monitor runs on)
                await pilot.pause(0.05)
                if type(app.screen).__name__ == want:
                    break
            await pilot.pause(0.5)
            print("AREA", area.mode, type(app.screen).__name__, flush=True)
        print("HEADER", app.sub_title)
    app.host.close()
    print("HEAVY", [m for m in ("torch", "transformers", "httpx") if m in sys.modules])

asyncio.run(main())
"""


def _json(out: subprocess.CompletedProcess):
    return json.loads(out.stdout)


def test_connect_check_data_and_replay_from_a_base_install(tui_ft, box, box_demo, tmp_path):
    status = _json(tui_ft("remote", "check", "--host", "box", "--json"))
    assert status["tui_ft"] == __version__ and status["llamafactory"] is True

    checks = {c["name"]: c for c in _json(tui_ft("--host", "box", "check", "--json"))["checks"]}
    assert checks["disk: workspace"]["path"] == str(box.workspace)

    data = box.workspace / "datasets" / "identity.json"
    report = _json(tui_ft("--host", "box", "data", "lint", str(data), "--json"))
    assert report["errors"] == 0 and report["records"] > 0
    datasets = str(box.workspace / "datasets")
    tui_ft("--host", "box", "data", "register", str(data), "--dataset-dir", datasets,
           "--name", "from_laptop", "--replace")  # fmt: skip
    info = json.loads((box.workspace / "datasets" / "dataset_info.json").read_text())
    assert info["from_laptop"]["file_name"] == "identity.json"

    recipe = tmp_path / "laptop.yaml"
    recipe.write_text(
        "name: laptop\nsteps:\n  - type: dataset\n"
        "    file: ${workspace}/datasets/identity.json\n    name: identity_laptop\n"
    )
    events = tui_ft("--host", "box", "replay", str(recipe), "--json").stdout.splitlines()
    assert json.loads(events[-1]) == {"event": "replay_done", "recipe": "laptop"}
    info = json.loads((box.workspace / "datasets" / "dataset_info.json").read_text())
    assert info["identity_laptop"]["file_name"] == "identity.json"


def test_the_tui_opens_every_area_on_the_box(laptop, laptop_env, box, box_demo, tmp_path):
    script = tmp_path / "areas.py"
    script.write_text(TUI_AREAS)
    log = tmp_path / "areas.log"
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [laptop.python, str(script)], stdout=fh, stderr=subprocess.STDOUT,
            env=laptop_env, cwd=tmp_path,
        )  # fmt: skip
        try:
            code = proc.wait(300)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    lines = log.read_text().splitlines()
    assert code == 0, "\n".join(lines[-40:])
    areas = [ln.split()[1:] for ln in lines if ln.startswith("AREA ")]
    assert [mode for mode, _screen in areas] == [
        "env", "datasets", "train", "runs", "evaluate", "export", "recipes",
    ]  # fmt: skip
    assert [screen for _mode, screen in areas] == [
        "EnvironmentScreen", "DatasetsScreen", "TrainScreen", "RunsScreen",
        "EvaluateScreen", "ExportScreen", "RecipesScreen",
    ]  # fmt: skip
    assert f"workspace: {box.workspace}" in next(ln for ln in lines if ln.startswith("HEADER"))
    assert lines[-1] == "HEAVY []"


def _runs(tui_ft) -> dict[str, dict]:
    return {r["run_id"]: r for r in _json(tui_ft("--host", "box", "runs", "--json"))}


def _wait(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(1.0)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _train_yaml(folder: Path, model: Path, steps: int) -> Path:
    path = folder / f"train-{steps}.yaml"
    path.write_text(
        f"model_name_or_path: {model}\nstage: sft\ndo_train: true\nfinetuning_type: lora\n"
        "lora_target: all\nlora_rank: 8\ndataset: identity_demo\ntemplate: default\n"
        f"cutoff_len: 64\nmax_steps: {steps}\nper_device_train_batch_size: 4\n"
        "logging_steps: 2\nsave_steps: 1000\npreprocessing_num_workers: 1\nreport_to: none\n"
    )
    return path


@pytest.mark.train
def test_train_follow_attach_stop_ask_export_from_a_base_install(tui_ft, box, box_demo, tmp_path):
    model = box.workspace / "models" / "tiny-llama-demo"
    # train start, then stop it while it runs
    long_run = tui_ft("--host", "box", "train", str(_train_yaml(tmp_path, model, 2000)),
                      "--name", "laptop-long").stdout.split()[0]  # fmt: skip
    _wait(lambda: _runs(tui_ft)[long_run]["state"] == "running", 300, "the run to start")
    tui_ft("--host", "box", "stop", long_run, "--timeout", "60")
    assert _runs(tui_ft)[long_run]["state"] in ("stopped", "killed")

    # train --follow to the end, then attach shows its whole history
    follow = tui_ft("--host", "box", "train", str(_train_yaml(tmp_path, model, 4)),
                    "--name", "laptop", "--follow")  # fmt: skip
    run_id = follow.stdout.split()[0]
    assert _runs(tui_ft)[run_id]["state"] == "finished"
    attach = tui_ft("--host", "box", "attach", run_id)
    assert "4/4" in attach.stdout + attach.stderr

    # ask: the API server on the box, reached through the SSH forward (stdlib SSE client)
    adapter = box.workspace / "runs" / run_id / "output"
    ask = tui_ft("--host", "box", "ask", str(model), "--adapter", str(adapter), "你是谁",
                 "--max-new-tokens", "8")  # fmt: skip
    assert ask.stdout.strip()

    # export and GGUF run on the box
    merged = box.workspace / "exports" / "laptop-merged"
    tui_ft("--host", "box", "export", "--model", str(model), "--adapter", str(adapter),
           "--out", str(merged))  # fmt: skip
    assert (merged / "config.json").is_file()


@pytest.mark.gguf
def test_gguf_commands_run_on_the_box_from_a_base_install(tui_ft, box, box_demo, box_converter):
    gguf = box.workspace / "exports" / "laptop.gguf"
    # relative paths name the box's workspace, as for every --host command (not its home)
    out = tui_ft("--host", "box", "gguf", "tiny-llama-demo", "--out", "exports/laptop.gguf",
                 "--outtype", "f16", check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert gguf.is_file() and gguf.stat().st_uid == box.uid  # written by the box's tools
    info = _json(tui_ft("--host", "box", "gguf-info", "laptop.gguf", "--json"))
    assert info["architecture"] == "llama" and info["tensor_count"] > 0
