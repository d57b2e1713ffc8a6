"""`tui-ft model download --hub hf` against a loopback hub through HF_ENDPOINT.

The real huggingface_hub client runs in a subprocess (it reads its endpoint and
offline settings at import, as on a user's box); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from tests.env.conftest import write_sharded_model
from tests.env.hubserver import HubServer

REPO = "tiny-org/tiny-sharded"


def hub_files(tmp_path: Path, big_shard: str | None = None) -> dict[str, bytes]:
    """The repository's files; `big_shard` gets a 24 MiB tensor, more than the client's
    10 MiB read chunk, so a cut transfer leaves bytes on disk to resume from."""
    src = write_sharded_model(tmp_path / "src")
    if big_shard:
        name = "layers.1.big"
        save_file({name: np.arange(6 * 2**20, dtype=np.float32)}, str(src / big_shard))
        index = json.loads((src / "model.safetensors.index.json").read_text())
        index["weight_map"] = {k: v for k, v in index["weight_map"].items() if v != big_shard}
        index["weight_map"][name] = big_shard
        (src / "model.safetensors.index.json").write_text(json.dumps(index))
    return {p.name: p.read_bytes() for p in src.iterdir()}


def download(tmp_path: Path, hub: HubServer) -> tuple[subprocess.CompletedProcess, Path]:
    env = dict(os.environ, HF_ENDPOINT=hub.url(), HF_HOME=str(tmp_path / "hf-home"))
    env.pop("HF_HUB_OFFLINE", None)
    env.update(HF_HUB_DISABLE_PROGRESS_BARS="1", NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    ws = tmp_path / "ws"
    argv = [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "model", "download", REPO,
            "--hub", "hf", "--json"]  # fmt: skip
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    return proc, ws / "models" / REPO


def test_download_resumes_a_cut_transfer_and_verifies_sha256(tmp_path):
    shard = "model-00002-of-00003.safetensors"
    files = hub_files(tmp_path, big_shard=shard)
    with HubServer(REPO, files) as hub:
        hub.drop_once.add(shard)
        proc, dest = download(tmp_path, hub)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["status"] == "ok" and report["sha256_checked"]
    for name, data in files.items():
        assert (dest / name).read_bytes() == data
    shard_gets = [r for n, r in hub.ranges if n == shard]
    assert len(shard_gets) == 2 and shard_gets[1].startswith("bytes=")  # resumed, not restarted
    assert int(shard_gets[1][6:].split("-")[0]) > 0
    hashed = {f["path"] for f in report["files"] if f["sha256"]}
    assert {n for n in files if n.endswith(".safetensors")} <= hashed


def test_download_with_a_corrupted_shard_fails_verification(tmp_path):
    files = hub_files(tmp_path)
    shard = "model-00003-of-00003.safetensors"
    published = {shard: __import__("hashlib").sha256(files[shard]).hexdigest()}
    corrupt = bytearray(files[shard])
    corrupt[-1] ^= 0xFF  # what arrives differs from what the hub published
    files[shard] = bytes(corrupt)
    with HubServer(REPO, files, etags=published) as hub:
        proc, _ = download(tmp_path, hub)
    assert proc.returncode == 1, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    bad = {os.path.basename(c["path"]): c["reason"] for c in report["checks"]
           if c["status"] == "fail"}  # fmt: skip
    assert "sha256" in bad[shard]


def test_unreachable_hub_is_a_one_line_error(tmp_path):
    with HubServer(REPO, {}) as hub:
        url = hub.url()
    env = dict(os.environ, HF_ENDPOINT=url, HF_HOME=str(tmp_path / "h"), HF_HUB_ETAG_TIMEOUT="2")
    env.pop("HF_HUB_OFFLINE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "--workspace", str(tmp_path), "model", "download",
         REPO, "--hub", "hf"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("tui-ft: ") and REPO in last and url in last


# -- ModelScope (the default hub) ------------------------------------------------------


def ms_download(tmp_path: Path, hub) -> tuple[subprocess.CompletedProcess, Path]:
    env = dict(os.environ, MODELSCOPE_ENDPOINT=hub.url(), MODELSCOPE_CACHE=str(tmp_path / "ms"),
               NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")  # fmt: skip
    env.pop("MODELSCOPE_DOMAIN", None)
    ws = tmp_path / "ws"
    argv = [sys.executable, "-m", "tui_ft", "--workspace", str(ws), "model", "download", REPO,
            "--hub", "modelscope", "--json"]  # fmt: skip
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    return proc, ws / "models" / REPO


def test_modelscope_download_resumes_and_checks_the_published_sha256(tmp_path):
    from tests.env.hubserver import ModelScopeServer

    shard = "model-00002-of-00003.safetensors"
    files = hub_files(tmp_path, big_shard=shard)
    with ModelScopeServer(REPO, files) as hub:
        hub.drop_once.add(shard)
        proc, dest = ms_download(tmp_path, hub)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["status"] == "ok" and report["sha256_checked"]
    for name, data in files.items():
        assert (dest / name).read_bytes() == data
    shard_gets = [r for n, r in hub.ranges if n == shard]
    assert len(shard_gets) == 2 and int(shard_gets[1][6:].split("-")[0]) > 0  # resumed
    hashed = {f["path"] for f in report["files"] if f["sha256"]}
    assert set(files) <= hashed  # every published hash was checked, not only the shards


def test_modelscope_shard_that_differs_from_its_published_hash_fails(tmp_path):
    from tests.env.hubserver import ModelScopeServer

    files = hub_files(tmp_path)
    shard = "model-00003-of-00003.safetensors"
    with ModelScopeServer(REPO, files) as hub:
        corrupt = bytearray(files[shard])
        corrupt[-1] ^= 0xFF
        hub.served[shard] = bytes(corrupt)
        proc, dest = ms_download(tmp_path, hub)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("tui-ft: ") and shard in last and "hash" in last.lower()
    assert not (dest / shard).exists()  # a file that failed its hash is not left in place


def test_this_machines_config_beats_its_environment_and_a_flag_beats_both(tmp_path):
    """`hub`/`modelscope_endpoint` in the config win over HF_ENDPOINT/USE_MODELSCOPE_HUB;
    `--hub hf` on the command line wins over the config."""
    from tests.env.hubserver import ModelScopeServer

    files = hub_files(tmp_path)
    with HubServer(REPO, files) as hf, ModelScopeServer(REPO, files) as ms:
        config = tmp_path / "config.yaml"
        config.write_text(f"hub: modelscope\nmodelscope_endpoint: {ms.url()}\n")
        env = dict(os.environ, TUI_FT_CONFIG=str(config), USE_MODELSCOPE_HUB="0",
                   HF_ENDPOINT=hf.url(), HF_HOME=str(tmp_path / "hf-home"),
                   MODELSCOPE_CACHE=str(tmp_path / "ms"), NO_PROXY="127.0.0.1")  # fmt: skip
        env.pop("HF_HUB_OFFLINE", None)
        base = [sys.executable, "-m", "tui_ft", "--workspace", str(tmp_path / "ws"), "model",
                "download", REPO, "--json"]  # fmt: skip
        for dest, extra in (("by-config", []), ("by-flag", ["--hub", "hf"])):
            argv = [*base, "--dest", str(tmp_path / dest), *extra]
            proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr[-2000:]
            assert (tmp_path / dest / "config.json").read_bytes() == files["config.json"]
            hub = "hf" if extra else "modelscope"
            assert f"from {hub} at " in proc.stderr, proc.stderr
            if not extra:
                assert ms.ranges and not hf.requests  # the environment's HF was not asked
    assert hf.ranges  # the flag's hub was
