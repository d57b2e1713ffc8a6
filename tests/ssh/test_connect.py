"""Connecting: pasted ssh lines, config aliases, ProxyJump, host keys, passphrases."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.ssh.sshd import keygen, start_sshd
from tui_ft.host import open_host
from tui_ft.host.knownhosts import HostKeyChanged, KnownHosts, UnknownHostKey, fingerprint
from tui_ft.host.ssh import SSHHost
from tui_ft.host.sshconfig import SpecError, resolve


def test_pasted_lines_and_aliases_resolve(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    cfg.write_text(
        "Host gpu\n  HostName 10.0.0.5\n  Port 2200\n  User ubuntu\n  IdentityFile ~/k\n"
        "  ProxyJump bastion\nHost bastion\n  HostName jump.example\n  User ops\n"
    )
    monkeypatch.setenv("TUI_FT_SSH_CONFIG", str(cfg))
    t = resolve("ssh -p 38076 root@region-1.example.com")
    assert (t.user, t.hostname, t.port, t.jump) == ("root", "region-1.example.com", 38076, None)
    t = resolve("ssh -A -o StrictHostKeyChecking=no -i /tmp/key -l admin box.example -p2222")
    assert (t.user, t.hostname, t.port, t.identity_files) == (
        "admin",
        "box.example",
        2222,
        ("/tmp/key",),
    )
    assert resolve("me@1.2.3.4:2022").describe() == "me@1.2.3.4:2022"
    gpu = resolve("gpu")
    assert (gpu.hostname, gpu.port, gpu.user, gpu.alias) == ("10.0.0.5", 2200, "ubuntu", "gpu")
    assert gpu.identity_files == (str(Path.home() / "k"),)
    assert gpu.jump is not None and gpu.jump.describe() == "ops@jump.example:22"
    assert resolve("ssh -J ops@hop:2201 root@x").jump.describe() == "ops@hop:2201"
    with pytest.raises(SpecError, match="bad port 'abc'"):
        resolve("ssh -p abc root@x")
    with pytest.raises(SpecError, match="remote command"):
        resolve("ssh root@x nvidia-smi")


def test_connect_by_pasted_line_and_alias(ssh_home, sshd):
    pasted = open_host(f"ssh -p {sshd.port} {sshd.user}@127.0.0.1")
    alias = open_host("box")
    try:
        assert pasted.describe() == alias.describe() == f"{sshd.user}@127.0.0.1:{sshd.port}"
        assert alias.name == "box"
        assert alias.run(["echo", "hello"]).stdout == "hello\n"
    finally:
        pasted.close()
        alias.close()


def test_proxyjump_through_a_jump_host(ssh_home, sshd, box_tmp):
    """`jumped` is reached through a direct-tcpip channel of the `box` connection."""
    host = open_host("jumped")
    try:
        assert host.target.jump is not None
        assert len(host._connection().hops) == 1
        assert host.run(["sh", "-c", "echo $SSH_CLIENT"]).stdout.startswith("127.0.0.1 ")
        host.write_text(str(box_tmp / "via-jump.txt"), "ok")
        assert (box_tmp / "via-jump.txt").read_text() == "ok"
    finally:
        host.close()


def test_unknown_host_key_shows_fingerprint_and_acceptance_is_saved(ssh_home, sshd):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("# nothing yet\n")
    with pytest.raises(UnknownHostKey) as info:
        SSHHost.from_spec(f"ssh -p {sshd.port} {sshd.user}@127.0.0.1")
    exc = info.value
    pub = Path(sshd.folder / "host_ed25519.pub").read_text().split()
    import paramiko

    expected = fingerprint(paramiko.PKey.from_type_string(pub[0], base64.b64decode(pub[1])))
    assert exc.fingerprint == expected and exc.fingerprint.startswith("SHA256:")
    assert expected in str(exc)
    assert known.read_text() == "# nothing yet\n"  # nothing saved without the user's yes
    KnownHosts().accept(exc.hostname, exc.port, exc.key)
    assert known.read_text().startswith("# nothing yet\n[127.0.0.1]:")
    host = SSHHost.from_spec(f"ssh -p {sshd.port} {sshd.user}@127.0.0.1")
    assert host.run(["true"]).ok
    host.close()


def test_changed_host_key_is_refused(ssh_home, sshd, tmp_path):
    """Another server on the same address and port, with another key: refused, loudly."""
    impostor = start_sshd(tmp_path / "impostor", box=sshd.box)
    try:
        known = ssh_home / ".ssh" / "known_hosts"
        # Pretend we met the genuine server on the impostor's port before.
        known.write_text(f"[127.0.0.1]:{impostor.port} {sshd.host_pub}\n")
        with pytest.raises(HostKeyChanged, match="CHANGED") as info:
            SSHHost.from_spec(f"ssh -p {impostor.port} {sshd.user}@127.0.0.1")
        assert "known_hosts" in str(info.value)
        assert known.read_text() == f"[127.0.0.1]:{impostor.port} {sshd.host_pub}\n"
    finally:
        impostor.stop()


def test_passphrase_asked_by_the_caller_never_saved(ssh_home, sshd, box, tmp_path):
    locked = keygen(tmp_path / "locked", passphrase="s3cret phrase")
    akeys = box.authorized_keys  # read by the session's sshd on each login
    original = akeys.read_text()
    akeys.write_text(original + Path(f"{locked}.pub").read_text())
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "s3cret phrase"

    try:
        host = SSHHost.from_spec(
            f"ssh -i {locked} -p {sshd.port} {sshd.user}@127.0.0.1", ask_passphrase=ask
        )
        assert asked == [f"Passphrase for {locked}"]
        host.reconnect()  # the decrypted key is reused from memory: no second question
        assert asked == [f"Passphrase for {locked}"]
        assert host.run(["true"]).ok
        host.close()
        saved = [p.read_bytes() for p in ssh_home.rglob("*") if p.is_file()]
        assert not any(b"s3cret" in data for data in saved)
    finally:
        akeys.write_text(original)
