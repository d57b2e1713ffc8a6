"""The laptop is not the box: every `--host` command acts on the box's own workspace.

The box is another user (its home, its data disk `~/autodl-tmp`, its python); the
laptop is this process with another HOME and its own TUI_FT_WORKSPACE. A laptop path
reaching the box fails there (the box user cannot even read it), and a file the laptop
writes on the box's disk shows up as not owned by the box user.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ssh.sshd import start_sshd
from tui_ft import hosts
from tui_ft.cli import main

pytestmark = pytest.mark.ssh


def _laptop_only_has_ssh(home: Path) -> None:
    """Nothing of the box (nor any tui-ft state) appears under the laptop's HOME."""
    assert sorted(os.listdir(home)) == [".ssh"]


def _box_untouched_by_the_laptop(box) -> None:
    foreign = [p for p in box.foreign_files() if (box.home / "tmp") not in p.parents]
    assert foreign == [], "files the laptop wrote on the box's disk"


def _no_laptop_path_in(folder: Path, *laptop: str) -> None:
    """The box's records (run configs, recipe state, dataset_info) name no laptop path."""
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".yaml", ".jsonl", ".txt", ".log"):
            text = path.read_text(errors="replace")
            for leak in laptop:
                assert leak not in text, f"{path} mentions the laptop's {leak}"


def test_headless_commands_act_on_the_box_workspace(ssh_home, box, box_demo, tmp_path, capsys):
    laptop_ws = os.environ["TUI_FT_WORKSPACE"]
    assert main(["--host", "box", "check", "--json"]) in (0, 1)
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["disk: workspace"]["path"] == str(box.workspace)
    assert checks["python"]["reason"].endswith(f"({box.python_bin}/python3)")

    assert main(["--host", "box", "runs", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)

    data = box.workspace / "datasets" / "identity.json"
    assert main(["--host", "box", "data", "lint", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 0 and report["records"] > 0

    # `${workspace}` of a recipe replayed with --host is the box's workspace.
    recipe = tmp_path / "boxside.yaml"
    recipe.write_text(
        "name: boxside\nsteps:\n  - type: dataset\n"
        "    file: ${workspace}/datasets/identity.json\n    name: identity_boxside\n"
        "    fill: {name: BoxSide, author: tui-ft}\n"
    )
    assert main(["--host", "box", "replay", str(recipe), "--json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[-1] == {"event": "replay_done", "recipe": "boxside"}
    info = json.loads((box.workspace / "datasets" / "dataset_info.json").read_text())
    assert info["identity_boxside"]["file_name"] == "identity.identity_boxside.json"
    assert "BoxSide" in (box.workspace / "datasets" / "identity.identity_boxside.json").read_text()

    _laptop_only_has_ssh(ssh_home)
    _box_untouched_by_the_laptop(box)
    _no_laptop_path_in(box.workspace, str(ssh_home), laptop_ws, str(tmp_path))
    assert not Path(laptop_ws).exists()  # the laptop's own workspace was never touched


def test_per_host_memory_survives_a_new_port(ssh_home, sshd, box, box_tmp, tmp_path, capsys):
    """The box comes back on another port, same host key: its workspace is remembered."""
    chosen = box.mkdir(box_tmp / "chosen-ws")
    assert main(["--host", "box", "--workspace", str(chosen), "runs", "--json"]) == 0
    capsys.readouterr()
    moved = start_sshd(tmp_path / "moved", box=box, host_key=sshd.folder / "host_ed25519")
    try:
        known = ssh_home / ".ssh" / "known_hosts"
        known.write_text(known.read_text() + moved.known_hosts_line())
        spec = f"ssh -p {moved.port} {box.user}@127.0.0.1"
        assert main(["--host", spec, "check", "--json"]) in (0, 1)
        checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
        assert checks["disk: workspace"]["path"] == str(chosen)
    finally:
        moved.stop()
    memory = yaml.safe_load(hosts.memory_path().read_text())
    (entry,) = memory.values()
    assert entry["workspace"] == str(chosen)
    assert entry["names"][:2] == [
        f"{box.user}@127.0.0.1:{moved.port}",
        f"{box.user}@127.0.0.1:{sshd.port}",
    ]
    # The laptop config's per-host entry wins over the memory.
    other = box.mkdir(box_tmp / "configured-ws")
    Path(os.environ["TUI_FT_CONFIG"]).write_text(
        yaml.safe_dump({"hosts": {"box": {"workspace": str(other), "hourly_price": 2.5}}})
    )
    assert main(["--host", "box", "check", "--json"]) in (0, 1)
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["disk: workspace"]["path"] == str(other)


@pytest.mark.train
async def test_train_follow_then_the_tui_lists_the_box_runs(ssh_home, box, box_demo, tmp_path):
    """`train --follow` lands in the box's workspace; `runs` and the TUI's Runs list it."""
    import argparse

    from tui_ft.cli.tui import build_app

    # On the laptop; a relative model path and the dataset_dir are the box workspace's.
    config = tmp_path / "train.yaml"
    config.write_text(
        "model_name_or_path: models/tiny-llama-demo\nstage: sft\ndo_train: true\n"
        "finetuning_type: lora\nlora_target: all\nlora_rank: 8\ndataset: identity_demo\n"
        "template: default\n"
        "cutoff_len: 64\nmax_steps: 4\nper_device_train_batch_size: 4\nlogging_steps: 2\n"
        "save_steps: 100\npreprocessing_num_workers: 1\nreport_to: none\n"
    )
    out = subprocess.run(  # a real CLI process, as a user would start it
        [_tui_ft(), "--host", "box", "train", str(config), "--name", "boxside", "--follow"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    run_id = out.stdout.splitlines()[0]
    run = box.workspace / "runs" / run_id
    assert (run / "exit_code").read_text().strip() == "0"
    args = yaml.safe_load((run / "training_args.yaml").read_text())
    assert args["model_name_or_path"] == str(box.workspace / "models" / "tiny-llama-demo")
    listed = subprocess.run(
        [_tui_ft(), "--host", "box", "runs", "--json"], capture_output=True, text=True, check=True
    )
    assert run_id in [r["run_id"] for r in json.loads(listed.stdout)]

    app = build_app(argparse.Namespace(host="box", workspace=None), start_mode="runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#runs-table")
        assert run_id in [str(k.value) for k in table.rows]
        assert f"workspace: {box.workspace}" in app.sub_title
    app.host.close()
    _laptop_only_has_ssh(ssh_home)
    _box_untouched_by_the_laptop(box)
    _no_laptop_path_in(run, str(ssh_home), os.environ["TUI_FT_WORKSPACE"], str(tmp_path))


def _tui_ft() -> str:
    import sys

    return str(Path(sys.executable).parent / "tui-ft")
