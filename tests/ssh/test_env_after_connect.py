"""The Environment screen shows the host it has just connected to, without `r` (issue 29)."""

from __future__ import annotations

from screens.app import TuiFtApp
from tests.ssh.test_connect_screen import _connect_to, _line, _settle
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.host.ssh import SSHHost
from tui_ft.workspace import Workspace


def _paths(app) -> list[str]:
    table = app.screen.query_one("#workspace-table")
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_the_environment_reloads_for_the_box_after_connect(ssh_home, sshd, box, tmp_path):
    laptop = tmp_path / "laptop-ws"
    host = LocalHost()
    app = TuiFtApp(config=Config(workspace=str(laptop)), host=host,
                   workspace=Workspace(host, str(laptop)), start_mode="env")  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # the laptop's overview first
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "EnvironmentScreen" and _paths(app):
                break
        assert any(p.startswith(str(laptop)) for p in _paths(app))
        await _connect_to(app, pilot, _line(sshd))
        await _settle(app, pilot)
        for _ in range(600):
            await pilot.pause(0.05)
            paths = _paths(app) if type(app.screen).__name__ == "EnvironmentScreen" else []
            if isinstance(app.host, SSHHost) and any(
                p.startswith(str(box.workspace)) for p in paths
            ):
                break
        assert isinstance(app.host, SSHHost)
        paths = _paths(app)
        assert paths and all(not p.startswith(str(laptop)) for p in paths), paths
        assert any(p.startswith(str(box.workspace)) for p in paths), paths
    app.host.close()
