"""Where to connect: a pasted `ssh -p PORT user@host` line or an alias from ~/.ssh/config.

Rented boxes hand out a login line; people with several boxes keep aliases. Both end
up as an `SSHTarget`, including a chain of ProxyJump hosts (which paramiko does not
follow by itself). The config is resolved exactly as OpenSSH does: by `ssh -G` where
the client is installed (sshconfig_openssh.py), else by readconf.c's rules in Python
(sshconfig_py.py: Include, Match, tokens).
"""

from __future__ import annotations

import getpass
import os
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui_ft.host.base import HostError


class SpecError(HostError):
    """The host spec could not be understood; the message says which part."""


@dataclass(frozen=True)
class SSHTarget:
    hostname: str
    port: int = 22
    user: str = field(default_factory=getpass.getuser)
    identity_files: tuple[str, ...] = ()
    jump: SSHTarget | None = None
    alias: str | None = None
    known_hosts_files: tuple[str, ...] = ()
    """UserKnownHostsFile then GlobalKnownHostsFile, as ssh reads them (); () = defaults."""
    user_known_hosts: int = 0
    """How many of `known_hosts_files` are the user's (the first is where accepting writes)."""

    def describe(self) -> str:
        return f"{self.user}@{self.hostname}:{self.port}"


def ssh_config_path() -> Path:
    """~/.ssh/config, or TUI_FT_SSH_CONFIG (tests and unusual setups)."""
    env = os.environ.get("TUI_FT_SSH_CONFIG")
    return Path(env) if env else Path.home() / ".ssh" / "config"


SYSTEM_CONFIG = Path("/etc/ssh/ssh_config")


def resolver_kind() -> str:
    """Which resolver: "openssh" (`ssh -G`, the reference) where usable, else "python".

    TUI_FT_SSH_RESOLVER=openssh|python forces one (tests compare the two).
    """
    forced = os.environ.get("TUI_FT_SSH_RESOLVER", "").lower()
    if forced in ("openssh", "python"):
        return forced
    from tui_ft.host import sshconfig_openssh

    return "openssh" if sshconfig_openssh.available() else "python"


def _raw_options(config: Path | None, host: str, user: str | None, port: int | None) -> dict:
    """The options ssh would use for `host`; `config` None: the user's default files."""
    if resolver_kind() == "openssh":
        from tui_ft.host import sshconfig_openssh

        env = os.environ.get("TUI_FT_SSH_CONFIG")
        path = config or (Path(env) if env else None)  # None: ssh reads its own files
        return sshconfig_openssh.lookup(path, host, user=user, port=port)
    from tui_ft.host import sshconfig_py

    system = SYSTEM_CONFIG if config is None and SYSTEM_CONFIG.is_file() else None
    if config is None and os.environ.get("TUI_FT_SSH_CONFIG"):
        system = None  # like `ssh -F FILE`: only that file
    return sshconfig_py.lookup(
        config or ssh_config_path(), host, user=user, port=port, system=system
    )


def _split_user_host(text: str) -> tuple[str | None, str, int | None]:
    """`user@host:port`, `ssh://user@host:port`, `host` -> (user, host, port)."""
    if text.startswith("ssh://"):
        text = text[len("ssh://") :].rstrip("/")
    user = None
    if "@" in text:
        user, text = text.rsplit("@", 1)
    port = None
    if text.startswith("["):  # [host]:port, also IPv6
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], text)
        return user, host, port
    if text.count(":") == 1:
        text, p = text.split(":")
        port = _port(p, text)
    return user, text, port


