"""A box over SSH as a `Host`: commands over exec channels, files over SFTP.

`SSHHost` is assembled from one module per job: `ssh_link` (the connection and its
link state), `ssh_exec` (commands) and `ssh_files` (SFTP).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_ft.host.base import ConnectionLost
from tui_ft.host.ssh_exec import command_line
from tui_ft.host.ssh_files import SSHFiles
from tui_ft.host.sshconfig import resolve

if TYPE_CHECKING:
    import paramiko

    from tui_ft.config import Config
    from tui_ft.host.profile import BoxProfile

__all__ = ["ConnectionLost", "SSHHost", "command_line"]


class SSHHost(SSHFiles):
    is_remote = True
    _profile: BoxProfile | None = None
    _python: str | None = None  # set explicitly (a flag, a venv just made): wins
    _laptop_config: Config | None = None

    @property
    def profile(self) -> BoxProfile:
        """The box's profile, resolved on first use and kept for the connection."""
        if self._profile is None:
            from tui_ft.host.profile import resolve_profile

            self._profile = resolve_profile(self, self._laptop_config, self._python)
        return self._profile

    def use_config(self, config: Config | None = None, python: str | None = None) -> None:
        """Resolve the profile (on first use) from this laptop config and explicit python."""
        self._laptop_config, self._profile = config, None
        if python:
            self._python = python

    @property
    def python(self) -> str:  # type: ignore[override] - Host's is a plain attribute
        """The box's interpreter with tui-ft: the profile's (tui_ft.host.profile)."""
        return self._python or self.profile.python

    @python.setter
    def python(self, value: str) -> None:
        self._python, self._profile = value, None  # resolved again: "flag" now wins

    # -- the link's public surface for long-lived processes (the agent, followers) ----
    def open_process(self, argv: list[str]) -> tuple[paramiko.Channel, int]:
        """Start `argv` on its own exec channel: (the channel, its pid on the box). The
        caller talks to it over the channel; `kill(pid)` ends it."""
        return self._open(argv, None, None, combine=False)

    def kill(self, pid: int) -> None:
        """SIGTERM `pid` on the box, best effort (a cut link or a gone process is fine)."""
        self._kill(pid)

    @classmethod
    def from_spec(cls, spec: str, **kwargs) -> SSHHost:
        """Resolve an alias or pasted `ssh ...` line and connect (askers default to a TTY)."""
        if "ask_password" not in kwargs and "ask_passphrase" not in kwargs:
            from tui_ft.host.sshprompt import tty_asker

            kwargs["ask_password"] = kwargs["ask_passphrase"] = tty_asker()
        host = cls(resolve(spec), **kwargs)
        host.connect()
        return host
