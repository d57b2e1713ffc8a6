"""Open an authenticated paramiko transport to an `SSHTarget`, through ProxyJump hops.

The host key is checked against known_hosts before any credential is sent. Keys come
from the agent, then from IdentityFile / the default key files, then a password; the
passphrase and password callbacks are the caller's (the TUI asks in a modal, the CLI
on the terminal) and what they return stays in memory for reconnects only.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_ft.host.base import HostError
from tui_ft.host.knownhosts import KnownHosts
from tui_ft.host.sshconfig import SSHTarget

if TYPE_CHECKING:
    import paramiko

# Asked with a prompt such as "Password for root@box:22"; None means "give up".
AskSecret = Callable[[str], "str | None"]

DEFAULT_KEYS = ("id_ed25519", "id_ecdsa", "id_rsa")


class AuthFailed(HostError):
    """No key or password was accepted by the box."""


@dataclass
class Credentials:
    """What worked, kept in memory so a reconnect needs no new question."""

    ask_password: AskSecret | None = None
    ask_passphrase: AskSecret | None = None
    password: str | None = None
    keys: dict[str, paramiko.PKey] = field(default_factory=dict)


@dataclass
class Connection:
    transport: paramiko.Transport
    host_key: paramiko.PKey
    hops: list[paramiko.Transport]  # jump transports, closed with this one

    def close(self) -> None:
        for t in [self.transport, *reversed(self.hops)]:
            t.close()


def _load_key(path: str, creds: Credentials) -> paramiko.PKey | None:
    import paramiko

    if path in creds.keys:
        return creds.keys[path]
    try:
        key = paramiko.PKey.from_path(path)
    except (paramiko.PasswordRequiredException, TypeError):  # TypeError: newer cryptography
        if creds.ask_passphrase is None:
            return None
        phrase = creds.ask_passphrase(f"Passphrase for {path}")
        if phrase is None:
            return None
        try:
            key = paramiko.PKey.from_path(path, phrase.encode())
        except (paramiko.SSHException, ValueError, TypeError) as exc:
            raise AuthFailed(f"cannot decrypt {path}: wrong passphrase? ({exc})") from exc
    except (OSError, paramiko.SSHException, ValueError):
        return None  # not a key file paramiko can read: try the next one
    creds.keys[path] = key
    return key


def _key_files(target: SSHTarget) -> list[str]:
    if target.identity_files:
        return [p for p in target.identity_files if os.path.isfile(p)]
    ssh_dir = os.path.join(os.path.expanduser("~"), ".ssh")
    return [p for n in DEFAULT_KEYS if os.path.isfile(p := os.path.join(ssh_dir, n))]


def _authenticate(t: paramiko.Transport, target: SSHTarget, creds: Credentials) -> None:
    import paramiko

    user = target.user
    allowed: list[str] = []

    def attempt(fn, *args) -> bool:
        nonlocal allowed
        try:
            fn(user, *args)
        except paramiko.BadAuthenticationType as exc:
            allowed = list(exc.allowed_types)
            return False
        except paramiko.AuthenticationException:
            return False
        return t.is_authenticated()

    if creds.password is None:  # an earlier password login: skip straight to it
        try:
            agent_keys = list(paramiko.Agent().get_keys())
        except paramiko.SSHException:
            agent_keys = []
        for key in agent_keys:
            if attempt(t.auth_publickey, key):
                return
        for path in _key_files(target):
            key = _load_key(path, creds)
            if key is not None and attempt(t.auth_publickey, key):
                return
    # Ask for a password only where the box takes one: its list of methods comes with any
    # refusal; `none` asks for it when the keys did not (one round trip, only here).
    if not allowed and attempt(t.auth_none):
        return
    if allowed and not {"password", "keyboard-interactive"} & set(allowed):
        raise AuthFailed(
            f"{target.describe()}: authentication failed: no key was accepted (the agent, "
            f"{', '.join(_key_files(target)) or 'no key files'}) and the box takes no "
            f"password (it offers: {', '.join(allowed)}); add your public key to the box's "
            "~/.ssh/authorized_keys, or name the right key (IdentityFile, ssh -i)"
        )
    if creds.password is None and creds.ask_password is not None:
        creds.password = creds.ask_password(f"Password for {target.describe()}")
    if creds.password is not None:
        if attempt(t.auth_password, creds.password):
            return
        if "keyboard-interactive" in allowed:  # some boxes only offer this for passwords
            pw = creds.password

            def answer(_title, _instr, prompts):
                return [pw for _ in prompts]

            if attempt(t.auth_interactive, answer):
                return
        creds.password = None  # wrong: ask again next time
    raise AuthFailed(
        f"{target.describe()}: authentication failed (tried the agent, "
        f"{', '.join(_key_files(target)) or 'no key files'}"
        f"{', a password' if creds.ask_password else ''})"
    )


def open_connection(
    target: SSHTarget,
    creds: Credentials,
    known_hosts: KnownHosts,
    *,
    timeout: float = 10.0,
    hop_creds: dict[str, Credentials] | None = None,
) -> Connection:
    """Connect, verify the host key, authenticate; ProxyJump hops are opened first."""
    import paramiko

    hops: list[paramiko.Transport] = []
    hop_creds = hop_creds if hop_creds is not None else {}
    try:
        if target.jump is not None:
            key = target.jump.describe()
            jc = hop_creds.setdefault(key, Credentials(creds.ask_password, creds.ask_passphrase))
            jump = open_connection(target.jump, jc, known_hosts, timeout=timeout)
            hops = [*jump.hops, jump.transport]
            try:
                sock = jump.transport.open_channel(
                    "direct-tcpip",
                    (target.hostname, target.port),
                    ("127.0.0.1", 0),
                    timeout=timeout,
                )
            except (paramiko.SSHException, OSError) as exc:
                raise HostError(
                    f"jump host {target.jump.describe()} cannot reach "
                    f"{target.hostname}:{target.port}: {exc}"
                ) from exc
        else:
            try:
                sock = socket.create_connection((target.hostname, target.port), timeout=timeout)
            except OSError as exc:
                raise HostError(f"cannot reach {target.describe()}: {exc}") from exc
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t = paramiko.Transport(sock)
        t.banner_timeout = timeout
        t.auth_timeout = timeout
        try:
            t.start_client(timeout=timeout)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            t.close()
            raise HostError(f"SSH handshake with {target.describe()} failed: {exc}") from exc
        host_key = t.get_remote_server_key()
        try:
            files = known_hosts.for_target(target.known_hosts_files, target.user_known_hosts)
            files.verify(target.hostname, target.port, host_key)
            _authenticate(t, target, creds)
        except BaseException:
            t.close()
            raise
        return Connection(t, host_key, hops)
    except BaseException:
        for h in reversed(hops):
            h.close()
        raise