def _port(value: str, where: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise SpecError(f"bad port {value!r} in {where!r}") from None
    if not 0 < port < 65536:
        raise SpecError(f"port {port} out of range in {where!r}")
    return port


def resolve(spec: str, *, config_path: Path | None = None) -> SSHTarget:
    """A pasted ssh line (`ssh -p 2222 -i key root@1.2.3.4`), `user@host:port` or an alias."""
    spec = spec.strip()
    if not spec:
        raise SpecError("empty host: paste an `ssh ...` line or give a ~/.ssh/config alias")
    config = config_path
    try:
        words = shlex.split(spec)
    except ValueError as exc:
        raise SpecError(f"cannot parse {spec!r}: {exc}") from exc
    if words[0] in ("ssh", "/usr/bin/ssh"):
        return _from_command(words[1:], config, spec)
    if len(words) != 1:
        raise SpecError(f"{spec!r}: expected an alias, user@host[:port] or an `ssh ...` line")
    user, host, port = _split_user_host(words[0])
    return _lookup(config, host, user=user, port=port)


# ssh options that take a value; the ones we use are handled, the others skipped.
_VALUE_OPTS = set("BbcDEeFIiJLlmOopQRSWw")


def _from_command(args: list[str], config: Path | None, spec: str) -> SSHTarget:
    user = port = jump = None
    identities: list[str] = []
    dest = None
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:  # ssh also takes options after the host
            flag, inline = a[1], a[2:]
            if flag not in _VALUE_OPTS:  # boolean flags such as -A -t -v -4 (maybe grouped)
                i += 1
                continue
            if inline:
                value = inline
            else:
                if i + 1 >= len(args):
                    raise SpecError(f"option -{flag} needs a value in {spec!r}")
                value = args[i + 1]
                i += 1
            if flag == "p":
                port = _port(value, spec)
            elif flag == "l":
                user = value
            elif flag == "i":
                identities.append(os.path.expanduser(value))
            elif flag == "J":
                jump = value
            elif flag == "F":  # as ssh: this file instead of ~/.ssh/config
                config = Path(os.path.expanduser(value))
            elif flag == "o":
                key, _, val = value.replace("=", " ", 1).partition(" ")
                key = key.lower()
                if key == "port":
                    port = _port(val.strip(), spec)
                elif key == "user":
                    user = val.strip()
                elif key == "identityfile":
                    identities.append(os.path.expanduser(val.strip()))
                elif key == "proxyjump":
                    jump = val.strip()
            i += 1
            continue
        if dest is None:
            dest = a
            i += 1
            continue
        raise SpecError(f"{spec!r}: a remote command ({a!r}) is not supported here")
    if dest is None:
        raise SpecError(f"{spec!r} names no host")
    d_user, host, d_port = _split_user_host(dest)
    target = _lookup(config, host, user=user or d_user, port=port or d_port, jump=jump)
    if identities:
        target = replace(target, identity_files=(*identities, *target.identity_files))
    return target


def _lookup(
    config: Path | None,
    host: str,
    *,
    user: str | None = None,
    port: int | None = None,
    jump: str | None = None,
    depth: int = 0,
) -> SSHTarget:
    """Apply the ssh config to `host`; explicit values win, as with OpenSSH."""
    from tui_ft.host.sshtokens import expand, local_values

    if depth > 5:
        raise SpecError(f"ProxyJump chain too long at {host!r}")
    try:
        raw = _raw_options(config, host, user, port)
    except SpecError:
        raise
    except HostError as exc:
        raise SpecError(str(exc)) from exc
    hostname = raw.get("hostname") or host
    try:
        real_port = int(raw.get("port") or 22)
    except ValueError:
        raise SpecError(f"bad Port {raw['port']!r} for {host!r} in {ssh_config_path()}") from None
    real_user = raw.get("user") or getpass.getuser()
    values = local_values(hostname, host, real_port, real_user, raw.get("hostkeyalias"))
    identities: list[str] = []
    for path in raw.get("identityfile", []):
        path = expand("identityfile", path, values)
        if path not in identities:
            identities.append(path)
    from_config = raw.get("proxyjump")
    jump = jump or (expand("proxyjump", from_config, values) if from_config else None)
    known_alias = (
        hostname != host.lower()
        or (port is None and real_port != 22)
        or (user is None and real_user != getpass.getuser())
        or bool(identities)
        or bool(from_config and from_config.lower() != "none")
    )
    jump_target = None
    if jump and jump.lower() != "none":
        for hop in jump.split(","):  # a chain: the first hop is reached first
            h_user, h_host, h_port = _split_user_host(hop.strip())
            nxt = _lookup(config, h_host, user=h_user, port=h_port, depth=depth + 1)
            if jump_target is not None:  # later hops go through the previous one (ssh -J)
                nxt = replace(nxt, jump=jump_target)
            jump_target = nxt  # the first hop keeps its own ProxyJump, as `ssh HOP` would
    user_files = _known_files(raw.get("userknownhostsfile"), values)
    global_files = _known_files(raw.get("globalknownhostsfile"), values)
    return SSHTarget(
        hostname=hostname,
        port=real_port,
        user=real_user,
        identity_files=tuple(identities),
        jump=jump_target,
        alias=host if known_alias else None,
        known_hosts_files=(*user_files, *global_files),
        user_known_hosts=len(user_files),
    )


def _known_files(value: str | None, values: dict) -> list[str]:
    """UserKnownHostsFile / GlobalKnownHostsFile: several paths, ~ and %-tokens expanded."""
    from tui_ft.host.sshtokens import expand

    if not value or value.lower() == "none":
        return []
    return [os.path.expanduser(expand("userknownhostsfile", p, values)) for p in value.split()]


def config_aliases(config_path: Path | None = None) -> list[str]:
    """The concrete Host names of ~/.ssh/config and its Includes (no wildcards), for a picker."""
    from tui_ft.host.sshconfig_py import hostnames

    return hostnames(config_path or ssh_config_path())
