"""Hosts resolve exactly as OpenSSH resolves them: both resolvers against the real `ssh -G`.

No sshd needed: `ssh -G -F CONFIG HOST` prints what the OpenSSH client would use, and
tui-ft's `ssh -G` resolver and its Python fallback must reach the same HostName, Port,
User, IdentityFile and ProxyJump chain on configs with Include globs, wildcard and
negated Host blocks, Match host/originalhost, tokens and multi-hop ProxyJump.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui_ft.host.sshconfig import SSHTarget, config_aliases, resolve

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="no OpenSSH client")

HOSTS = [
    "gpu-a100",  # defined in an Included file (glob), wildcard block adds user and key
    "gpu-h800",  # only the wildcard blocks
    "bastion",
    "hop2",  # has its own ProxyJump
    "deep",  # a two-hop ProxyJump chain
    "tokens",  # %h %p %r %u %d %% in IdentityFile, %h in HostName, Match host after it
    "included",  # conditional Include inside its Host block
    "other",  # must not get what that conditional Include sets
    "neg-1",  # Match originalhost with a negated host
    "neg-skip",
    "nope",  # a negated Host pattern
    "Mixed.Case",  # Host patterns are case-sensitive, HostName is lowercased
]


def write_configs(tmp: Path) -> Path:
    (tmp / "conf.d").mkdir()
    (tmp / "nested").mkdir()
    (tmp / "conf.d" / "10-boxes.conf").write_text(
        "Host gpu-a100\n  HostName 203.0.113.10\n  Port 38076\nHost gpu-*\n  Port 1\n"
    )
    (tmp / "conf.d" / "20-more.conf").write_text(
        f"Host included\n  HostName Included.Example.NET\n  User root\n"
        f"  Include {tmp}/nested/*.conf\n"
    )
    (tmp / "conf.d" / "README").write_text("Port 9\n")  # not *.conf: never read
    (tmp / "nested" / "a.conf").write_text("Port 6000\nHost other\n  User from-nested\n")
    main = tmp / "config"
    main.write_text(
        f"""# a realistic ~/.ssh/config
