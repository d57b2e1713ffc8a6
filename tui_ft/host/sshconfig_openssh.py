"""ssh_config resolved by the OpenSSH client itself: `ssh -G HOST` prints the options
ssh would use (Include, Match, canonicalisation and all), so where `ssh` is installed
tui-ft connects exactly where `ssh HOST` would.

OpenSSH reads ~ from the password database, not $HOME; when the two differ (a test's
private HOME, a sudo shell) the Python resolver is used instead, so that tui-ft's keys,
known_hosts and config all come from one home.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from tui_ft.host.base import HostError
from tui_ft.host.sshtokens import home

# What `ssh -G` lists when no IdentityFile is configured (varies a little by version).
DEFAULT_KEYS = {
    f"~/.ssh/id_{k}" for k in ("rsa", "ecdsa", "ecdsa_sk", "ed25519", "ed25519_sk", "xmss", "dsa")
}
_NOISE = ("Pseudo-terminal will not be allocated",)


def available() -> bool:
    """The ssh client is installed and sees the same home as tui-ft."""
    if shutil.which("ssh") is None:
        return False
    try:
        return os.path.realpath(pwd.getpwuid(os.getuid()).pw_dir) == os.path.realpath(home())
    except KeyError:
        return False


def lookup(path: Path | None, host: str, *, user: str | None = None, port: int | None = None):
    """Raw options for `host` as `ssh -G` prints them (IdentityFile tokens unexpanded)."""
    argv = ["ssh", "-G"]
    if path is not None:
        argv += ["-F", str(path) if path.is_file() else os.devnull]
    if port:
        argv += ["-p", str(port)]
    if user:
        argv += ["-l", user]
    argv += ["--", host]
    try:
        res = subprocess.run(
            argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostError(f"`ssh -G {host}` failed: {exc}") from exc
    if res.returncode != 0:
        lines = [ln for ln in res.stderr.splitlines() if ln.strip() and not ln.startswith(_NOISE)]
        # ssh names the file and line first, then says it gives up: the first line helps.
        raise HostError(f"ssh config for {host!r}: {lines[0] if lines else 'ssh -G failed'}")
    out: dict = {"identityfile": []}
    for line in res.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key == "identityfile":
            out["identityfile"].append(value)
        elif key in ("hostname", "port", "user", "proxyjump", "proxycommand", "hostkeyalias",
                     "userknownhostsfile", "globalknownhostsfile"):  # fmt: skip
            out[key] = value
    ids = out["identityfile"]
    if len(ids) >= 4 and set(ids) <= DEFAULT_KEYS:
        out["identityfile"] = []  # none configured: the caller tries the default keys
    return out
