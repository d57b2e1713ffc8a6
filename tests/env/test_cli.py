"""`tui-ft check` and `tui-ft model`: JSON that names each check, exit 0 only when none failed."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.env.conftest import write_sharded_model
from tui_ft.cli import main


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_check_json_with_the_demo_model_exits_zero(capsys, demo_workspace, demo_model):
    code, doc = run_json(
        capsys, "--workspace", str(demo_workspace), "check", "--model", str(demo_model), "--json"
    )
    assert code == 0 and doc["counts"]["fail"] == 0
    names = {c["name"]: c for c in doc["checks"]}
    assert {"python", "torch", "cuda", "nvidia", "llamafactory", "hub"} <= set(names)
    assert names["model files"]["status"] == "ok"
    assert names["model files"]["path"] == str(demo_model)
    assert doc["model"]["files"] and all({"path", "size"} <= set(f) for f in doc["model"]["files"])


def test_check_fails_on_a_broken_model_and_names_the_file(capsys, tmp_path):
    model = write_sharded_model(tmp_path / "m")
    (model / "model-00002-of-00003.safetensors").unlink()
    code, doc = run_json(capsys, "check", "--model", str(model), "--json")
    assert code == 1 and doc["status"] == "fail"
    bad = [c for c in doc["checks"] if c["status"] == "fail"]
    assert bad[0]["path"] == str(model / "model-00002-of-00003.safetensors")
    assert "missing" in bad[0]["reason"] and bad[0]["fix"]


def test_check_bad_manifest_is_a_clear_error(capsys, tmp_path):
    model = write_sharded_model(tmp_path / "m")
    (tmp_path / "bad.json").write_text("{not json")
    code = subprocess.run(
        [sys.executable, "-m", "tui_ft", "check", "--model", str(model), "--manifest",
         str(tmp_path / "bad.json")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert code.returncode == 2 and "bad.json: not valid JSON" in code.stderr


def test_model_verify_list_and_state(capsys, tmp_path):
    ws = tmp_path / "ws"
    model = write_sharded_model(ws / "models" / "org" / "sharded")
    code, report = run_json(capsys, "--workspace", str(ws), "model", "verify", "org/sharded",
                            "--sha256", "--json")  # fmt: skip
    assert code == 0 and report["status"] == "ok" and report["sha256_checked"]
    code, listing = run_json(capsys, "--workspace", str(ws), "model", "list", "--json")
    assert [(m["name"], m["state"]) for m in listing] == [("org/sharded", "ok")]
    (model / "model-00001-of-00003.safetensors").write_bytes(b"\0" * 16)
    _, listing = run_json(capsys, "--workspace", str(ws), "model", "list", "--json")
    assert listing[0]["state"] == "changed"
    code = main(["--workspace", str(ws), "model", "verify", str(model)])
    out = capsys.readouterr().out
    assert code == 1 and "model-00001-of-00003.safetensors" in out and "FAIL" in out
    _, listing = run_json(capsys, "--workspace", str(ws), "model", "list", "--json")
    assert listing[0]["state"] == "fail"
