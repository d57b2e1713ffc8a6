"""Two-node training of the demo model on CPU (gloo), launched through two real sshd hosts."""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.ssh.sshd import keygen, start_sshd
from tui_ft.train.config import TrainConfig
from tui_ft.train.discover import run_info

pytestmark = [pytest.mark.ssh]
VENV_BIN = str(Path(sys.executable).parent)


@pytest.fixture
def two_boxes(tmp_path, monkeypatch):
    """Two sshd servers on loopback (two 'boxes'), and SSH hosts connected to each."""
    from tui_ft.host.ssh import SSHHost

    keys = tmp_path / "keys"
    keys.mkdir()
    key = keygen(keys / "id_ed25519")
    (keys / "authorized_keys").write_text(Path(f"{key}.pub").read_text())
    servers = [start_sshd(tmp_path / f"sshd{i}", keys / "authorized_keys") for i in range(2)]
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    for name in ("id_ed25519", "id_ed25519.pub"):
        shutil.copy(keys / name, home / ".ssh" / name)
        (home / ".ssh" / name).chmod(0o600)
    (home / ".ssh" / "known_hosts").write_text("".join(s.known_hosts_line() for s in servers))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    hosts = [SSHHost.from_spec(f"ssh -p {s.port} {s.user}@127.0.0.1") for s in servers]
    yield hosts
    for h in hosts:
        h.close()
    for s in servers:
        with contextlib.suppress(psutil.Error):  # a listener already gone is fine here
            s.stop()


def _nodes(hosts, tmp_path):
    from tui_ft.multinode import Node

    env = {
        "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    return [
        Node(h, str(tmp_path / f"ws{i}"), python=sys.executable, env=env)
        for i, h in enumerate(hosts)
    ]


def _config(demo, **extra) -> TrainConfig:
    raw = {
        "model_name_or_path": str(demo / "models" / "tiny-llama-demo"),
        "stage": "sft",
        "do_train": True,
        "finetuning_type": "lora",
        "lora_target": "all",
        "lora_rank": 8,
        "dataset": "identity_demo",
        "dataset_dir": str(demo / "datasets"),
        "template": "default",
        "cutoff_len": 64,
        "num_train_epochs": 1,
        "per_device_train_batch_size": 2,
        "learning_rate": 1e-2,
        "logging_steps": 1,
        "save_strategy": "no",
        "report_to": "none",
        "preprocessing_num_workers": 1,
        "ddp_backend": "gloo",
        **extra,
    }
    return TrainConfig.from_dict(raw)


@pytest.mark.train
def test_two_node_training_over_ssh(two_boxes, demo_copy, tmp_path):
    from tui_ft import multinode

    nodes = _nodes(two_boxes, tmp_path)
    cfg = _config(demo_copy)
    port = 29611
    # Node 1 is the configured master: it becomes rank 0, the one that writes the trainer log.
    runs = multinode.start(
        nodes, cfg, run_id="mn-demo", master_addr="127.0.0.1", master_port=port, master=1
    )
    deadline = time.time() + 400
    infos = []
    while time.time() < deadline:
        infos = [run_info(n.host, p) for n, p in zip(nodes, runs, strict=True)]
        if all(i.state in ("finished", "failed") for i in infos):
            break
        time.sleep(2)
    assert [i.state for i in infos] == ["finished", "finished"], [
        Path(p.launch_log).read_text()[-2000:] for p in runs
    ]
    log = [json.loads(x) for x in Path(runs[1].trainer_log).read_text().splitlines()]
    # 21 records, 2 per device: one node alone takes 11 steps an epoch; two nodes share it.
    assert log[-1]["total_steps"] == 6 and log[-1]["current_steps"] == 6
    assert not Path(runs[0].trainer_log).exists()  # node 0 ran as rank 1
    assert Path(runs[0].root).is_dir() and runs[0].root.startswith(str(tmp_path / "ws0"))


def test_preflight_names_the_node_and_the_differing_file(two_boxes, demo_copy, tmp_path):
    from tui_ft import multinode

    nodes = _nodes(two_boxes, tmp_path)
    other = tmp_path / "other"
    shutil.copytree(demo_copy, other)
    data = other / "datasets" / "identity_demo.json"
    data.write_text(data.read_text().replace("TinyFT", "TinyFX"))
    # Node 1 sees the changed copy at the same path, as a box with a stale upload would.
    cfg0, cfg1 = _config(demo_copy), _config(other)
    multinode.preflight(nodes, cfg0, "127.0.0.1", 29612)  # same files: passes

    with pytest.raises(multinode.MultiNodeError) as err:
        multinode.compare_files(nodes, [cfg0, cfg1])
    msg = str(err.value)
    assert "node 1" in msg and "identity_demo.json" in msg and "differs" in msg


def test_preflight_compares_large_files_by_content(two_boxes, demo_copy, tmp_path):
    """Over 16 MiB too: same size, one byte apart, is a different file."""
    from tui_ft import multinode

    nodes = _nodes(two_boxes, tmp_path)
    other = tmp_path / "other"
    shutil.copytree(demo_copy, other)
    big = bytearray(17 << 20)
    (demo_copy / "models" / "tiny-llama-demo" / "big.bin").write_bytes(big)
    big[-1] = 1
    (other / "models" / "tiny-llama-demo" / "big.bin").write_bytes(big)
    cfg0, cfg1 = _config(demo_copy), _config(other)
    multinode.compare_files(nodes, [cfg0, cfg0])  # the same files on both: passes

    with pytest.raises(multinode.MultiNodeError) as err:
        multinode.compare_files(nodes, [cfg0, cfg1])
    assert str(err.value).startswith("node 1 (")
    assert "tiny-llama-demo/big.bin differs from the master node 0" in str(err.value)


def test_the_configured_master_listens(two_boxes, demo_copy, tmp_path):
    """The port listener runs on the master node (here node 1), not on the first node."""
    from tui_ft import multinode

    nodes = _nodes(two_boxes, tmp_path)
    calls = tmp_path / "py1-calls"
    wrapper = tmp_path / "py1"  # node 1's Python, noting what it is asked to run
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$2" >> {calls}\nexec {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    nodes[1].python = str(wrapper)
    multinode.check_reachable(nodes, "127.0.0.1", 29613, master=1)
    assert "s.listen(16)" in calls.read_text()

    calls.unlink()
    multinode.check_reachable(nodes, "127.0.0.1", 29613, master=0)
    assert "s.listen(16)" not in calls.read_text()  # node 1 only probed this time


def test_preflight_names_a_master_port_in_use(two_boxes, tmp_path):
    import socket

    from tui_ft import multinode

    nodes = _nodes(two_boxes, tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(multinode.MultiNodeError) as err:
            multinode.check_reachable(nodes, "127.0.0.1", port, master=1)
    msg = str(err.value)
    assert msg.startswith("node 0 (") and f"cannot listen on port {port}" in msg
    assert "in use" in msg


def test_multinode_with_a_yaml_list_is_one_line(tmp_path):
    import subprocess

    cfg = tmp_path / "train.yaml"
    cfg.write_text("- model_name_or_path: m\n- stage: sft\n")
    res = subprocess.run(
        [sys.executable, "-m", "tui_ft", "multinode", str(cfg), "--nodes", "a,b",
         "--master-addr", "10.0.0.1", "--run", "r"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr == f"tui-ft: {cfg}: expected a mapping of arguments, got list\n"
