"""ssh_config resolved in Python the way OpenSSH's readconf.c does, for machines without
the `ssh` client (where `ssh -G` is the reference, see sshconfig_openssh.py).

paramiko's own lookup differs from OpenSSH in ways that send a connection to the wrong
place: no `Include`, `Match host` tested against the unexpanded HostName, patterns
compared case-sensitively, `%p` left in IdentityFile. So this follows readconf.c for the
keywords a connection needs: first value wins, `Host` patterns match the name as typed
(case-sensitive, `!` negates), `Match host|originalhost|user|localuser|exec|all|final`
(host names case-insensitive), `Include` with globs relative to ~/.ssh that is
conditional inside a Host/Match block, and a final pass when `Match final` asks for one.
"""

from __future__ import annotations

import getpass
import glob
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tui_ft.host.base import HostError
from tui_ft.host.sshtokens import expand, home, local_values

WANTED = (
    "hostname", "port", "user", "identityfile", "proxyjump", "proxycommand", "hostkeyalias",
    "userknownhostsfile", "globalknownhostsfile",
)  # fmt: skip
MAX_DEPTH = 16  # OpenSSH's READCONF_MAX_DEPTH


class ConfigSyntaxError(HostError):
    """A line of an ssh config that cannot be read; names file:line."""


@dataclass
class Options:
    values: dict[str, str] = field(default_factory=dict)
    identity_files: list[str] = field(default_factory=list)
    want_final: bool = False

    def set(self, key: str, value: str) -> None:
        if key == "identityfile":
            if value not in self.identity_files:
                self.identity_files.append(value)
        elif key in ("proxyjump", "proxycommand"):
            # One proxy setting: whichever of the two comes first wins (readconf.c).
            if "proxyjump" not in self.values and "proxycommand" not in self.values:
                self.values[key] = value
        elif key not in self.values:
            self.values[key] = value


def split_args(line: str) -> list[str]:
    """argv_split(): words with "double" or 'single' quotes, a word starting with # ends it."""
    out: list[str] = []
    for m in re.finditer(r'"([^"]*)"|\'([^\']*)\'|(\S+)', line):
        word = m.group(3)
        if word is not None and word.startswith("#"):
            break
        out.append(word if word is not None else (m.group(1) or m.group(2) or ""))
    return out


def _pattern(pat: str, text: str, fold: bool) -> bool:
    """OpenSSH match_pattern(): `*` and `?` only (no [] classes)."""
    if fold:
        pat, text = pat.lower(), text.lower()
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pat)
    return re.fullmatch(rx, text, re.S) is not None


def pattern_list(patterns: list[str], text: str, fold: bool) -> bool:
    """True when a positive pattern matches and no negated one does."""
    hit = False
    for p in patterns:
        if p.startswith("!"):
            if _pattern(p[1:], text, fold):
                return False
        elif _pattern(p, text, fold):
            hit = True
    return hit


def host_value(opts: Options, original: str) -> str:
    """HostName with its %h, else the name as typed; lowercased as ssh does."""
    name = opts.values.get("hostname")
    return (expand("hostname", name, {"h": original, "%": "%"}) if name else original).lower()


