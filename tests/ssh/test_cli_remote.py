"""Headless use over SSH: `tui-ft --host ALIAS ...` and `tui-ft remote ...`."""

from __future__ import annotations

import json

import pytest

from tui_ft import __version__
from tui_ft.cli import main


def test_remote_check_reports_tui_ft_on_the_box(ssh_home, box, capsys):
    # The box's own interpreter (a login shell's rc files may put another first).
    code = main(["remote", "check", "--host", "box", "--python", box.python, "--json"])
    status = json.loads(capsys.readouterr().out)
    assert status["tui_ft"] == __version__ and status["python_version"].startswith("3.")
    assert status["llamafactory"] is True
    assert code == (0 if status["ready"] else 1)
    assert main(["--host", "box", "remote", "check", "--python", "/nope/python3"]) == 1
    out = capsys.readouterr().out
    assert "/nope/python3 does not run on" in out and "--python" in out


def test_remote_setup_dry_run_shows_the_pip_command(capsys):
    assert main(["remote", "setup", "--dry-run", "--no-deps"]) == 0
    assert capsys.readouterr().out.strip() == (
        "$ python3 -m pip install --no-deps --upgrade tui-ft[train]"
    )


def test_trust_saves_only_the_matching_fingerprint(ssh_home, sshd, capsys):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")
    with pytest.raises(SystemExit):
        main(["remote", "trust", "--host", "box", "--fingerprint", "SHA256:not-it"])
    assert known.read_text() == ""
    fp = capsys.readouterr().out.split("fingerprint ")[1].split()[0]
    assert main(["remote", "trust", "--host", "box", "--fingerprint", fp]) == 0
    assert known.read_text().startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")


def test_headless_check_runs_on_the_box(ssh_home, ssh_host, box_tmp, capsys):
    """`tui-ft --host box check --json`: the checks run on the box through SSH."""
    code = main(["--host", "box", "--workspace", str(box_tmp / "ws"), "check", "--json"])
    doc = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c for c in doc["checks"]}
    assert code == (1 if doc["status"] == "fail" else 0)
    # The box's own python3 decides (its login shell's rc files may pick another python).
    if ssh_host.run(["python3", "-c", "import tui_ft"]).ok:
        assert len(checks) >= 3 and "tui-ft on the box" not in checks
    else:
        assert checks["tui-ft on the box"]["status"] == "fail"
