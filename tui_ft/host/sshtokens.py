"""OpenSSH's `%` tokens, `~` and `${VAR}` in ssh_config values (ssh_config(5), TOKENS).

Both resolvers use this: `ssh -G` (OpenSSH 9.x) prints IdentityFile and ProxyJump
unexpanded, and the Python fallback expands everything itself. `~` and `%d` follow
$HOME, like the rest of tui-ft (keys, known_hosts), so a test's private HOME holds.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import socket

# Which tokens each keyword accepts (ssh_config(5)); others stay as written.
PATH_TOKENS = "%CdhiklLnpru"
TOKENS = {
    "hostname": "%h",
    "identityfile": PATH_TOKENS,
    "certificatefile": PATH_TOKENS,
    "userknownhostsfile": PATH_TOKENS,
    "proxyjump": "%hnpr",
}

_TOKEN = re.compile(r"%(.)")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def home() -> str:
    return os.path.expanduser("~")


def local_values(host: str, original: str, port: int, user: str, alias: str | None) -> dict:
    """The values of every token for one connection."""
    fqdn = socket.gethostname()
    short = fqdn.split(".")[0]
    return {
        "%": "%",
        "C": hashlib.sha1(f"{fqdn}{host}{port}{user}".encode()).hexdigest(),
        "d": home(),
        "h": host,
        "i": str(os.getuid()),
        "k": alias or original,
        "L": short,
        "l": fqdn,
        "n": original,
        "p": str(port),
        "r": user,
        "u": getpass.getuser(),
    }


def expand(key: str, value: str, values: dict[str, str]) -> str:
    """`value` of keyword `key` with its tokens, a leading ~ and ${VAR} replaced."""
    allowed = TOKENS.get(key, "")
    if not allowed:
        return value

    def token(m: re.Match) -> str:
        ch = m.group(1)
        return values[ch] if ch == "%" or ch in allowed else m.group(0)

    out = _TOKEN.sub(token, value)
    if allowed == PATH_TOKENS:
        out = _ENV.sub(lambda m: os.environ.get(m.group(1), m.group(0)), out)
        if out == "~" or out.startswith("~/"):
            out = home() + out[1:]
        elif out.startswith("~"):
            out = os.path.expanduser(out)
    return out