class Resolver:
    """One lookup of `host` (as typed) against a config file, OpenSSH's way."""

    def __init__(
        self, path: Path, host: str, user: str | None, port: int | None, system: Path | None = None
    ) -> None:
        self.path, self.original, self.system = path, host, system
        self.opts = Options()
        if user:  # command-line values come first, so they win
            self.opts.set("user", user)
        if port:
            self.opts.set("port", str(port))

    def run(self) -> Options:
        self.final = False
        self._read_all()
        if self.opts.want_final:
            self.final = True
            self.opts.values["hostname"] = self.current_host()
            self._read_all()
        return self.opts

    def _read_all(self) -> None:
        self._read(self.path, depth=0, active_at_start=True)
        if self.system is not None:  # the system file fills what the user's left open
            self._read(self.system, depth=0, active_at_start=True)

    def current_host(self) -> str:
        return host_value(self.opts, self.original)

    def _read(self, path: Path, depth: int, active_at_start: bool) -> None:
        if depth > MAX_DEPTH:
            raise ConfigSyntaxError(f"{path}: Include nested too deeply")
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            if depth == 0:
                return
            raise
        active = active_at_start
        for number, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"(\w+)(?:\s*=\s*|\s+)(.*)$", line)
            if not m:
                raise ConfigSyntaxError(f"{path}:{number}: cannot read {line!r}")
            key, args = m.group(1).lower(), split_args(m.group(2))
            if not args:
                raise ConfigSyntaxError(f"{path}:{number}: {m.group(1)} needs a value")
            if key == "host":
                active = active_at_start and pattern_list(args, self.original, fold=False)
            elif key == "match":
                active = active_at_start and self._match(args, path, number)
            elif key == "include":
                for target in self._includes(args, system=path.parent == Path("/etc/ssh")):
                    # An Include starts active when its block is; its Host lines end there.
                    self._read(target, depth + 1, active)
            elif active and key in WANTED:
                # The known_hosts keywords take several files, space-separated (as ssh -G).
                several = key in ("userknownhostsfile", "globalknownhostsfile")
                self.opts.set(key, " ".join(args) if several else args[0])

    @staticmethod
    def _includes(args: list[str], system: bool = False) -> list[Path]:
        out: list[Path] = []
        for arg in args:
            arg = home() + arg[1:] if arg.startswith("~") else arg
            if not os.path.isabs(arg):  # relative: to ~/.ssh, or /etc/ssh for the system file
                arg = os.path.join("/etc/ssh" if system else os.path.join(home(), ".ssh"), arg)
            out.extend(Path(p) for p in sorted(glob.glob(arg)) if os.path.isfile(p))
        return out

    def _match(self, args: list[str], path: Path, number: int) -> bool:
        result = True
        i = 0
        while i < len(args):
            word = args[i].lower()
            negate = word.startswith("!")
            word = word.lstrip("!")
            if word in ("all", "canonical", "final"):
                if word == "final":
                    self.opts.want_final = True
                passed = word == "all" or self.final  # canonical/final: the final pass
                i += 1
            else:
                if i + 1 >= len(args):
                    raise ConfigSyntaxError(f"{path}:{number}: Match {word} needs a value")
                value = args[i + 1]
                i += 2
                passed = self._criterion(word, value, path, number)
            if passed == negate:
                result = False  # readconf.c evaluates on, but the answer is settled
        return result

    def _criterion(self, word: str, value: str, path: Path, number: int) -> bool:
        pats = value.split(",")
        local = getpass.getuser()
        if word == "host":
            return pattern_list(pats, self.current_host(), fold=True)
        if word == "originalhost":
            return pattern_list(pats, self.original, fold=True)
        if word == "user":
            return pattern_list(pats, self.opts.values.get("user", local), fold=False)
        if word == "localuser":
            return pattern_list(pats, local, fold=False)
        if word == "exec":
            port = int(self.opts.values.get("port", "22") or 22)
            user = self.opts.values.get("user", local)
            values = local_values(self.current_host(), self.original, port, user, None)
            cmd = expand("identityfile", value, values)
            try:
                return (
                    subprocess.run(["sh", "-c", cmd], capture_output=True, timeout=30).returncode
                    == 0
                )
            except subprocess.TimeoutExpired:
                return False
        raise ConfigSyntaxError(f"{path}:{number}: unsupported Match criterion {word!r}")


def lookup(
    path: Path,
    host: str,
    *,
    user: str | None = None,
    port: int | None = None,
    system: Path | None = None,
) -> dict:
    """Raw values for `host` (tokens not yet expanded, except HostName's %h)."""
    opts = Resolver(path, host, user, port, system).run()
    out: dict = {k: v for k, v in opts.values.items() if k != "hostname"}
    out["hostname"] = host_value(opts, host)
    out["identityfile"] = list(opts.identity_files)
    return out


def hostnames(path: Path) -> list[str]:
    """Every concrete `Host` name in the config and its Includes (for a picker)."""
    names: list[str] = []

    def read(p: Path, depth: int) -> None:
        if depth > MAX_DEPTH or not p.is_file():
            return
        for raw in p.read_text(encoding="utf-8", errors="replace").splitlines():
            m = re.match(r"\s*(\w+)(?:\s*=\s*|\s+)(.*)$", raw)
            if not m:
                continue
            key, args = m.group(1).lower(), split_args(m.group(2))
            if key == "host":
                names.extend(a for a in args if not any(c in a for c in "*?!"))
            elif key == "include":
                for target in Resolver._includes(args):
                    read(target, depth + 1)

    read(path, 0)
    return sorted(set(names))
