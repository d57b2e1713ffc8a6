"""Host keys checked against ~/.ssh/known_hosts; nothing is ever accepted silently.

An unknown key raises `UnknownHostKey` carrying its SHA256 fingerprint: the caller
shows it, and only when the user accepts it does `KnownHosts.accept` save it. A key
that differs from the saved one raises `HostKeyChanged` and is refused.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tui_ft.host.base import HostError

if TYPE_CHECKING:
    import paramiko


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's `SHA256:...` form, what `ssh` prints and what providers publish."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def host_entry(hostname: str, port: int) -> str:
    """known_hosts names a non-default port as `[host]:port`."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


class HostKeyProblem(HostError):
    def __init__(self, message: str, hostname: str, port: int, key: paramiko.PKey) -> None:
        super().__init__(message)
        self.hostname = hostname
        self.port = port
        self.key = key
        self.key_type = key.get_name()
        self.fingerprint = fingerprint(key)
        self.known_hosts: KnownHosts | None = None
        """The files it was checked against; `accept` saves there (set by `verify`)."""

    def accept(self) -> None:
        """Save the key the user accepted, where ssh would look for it (UserKnownHostsFile)."""
        (self.known_hosts or KnownHosts()).accept(self.hostname, self.port, self.key)


class UnknownHostKey(HostKeyProblem):
    """First contact: the user must compare the fingerprint and accept it."""

    def __init__(self, hostname: str, port: int, key: paramiko.PKey) -> None:
        fp = fingerprint(key)
        super().__init__(
            f"the authenticity of {host_entry(hostname, port)} can't be established: "
            f"{key.get_name()} key fingerprint is {fp}. Accept it in the Connect screen "
            f"or with `tui-ft remote trust --host ...`",
            hostname,
            port,
            key,
        )


class HostKeyChanged(HostKeyProblem):
    """The box presents another key than the saved one: maybe a man in the middle."""

    def __init__(self, hostname: str, port: int, key: paramiko.PKey, path: Path) -> None:
        super().__init__(
            f"WARNING: the host key of {host_entry(hostname, port)} has CHANGED "
            f"(now {key.get_name()} {fingerprint(key)}). Someone could be intercepting the "
            f"connection, or the box was reinstalled. Refusing to connect; if you are sure, "
            f"remove its line from {path} and connect again.",
            hostname,
            port,
            key,
        )


def known_hosts_path() -> Path:
    env = os.environ.get("TUI_FT_KNOWN_HOSTS")
    return Path(env) if env else Path.home() / ".ssh" / "known_hosts"


class KnownHosts:
    """known_hosts files: `path` (where an accepted key is written) and `also` (read too:
    the other UserKnownHostsFile entries and GlobalKnownHostsFile, as ssh reads them)."""

    def __init__(self, path: Path | None = None, also: tuple[Path, ...] = ()) -> None:
        self.chosen = path is not None or bool(os.environ.get("TUI_FT_KNOWN_HOSTS"))
        self.path = path or known_hosts_path()
        self.also = also

    def for_target(self, files: tuple[str, ...], user_files: int) -> KnownHosts:
        """The files the resolved ssh config names for a host (`ssh -G`'s UserKnownHostsFile
        and GlobalKnownHostsFile); a path given here or in TUI_FT_KNOWN_HOSTS wins."""
        if self.chosen or not files:
            return self
        paths = tuple(Path(f) for f in files)
        if not user_files:  # UserKnownHostsFile none: nowhere of the user's to save to
            return KnownHosts(self.path, paths)
        return KnownHosts(paths[0], paths[1:])

    def _load(self) -> paramiko.HostKeys:
        import paramiko

        keys = paramiko.HostKeys()
        for path in (self.path, *self.also):
            if path.is_file():
                try:
                    keys.load(str(path))  # hashed (|1|...) entries are understood too
                except OSError:
                    continue  # unreadable (e.g. another user's): ssh skips it too
        return keys

    def verify(self, hostname: str, port: int, key: paramiko.PKey) -> None:
        """Pass silently for a known key; raise UnknownHostKey or HostKeyChanged otherwise."""
        entry = host_entry(hostname, port)
        saved = self._load().lookup(entry)
        problem: HostKeyProblem
        if not saved:
            problem = UnknownHostKey(hostname, port, key)
        else:
            same_type = saved.get(key.get_name())
            if same_type is not None and same_type.asbytes() == key.asbytes():
                return
            # A saved key of this type that differs, or saved keys of other types only:
            # both mean the box does not prove it is the one we met before.
            problem = HostKeyChanged(hostname, port, key, self.path)
        problem.known_hosts = self
        raise problem

    def accept(self, hostname: str, port: int, key: paramiko.PKey) -> None:
        """Append the key (the user accepted its fingerprint); existing lines are kept."""
        line = f"{host_entry(hostname, port)} {key.get_name()} {key.get_base64()}\n"
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        old = self.path.read_bytes() if self.path.is_file() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        from tui_ft.atomic import atomic_write_bytes

        atomic_write_bytes(self.path, old + line.encode())
