"""`runs --json` over `--host` prints the box's own numbers (issue 29): times to the
nanosecond the box's stat gives, not whole seconds."""

from __future__ import annotations

import json

from tests.ssh.runs_factory import make_runs
from tui_ft.cli import main


def test_runs_json_over_the_link_equals_the_boxs_own(ssh_home, box, box_tmp, monkeypatch, capsys):
    monkeypatch.setenv("TUI_FT_BOX_PYTHON", box.python)
    ws = box_tmp / "ws"
    make_runs(ws / "runs", 6)
    box.chown(ws)
    own = json.loads(
        box.run([box.python, "-m", "tui_ft", "--workspace", str(ws), "runs", "--json"]).stdout
    )
    assert main(["--host", "box", "--workspace", str(ws), "runs", "--json"]) == 0
    linked = json.loads(capsys.readouterr().out)
    assert any(r["ended_at"] % 1 for r in own), "the factory's runs end within a second"
    assert linked == own
