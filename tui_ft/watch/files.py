"""Where the watch daemon keeps its files: `<workspace>/.tui-ft/watch/` on the box."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class WatchFiles:
    workspace: str

    @property
    def folder(self) -> str:
        return posixpath.join(self.workspace, ".tui-ft", "watch")

    @property
    def pid(self) -> str:
        return posixpath.join(self.folder, "pid")

    @property
    def log(self) -> str:
        return posixpath.join(self.folder, "watch.log")

    @property
    def state(self) -> str:
        """What the daemon sees, rewritten atomically on every look (for --status, the TUI)."""
        return posixpath.join(self.folder, "state.json")

    @property
    def settings(self) -> str:
        """The starting side's notify/watch settings, carried to the box."""
        return posixpath.join(self.folder, "settings.json")

    @property
    def cancel_poweroff(self) -> str:
        return posixpath.join(self.folder, "cancel-poweroff")
