"""A box over SSH as a `Host`: commands over exec channels, files over SFTP.

`SSHHost` is assembled from one module per job: `ssh_link` (the connection and its
link state), `ssh_exec` (commands) and `ssh_files` (SFTP).
"""

from __future__ import annotations

from tui_ft.host.base import ConnectionLost
from tui_ft.host.ssh_exec import command_line
from tui_ft.host.ssh_files import SSHFiles
from tui_ft.host.sshconfig import resolve

__all__ = ["ConnectionLost", "SSHHost", "command_line"]


class SSHHost(SSHFiles):
    is_remote = True

    @classmethod
    def from_spec(cls, spec: str, **kwargs) -> SSHHost:
        """Resolve an alias or pasted `ssh ...` line and connect (askers default to a TTY)."""
        if "ask_password" not in kwargs and "ask_passphrase" not in kwargs:
            from tui_ft.host.sshprompt import tty_asker

            kwargs["ask_password"] = kwargs["ask_passphrase"] = tty_asker()
        host = cls(resolve(spec), **kwargs)
        host.connect()
        return host
