"""Fixtures: a real sshd on 127.0.0.1, a private ~/.ssh, and a connected SSHHost."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ssh.sshd import SSHD, Sshd, keygen, start_sshd

pytestmark = pytest.mark.ssh


@pytest.fixture(scope="session")
def ssh_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sshkeys")
    key = keygen(folder / "id_ed25519")
    (folder / "authorized_keys").write_text(Path(f"{key}.pub").read_text())
    return folder


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory, ssh_keys: Path) -> Iterator[Sshd]:
    if not os.path.exists(SSHD):
        pytest.skip(f"{SSHD} missing (bash scripts/ensure-sshd.sh installs openssh-server)")
    server = start_sshd(tmp_path_factory.mktemp("sshd"), ssh_keys / "authorized_keys")
    yield server
    server.stop()


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ssh_keys: Path, sshd: Sshd) -> Path:
    """A private HOME with ~/.ssh/id_ed25519, the sshd's key in known_hosts, an alias."""
    home = tmp_path / "home"
    dot = home / ".ssh"
    dot.mkdir(parents=True)
    for name in ("id_ed25519", "id_ed25519.pub"):
        (dot / name).write_bytes((ssh_keys / name).read_bytes())
        (dot / name).chmod(0o600)
    (dot / "known_hosts").write_text(sshd.known_hosts_line())
    (dot / "config").write_text(
        f"Host box\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
        f"  IdentityFile ~/.ssh/id_ed25519\n"
        f"Host jumped\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
        f"  ProxyJump box\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("TUI_FT_SSH_CONFIG", raising=False)
    monkeypatch.delenv("TUI_FT_KNOWN_HOSTS", raising=False)
    return home


@pytest.fixture
def ssh_host(ssh_home: Path, sshd: Sshd):
    from tui_ft.host.ssh import SSHHost

    host = SSHHost.from_spec(f"ssh -p {sshd.port} {sshd.user}@127.0.0.1")
    yield host
    host.close()
