"""Where to connect: a pasted `ssh -p PORT user@host` line or an alias from ~/.ssh/config.

Rented boxes hand out a login line; people with several boxes keep aliases. Both end
up as an `SSHTarget`, including a chain of ProxyJump hosts (which paramiko does not
follow by itself).
"""

from __future__ import annotations

import getpass
import os
import shlex
from dataclasses import dataclass, field
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

    def describe(self) -> str:
        return f"{self.user}@{self.hostname}:{self.port}"


def ssh_config_path() -> Path:
    """~/.ssh/config, or TUI_FT_SSH_CONFIG (tests and unusual setups)."""
    env = os.environ.get("TUI_FT_SSH_CONFIG")
    return Path(env) if env else Path.home() / ".ssh" / "config"


def _load_config(path: Path | None):
    import paramiko

    path = path or ssh_config_path()
    if path.is_file():
        return paramiko.SSHConfig.from_path(str(path))
    return paramiko.SSHConfig()


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
    config = _load_config(config_path)
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


def _from_command(args: list[str], config, spec: str) -> SSHTarget:
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
        target = SSHTarget(
            target.hostname,
            target.port,
            target.user,
            (*identities, *target.identity_files),
            target.jump,
            target.alias,
        )
    return target


def _lookup(
    config,
    host: str,
    *,
    user: str | None = None,
    port: int | None = None,
    jump: str | None = None,
    depth: int = 0,
) -> SSHTarget:
    """Apply ~/.ssh/config to `host`; explicit values win, as with OpenSSH."""
    if depth > 5:
        raise SpecError(f"ProxyJump chain too long at {host!r}")
    entry = config.lookup(host)
    hostname = entry.get("hostname", host)
    known_alias = hostname != host or any(k in entry for k in ("port", "user", "identityfile"))
    try:
        cfg_port = int(entry["port"]) if "port" in entry else None
    except ValueError:
        raise SpecError(f"bad Port {entry['port']!r} for {host!r} in {ssh_config_path()}") from None
    jump = jump or entry.get("proxyjump")
    jump_target = None
    if jump and jump.lower() != "none":
        first = jump.split(",")[0]  # a chain: the first hop is reached first
        j_user, j_host, j_port = _split_user_host(first)
        jump_target = _lookup(config, j_host, user=j_user, port=j_port, depth=depth + 1)
        for hop in jump.split(",")[1:]:
            h_user, h_host, h_port = _split_user_host(hop)
            nxt = _lookup(config, h_host, user=h_user, port=h_port, depth=depth + 1)
            jump_target = SSHTarget(
                nxt.hostname, nxt.port, nxt.user, nxt.identity_files, jump_target, nxt.alias
            )
    return SSHTarget(
        hostname=hostname,
        port=port or cfg_port or 22,
        user=user or entry.get("user") or getpass.getuser(),
        identity_files=tuple(os.path.expanduser(p) for p in entry.get("identityfile", [])),
        jump=jump_target,
        alias=host if known_alias else None,
    )


def config_aliases(config_path: Path | None = None) -> list[str]:
    """The concrete Host names of ~/.ssh/config (no wildcards), for a picker."""
    config = _load_config(config_path)
    names = [h for h in config.get_hostnames() if not any(c in h for c in "*?!")]
    return sorted(names)
