"""tui-ft on the box: is it there, which version, and installing it (`tui-ft remote`)."""

from tui_ft.remote.setup import RemoteStatus, install, install_plan, probe

__all__ = ["RemoteStatus", "install", "install_plan", "probe"]
