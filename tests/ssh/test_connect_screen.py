"""The Connect screen, driven with Pilot against the real sshd."""

from __future__ import annotations

from screens.app import TuiFtApp
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.host.ssh import SSHHost
from tui_ft.workspace import Workspace


def make_app(root) -> TuiFtApp:
    host = LocalHost()
    ws = Workspace(host, str(root))
    # Start on the Runs area: the environment checks of the default area are not under test.
    return TuiFtApp(config=Config(workspace=str(root)), host=host, workspace=ws, start_mode="runs")


async def _settle(app, pilot):
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "connect"])
    await pilot.pause()


async def test_connect_shows_fingerprint_then_switches_the_app_to_the_box(
    ssh_home, sshd, box, tmp_path
):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")  # first contact
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "ConnectScreen"
        assert [str(o.prompt) for o in screen.query_one("#aliases").options] == ["box", "jumped"]
        screen.query_one("#spec").value = f"ssh -p {sshd.port} {sshd.user}@127.0.0.1"
        await pilot.press("enter")
        await _settle(app, pilot)
        fingerprint = str(screen.query_one("#fingerprint").render())
        assert "SHA256:" in fingerprint and f"[127.0.0.1]:{sshd.port}" in fingerprint
        assert screen.query_one("#hostkey").display and known.read_text() == ""
        await pilot.click("#accept")
        await _settle(app, pilot)
        await pilot.pause()
        assert known.read_text().startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
        assert isinstance(app.host, SSHHost)
        assert f"host: {sshd.user}@127.0.0.1:{sshd.port}" in app.sub_title
        assert app.workspace.host is app.host
        # the box's own workspace: its data disk (~/autodl-tmp), not the laptop's path
        assert app.workspace.root == str(box.workspace)
        assert f"workspace: {box.workspace}" in app.sub_title
        assert app.host.run(["echo", "on the box"]).stdout == "on the box\n"
    app.host.close()


async def test_connect_reports_a_bad_line_and_cancel_keeps_the_host(ssh_home, tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#spec").value = "ssh -p notaport root@x"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "bad port 'notaport'" in str(screen.query_one("#status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.host, LocalHost) and "host: local" in app.sub_title
