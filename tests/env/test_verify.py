"""Model-folder verification: the demo passes, each fault names the file and the reason."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from tests.env.conftest import modelscope_manifest
from tui_ft.host import LocalHost
from tui_ft.models import verify_model
from tui_ft.models.hashing import sha256_files
from tui_ft.models.manifest import ManifestError, load_manifest, parse_manifest
from tui_ft.models.verify import verify_dir

LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 4976698672\n"
)


def failures(report) -> dict[str, str]:
    """{file name: reason} of the failed findings."""
    return {os.path.basename(c.path): c.reason for c in report.findings if c.status == "fail"}


def test_demo_model_passes(demo_model):
    report = verify_dir(str(demo_model), sha256=True)
    assert report.status == "ok", report.findings
    names = {f.path for f in report.files}
    assert {"config.json", "model.safetensors", "tokenizer.model"} <= names
    st = next(f for f in report.files if f.path == "model.safetensors")
    data = (demo_model / "model.safetensors").read_bytes()
    assert st.size == len(data) and st.sha256 == hashlib.sha256(data).hexdigest()


def test_intact_sharded_model_passes_with_manifest_and_sha256(sharded, tmp_path):
    manifest = tmp_path / "ms.json"
    manifest.write_text(json.dumps(modelscope_manifest(sharded)))
    report = verify_dir(str(sharded), load_manifest(str(manifest)), sha256=True)
    assert report.status == "ok", report.findings
    assert report.sha256_checked and all(f.sha256 for f in report.files)


def test_truncated_shard(sharded):
    shard = sharded / "model-00002-of-00003.safetensors"
    data = shard.read_bytes()
    shard.write_bytes(data[:-100])
    report = verify_dir(str(sharded))
    reason = failures(report)[shard.name]
    assert "truncated" in reason and "100 missing" in reason
    row = next(f for f in report.files if f.path == shard.name)
    assert row.status == "fail"


def test_lfs_pointer_instead_of_shard(sharded):
    shard = sharded / "model-00001-of-00003.safetensors"
    shard.write_text(LFS_POINTER)
    reason = failures(verify_dir(str(sharded)))[shard.name]
    assert "git-LFS pointer" in reason and f"({len(LFS_POINTER)} bytes)" in reason


def test_missing_shard_named_in_index(sharded):
    (sharded / "model-00003-of-00003.safetensors").unlink()
    reason = failures(verify_dir(str(sharded)))["model-00003-of-00003.safetensors"]
    assert "missing" in reason and "model.safetensors.index.json" in reason


def test_corrupt_safetensors_header(sharded):
    shard = sharded / "model-00002-of-00003.safetensors"
    data = bytearray(shard.read_bytes())
    data[8:12] = b"\xff\xfe{]"  # the JSON header no longer parses
    shard.write_bytes(bytes(data))
    assert "not valid JSON" in failures(verify_dir(str(sharded)))[shard.name]


def test_html_page_instead_of_shard_reads_as_bad_header_length(sharded):
    shard = sharded / "model-00002-of-00003.safetensors"
    shard.write_bytes(b"<!DOCTYPE html><html>" + b"x" * 2000)
    assert "header length" in failures(verify_dir(str(sharded)))[shard.name]


def test_size_mismatch_against_manifest(sharded, tmp_path):
    raw = modelscope_manifest(sharded)
    entry = next(f for f in raw["Data"]["Files"] if f["Path"] == "tokenizer.json")
    entry["Size"] += 7
    reason = failures(verify_dir(str(sharded), parse_manifest(raw)))["tokenizer.json"]
    assert "the manifest says" in reason and str(entry["Size"]) in reason


def test_sha256_mismatch_only_when_hashing(sharded):
    raw = modelscope_manifest(sharded)
    shard = sharded / "model-00001-of-00003.safetensors"
    data = bytearray(shard.read_bytes())
    data[-1] ^= 0xFF  # same size, same header: only the hash can tell
    shard.write_bytes(bytes(data))
    manifest = parse_manifest(raw)
    assert verify_dir(str(sharded), manifest).status == "ok"
    reason = failures(verify_dir(str(sharded), manifest, sha256=True))[shard.name]
    assert "sha256" in reason and "differs" in reason


def test_missing_config_and_tokenizer(sharded):
    (sharded / "config.json").unlink()
    (sharded / "tokenizer.json").unlink()
    report = verify_dir(str(sharded))
    reasons = {c.name: c.reason for c in report.findings if c.status == "fail"}
    assert "config.json missing" in reasons["config"]
    assert "no tokenizer files" in reasons["tokenizer"]


def test_huggingface_manifest_shapes(sharded):
    files = sorted(sharded.iterdir())
    tree = [{"type": "file", "path": p.name, "size": p.stat().st_size} for p in files]
    tree[0]["lfs"] = {"oid": "ab" * 32, "size": files[0].stat().st_size}
    parsed = parse_manifest(tree)
    assert parsed[files[0].name].sha256 == "ab" * 32
    assert parsed[files[1].name].sha256 is None
    info = {"siblings": [{"rfilename": "a.bin", "size": 3, "lfs": {"sha256": "CD" * 32}}]}
    assert parse_manifest(info)["a.bin"].sha256 == "cd" * 32
    with pytest.raises(ManifestError, match="entry 0"):
        parse_manifest({"files": [{"size": 1}]})


def test_parallel_hashing_matches_hashlib_and_reports_progress(sharded):
    paths = [str(p) for p in sorted(sharded.iterdir())]
    seen: list[tuple[int, int]] = []
    digests = sha256_files(paths, workers=2, progress=lambda d, t: seen.append((d, t)))
    for p in paths:
        with open(p, "rb") as fh:
            assert digests[p] == hashlib.sha256(fh.read()).hexdigest()
    total = sum(os.path.getsize(p) for p in paths)
    assert max(seen)[0] == total and all(t == total for _, t in seen)


def test_verify_on_a_remote_box_runs_there(box, sharded, tmp_path):
    """A remote host answers through `python3 -m tui_ft model verify --json` on the box."""
    (sharded / "model-00003-of-00003.safetensors").write_text(LFS_POINTER)
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps(modelscope_manifest(sharded)))
    seen: list[int] = []
    report = verify_model(box, str(sharded), str(manifest), True, lambda d, t: seen.append(d))
    assert "git-LFS pointer" in failures(report)["model-00003-of-00003.safetensors"]
    assert seen, "progress lines from the box reach the caller"
    local = verify_model(LocalHost(), str(sharded), str(manifest), True)
    assert failures(local) == failures(report)


def test_missing_folder(tmp_path):
    report = verify_dir(str(tmp_path / "nope"))
    assert report.status == "fail" and "is not a folder" in report.findings[0].reason


def test_copy_of_demo_with_truncated_weights(demo_copy):
    model = demo_copy / "models" / "tiny-llama-demo"
    shutil.copy(model / "model.safetensors", model / "backup.bin.txt")
    st = model / "model.safetensors"
    st.write_bytes(st.read_bytes()[: st.stat().st_size // 2])
    assert "truncated" in failures(verify_dir(str(model)))["model.safetensors"]