Include {tmp}/conf.d/*.conf
Host gpu-*
  User gpuuser
  IdentityFile ~/.ssh/id_%h_%p_%r
Host bastion
  HostName bastion.corp.example
  User ops
  Port 2201
Host hop2
  HostName 10.1.2.3
  ProxyJump bastion
Host deep
  HostName deep.internal
  ProxyJump bastion,hop2
Host tokens
  HostName %h.Example.COM
  Port=2222
  IdentityFile %d/.ssh/k_%h_%p_%r_%u_%%
  IdentityFile "~/.ssh/second key"
Match host *.example.com
  User matched
Match originalhost neg* !host neg-skip*
  Port 4022
Host Mixed.Case
  HostName Mixed.Case.Example
Host mixed.case
  Port 3333
Host !nope *
  IdentityFile ~/.ssh/common
Host *
  User fallback  # a trailing comment
"""
    )
    return main


def ssh_g(cfg: Path, host: str, *extra: str) -> dict:
    out = subprocess.run(
        ["ssh", "-G", "-F", str(cfg), *extra, host],
        capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    ).stdout  # fmt: skip
    ref: dict = {"identityfile": []}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        if key == "identityfile":
            ref["identityfile"].append(value)
        else:
            ref.setdefault(key, value)
    return ref


def chain(t: SSHTarget) -> list[tuple[str, int, str]]:
    hops = []
    while t.jump is not None:
        t = t.jump
        hops.append((t.hostname, t.port, t.user))
    return hops[::-1]  # first hop first


def check_against_ssh(cfg: Path, host: str, target: SSHTarget, extra=()) -> None:
    ref = ssh_g(cfg, host, *extra)
    assert (target.hostname, target.port, target.user) == (
        ref["hostname"],
        int(ref["port"]),
        ref["user"],
    ), host
    defaults = all(p.startswith("~/.ssh/id_") for p in ref["identityfile"])
    if "%" not in "".join(ref["identityfile"]) and not defaults:
        assert list(target.identity_files) == [os.path.expanduser(p) for p in ref["identityfile"]]
    hops = [h for h in ref.get("proxyjump", "").split(",") if h]
    expected = []
    for i, hop in enumerate(hops):
        r = ssh_g(cfg, hop)
        if i == 0:  # the first hop is reached as `ssh HOP` would: with its own ProxyJump
            first = resolve(hop)
            expected += chain(first)
        expected.append((r["hostname"], int(r["port"]), r["user"]))
    assert chain(target) == expected, host


@pytest.mark.parametrize("kind", ["openssh", "python"])
def test_hosts_resolve_as_ssh_G_does(tmp_path, monkeypatch, kind):
    cfg = write_configs(tmp_path)
    monkeypatch.setenv("TUI_FT_SSH_CONFIG", str(cfg))
    monkeypatch.setenv("TUI_FT_SSH_RESOLVER", kind)
    home = os.path.expanduser("~")
    for host in HOSTS:
        check_against_ssh(cfg, host, resolve(host))
    # Spot checks written out, so a shared mistake of both resolvers cannot hide.
    a100 = resolve("gpu-a100")
    assert (a100.hostname, a100.port, a100.user) == ("203.0.113.10", 38076, "gpuuser")
    assert a100.identity_files == (
        f"{home}/.ssh/id_203.0.113.10_38076_gpuuser",
        f"{home}/.ssh/common",
    )
    tok = resolve("tokens")
    assert (tok.hostname, tok.user) == ("tokens.example.com", "matched")
    assert tok.identity_files == (
        f"{home}/.ssh/k_tokens.example.com_2222_matched_{getpass.getuser()}_%",
        f"{home}/.ssh/second key",
        f"{home}/.ssh/common",
    )
    assert resolve("included").port == 6000 and resolve("other").port == 22
    assert resolve("other").user == "fallback"
    assert [resolve(h).port for h in ("neg-1", "neg-skip")] == [4022, 22]
    deep = resolve("deep")
    assert chain(deep) == [("bastion.corp.example", 2201, "ops"), ("10.1.2.3", 22, "fallback")]
    assert resolve("nope").identity_files == ()  # none configured: the default keys
    # A pasted line's options beat the config, as on ssh's command line.
    pasted = resolve("ssh -p 2345 -l me gpu-a100")
    check_against_ssh(cfg, "gpu-a100", pasted, extra=("-p", "2345", "-l", "me"))
    assert (pasted.port, pasted.user) == (2345, "me")


def test_python_resolver_includes_relative_to_dot_ssh(tmp_path, monkeypatch):
    """Without ssh (or another $HOME): relative Includes are read from ~/.ssh."""
    home = tmp_path / "home"
    (home / ".ssh" / "conf.d").mkdir(parents=True)
    (home / ".ssh" / "config").write_text("Include conf.d/*.conf\nHost *\n  User everyone\n")
    (home / ".ssh" / "conf.d" / "box.conf").write_text(
        "Host box\n  HostName 198.51.100.7\n  Port 2022\n  IdentityFile ~/.ssh/id_box_%p\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("TUI_FT_SSH_CONFIG", raising=False)
    monkeypatch.delenv("TUI_FT_SSH_RESOLVER", raising=False)
    box = resolve("box")
    assert (box.hostname, box.port, box.user) == ("198.51.100.7", 2022, "everyone")
    assert box.identity_files == (f"{home}/.ssh/id_box_2022",)
    assert box.alias == "box"
    assert config_aliases() == ["box"]


def test_a_broken_config_names_file_and_line(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    cfg.write_text("Host x\n  Match\n")
    monkeypatch.setenv("TUI_FT_SSH_CONFIG", str(cfg))
    from tui_ft.host.sshconfig import SpecError

    for kind in ("openssh", "python"):
        monkeypatch.setenv("TUI_FT_SSH_RESOLVER", kind)
        with pytest.raises(SpecError, match=r"config.*line 2|config:2"):
            resolve("x")
