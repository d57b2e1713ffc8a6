"""`tui-ft data ...` headless, and the lint of a file on a remote host through the command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui_ft.cli import main
from tui_ft.datasets import lint_dataset
from tui_ft.host.local import LocalHost


def test_lint_exit_code_and_json(write_json, capsys):
    good = write_json([{"instruction": "q", "output": "a"}], "good.json")
    bad = write_json([{"instruction": "q", "output": ""}], "bad.json")
    assert main(["data", "lint", good]) == 0
    assert main(["data", "lint", bad, "--json"]) == 1
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["errors"] == 1
    assert report["findings"][0]["rule"] == "empty-response"
    assert report["findings"][0]["record"] == 0


def test_register_fill_and_list(demo_copy, capsys):
    ds = demo_copy / "datasets"
    assert main(["data", "fill", str(ds / "identity.json"), "--name", 'Ada "A"', "--author",
                 "Lab"]) == 0  # fmt: skip
    filled = ds / "identity_filled.json"
    records = json.loads(filled.read_text())
    assert records[2]["output"] == 'I am Ada "A", an AI assistant developed by Lab.'
    assert main(["data", "lint", str(filled)]) == 0
    assert "[placeholder]" not in capsys.readouterr().out

    rc = main(["data", "register", str(filled), "--dataset-dir", str(ds), "--name", "mine"])
    assert rc == 0
    info = json.loads((ds / "dataset_info.json").read_text())
    assert info["mine"]["file_name"] == "identity_filled.json"
    assert "identity_demo" in info
    capsys.readouterr()
    assert main(["data", "list", str(ds), "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["mine"]["present"] and rows["identity_demo"]["present"]


def test_register_refuses_a_file_with_errors(write_json, tmp_path, capsys):
    bad = write_json([{"instruction": "q", "output": " "}], "bad.json")
    with pytest.raises(SystemExit) as exc:  # refused: never a silent 0
        main(["data", "register", bad, "--dataset-dir", str(tmp_path), "--name", "b"])
    assert exc.value.code == 1
    assert not (tmp_path / "dataset_info.json").exists()
    assert "empty-response" in capsys.readouterr().err


class _BoxHost(LocalHost):
    """This machine seen as a remote box: commands run for real, only `is_remote` differs."""

    is_remote = True
    name = "box"


def test_remote_lint_runs_the_command_on_the_host(write_json):
    path = write_json([{"instruction": "q", "output": ""}, {"instruction": "q", "output": ""}])
    report = lint_dataset(_BoxHost(), path)  # its python: this interpreter
    assert report.records == 2 and report.errors == 2
    assert {f.rule for f in report.findings} == {"empty-response", "duplicate"}
    assert report.findings[0].line == 2


def test_cli_module_stays_light():
    code = "import sys; from tui_ft.cli import build_parser; build_parser(); "
    code += "print(any(m.startswith(('transformers', 'numpy', 'pyarrow')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
