"""`tui-ft --host ALIAS` to a box whose host key is unknown asks the fingerprint question in
the TUI (its Connect screen): `a` accepts and connects, Escape rejects (issue 29). The
headless commands keep their one-line refusal."""

from __future__ import annotations

import argparse

from tests.apps import until
from tui_ft.cli import main
from tui_ft.cli.tui import build_app
from tui_ft.host import LocalHost
from tui_ft.host.ssh import SSHHost


async def _question(app, pilot) -> None:
    await until(pilot, lambda: type(app.screen).__name__ == "ConnectScreen", "the Connect screen")
    screen = app.screen
    await until(pilot, lambda: screen.query_one("#hostkey").display, "the fingerprint question")
    assert "SHA256:" in str(screen.query_one("#fingerprint").render())


async def test_first_contact_from_the_command_line_asks_in_the_tui(ssh_home, sshd, box, tmp_path):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")
    app = build_app(argparse.Namespace(host="box", workspace=None))
    async with app.run_test(size=(100, 40)) as pilot:
        await _question(app, pilot)
        assert known.read_text() == ""  # nothing accepted by default
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.host, SSHHost), "the connection")
        assert known.read_text().startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
        assert app.workspace.root == str(box.workspace)
    app.host.close()


async def test_escape_rejects_the_key_and_the_headless_refusal_stays(
    ssh_home, sshd, tmp_path, capsys
):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")
    app = build_app(argparse.Namespace(host="box", workspace=None))
    async with app.run_test(size=(100, 40)) as pilot:
        await _question(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert "not accepted" in str(app.screen.query_one("#status").render())
        assert isinstance(app.host, LocalHost) and known.read_text() == ""
    assert main(["--host", "box", "runs"]) == 2  # headless: one line, no question
    assert "remote trust" in capsys.readouterr().err
