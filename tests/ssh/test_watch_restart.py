"""`watch` started again after `--stop` prints the new daemon's pid (issue 29)."""

from __future__ import annotations

import json
import re

from tui_ft.cli import main


def _started(capsys) -> int:
    out = capsys.readouterr().out
    found = re.search(r"\(pid (\d+)\)", out)
    assert found and "watching" in out, out
    return int(found.group(1))


def _status_pid(box_args, capsys) -> int:
    assert main([*box_args, "watch", "--status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["pid"]


def test_watch_after_stop_prints_the_new_daemons_pid(ssh_home, box, box_tmp, monkeypatch, capsys):
    monkeypatch.setenv("TUI_FT_BOX_PYTHON", box.python)
    box_args = ["--host", "box", "--workspace", str(box_tmp / "ws")]
    try:
        assert main([*box_args, "watch"]) == 0
        first = _started(capsys)
        assert _status_pid(box_args, capsys) == first
        assert main([*box_args, "watch", "--stop"]) == 0
        assert f"pid {first}" in capsys.readouterr().out
        assert main([*box_args, "watch"]) == 0
        second = _started(capsys)
        assert second != first
        assert _status_pid(box_args, capsys) == second
    finally:
        main([*box_args, "watch", "--stop"])
