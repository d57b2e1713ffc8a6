"""tui-ft on the box: is it there, which version, and installing it (`tui-ft remote`);
and reading the box in few round trips: the agent (`agent`, `agent_box`), folder trees
(`tree`), file reads (`files`) and the Runs table (`runs_table`)."""

from tui_ft.remote.setup import RemoteStatus, install, install_plan, probe

__all__ = ["RemoteStatus", "install", "install_plan", "probe"]
