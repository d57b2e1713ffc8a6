"""tui-ft on the box: is it there, which version, and installing it (`tui-ft remote`);
and reading the box in few round trips: folder trees (`tree`), file reads (`files`) and
the Runs table (`runs_table`), through the link's agent (`tui_ft.host.agent`)."""

from tui_ft.remote.setup import RemoteStatus, install, install_plan, probe

__all__ = ["RemoteStatus", "install", "install_plan", "probe"]
