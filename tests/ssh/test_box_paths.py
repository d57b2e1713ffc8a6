"""`--host` commands: a relative path is in the box's workspace, not the box's home.

Commands over SSH start in the box user's home; decoys there (a dataset, a model
folder), and the same in the laptop's current folder, would be read instead if a
relative path resolved on the wrong side.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tui_ft.cli import main

pytestmark = pytest.mark.ssh

DECOY = '{"not": "a dataset"\n'  # broken JSON: linting it gives a different report


DECOYS = ("identity.json", "datasets/identity.json", "tiny-llama-demo/config.json")


@pytest.fixture
def decoys(box, tmp_path, monkeypatch):
    """Broken look-alikes of the demo's files in the box's home and the laptop's cwd."""
    for root in (box.home, tmp_path):
        for rel in DECOYS:
            (root / rel).parent.mkdir(exist_ok=True)
            (root / rel).write_text(DECOY)
            if root == box.home:
                box.chown(root / rel.split("/")[0])
    monkeypatch.chdir(tmp_path)
    yield
    for rel in ("identity.json", "datasets", "tiny-llama-demo"):
        path = box.home / rel
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _lint(capsys, *argv: str) -> dict:
    assert main(["--host", "box", "data", "lint", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_data_lint_resolves_relative_paths_in_the_box_workspace(
    ssh_home, box, box_demo, decoys, capsys
):
    real = box.workspace / "datasets" / "identity.json"
    records = len(json.loads(real.read_text()))
    for given in ("datasets/identity.json", "identity.json"):  # the second: in dataset_dir
        report = _lint(capsys, given)
        assert report["path"] == str(real) and report["records"] == records, given
        assert report["errors"] == 0

    assert main(["--host", "box", "data", "lint", "identity.json"]) == 0
    assert f"{records} records" in capsys.readouterr().out

    with pytest.raises(SystemExit) as exited:
        main(["--host", "box", "data", "lint", "missing.json"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tui-ft: {box.workspace}/missing.json: no such file or folder on ")

    assert main(["--host", "box", "data", "list", "datasets", "--json"]) == 0
    names = [d["name"] for d in json.loads(capsys.readouterr().out)]
    assert "identity_demo" in names
    assert sorted(os.listdir(ssh_home)) == [".ssh"]


def test_register_and_preview_with_an_explicit_workspace(
    ssh_home, box, box_demo_copy, decoys, capsys
):
    ws = ["--host", "box", "--workspace", str(box_demo_copy)]
    argv = [*ws, "data", "register", "identity.json", "--dataset-dir", "datasets"]
    assert main([*argv, "--name", "identity_rel"]) == 0
    capsys.readouterr()
    info = json.loads((box_demo_copy / "datasets" / "dataset_info.json").read_text())
    assert info["identity_rel"]["file_name"] == "identity.json"

    assert main([*ws, "data", "preview", "identity.json", "--count", "1", "--json"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert len(page["records"]) == 1 and page["records"][0]["turns"]
    assert not [p for p in box.foreign_files() if (box.home / "tmp") not in p.parents]


def test_model_verify_and_check_find_a_model_name_in_the_box_workspace(
    ssh_home, box, box_demo, decoys, capsys
):
    model = box.workspace / "models" / "tiny-llama-demo"
    assert main(["--host", "box", "model", "verify", "tiny-llama-demo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(model) and report["status"] != "fail"

    argv = ["--host", "box", "check", "--model", "models/tiny-llama-demo", "--json"]
    assert main(argv) in (0, 1)  # the box may lack a GPU: the model part is what counts
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"]["path"] == str(model) and doc["model"]["status"] != "fail"
    assert sorted(os.listdir(ssh_home)) == [".ssh"]


def test_eval_finds_its_model_and_adapter_in_the_box_workspace(
    ssh_home, box, box_demo, decoys, capsys
):
    """The errors name the box workspace's paths: the lookup went there, not to the home."""
    (box.home / "tiny-llama-demo" / "config.json").unlink()  # a folder with no model in it
    base = ["--host", "box", "eval", "--model", "tiny-llama-demo", "--dataset", "nope"]
    for argv, named in (
        ([*base, "--adapter", "runs/none"], f"{box.workspace}/runs/none: no LoRA adapter"),
        (base, f"{box.workspace}/datasets/dataset_info.json: no dataset named 'nope'"),
    ):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
        assert named in capsys.readouterr().err, argv
