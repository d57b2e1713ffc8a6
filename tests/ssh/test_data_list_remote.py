"""`data list` over `--host` is the box's own command in one call (issue 29): a few round
trips whatever the number of datasets, and the same rows as on the box itself."""

from __future__ import annotations

import json

import pytest

from tests.ssh.proxy import count_round_trips
from tui_ft.cli import main


@pytest.fixture
def box_python(ssh_home, box, monkeypatch):
    monkeypatch.setenv("TUI_FT_BOX_PYTHON", box.python)  # the box's python3 is another one


def _listed(capsys, *argv: str) -> tuple[int, list[dict]]:
    code = main(["--host", "box", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_data_list_costs_two_round_trips_relative_or_absolute(box_python, box, box_demo, capsys):
    datasets = box.workspace / "datasets"
    on_box = box.run([box.python, "-m", "tui_ft", "data", "list", str(datasets), "--json"])
    expected = json.loads(on_box.stdout)
    assert expected, "the demo registers datasets"

    with count_round_trips() as relative:  # first contact: the box names its workspace
        code, rows = _listed(capsys, "data", "list", "datasets")
    assert code == 0 and rows == expected
    assert relative.channels + relative.sftp + relative.agent <= 2, relative.log

    with count_round_trips() as absolute:
        code, rows = _listed(capsys, "data", "list", str(datasets))
    assert code == 0 and rows == expected
    assert absolute.channels + absolute.sftp + absolute.agent <= 2, absolute.log

    # What the laptop ran on the box, its catalog cache warm now: no LLaMA-Factory import.
    timed = box.run([box.python, "-X", "importtime", "-m", "tui_ft", "data", "list",
                     str(datasets), "--json"])  # fmt: skip
    assert json.loads(timed.stdout) == expected
    assert "llamafactory" not in timed.stderr


def test_data_list_of_a_missing_folder_is_an_error_naming_the_box(box_python, box_demo, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--host", "box", "data", "list", "/nonexistent"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "/nonexistent: no such file or folder on " in err and "Traceback" not in err
