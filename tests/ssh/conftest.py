"""Fixtures: a box (another user behind a real sshd on 127.0.0.1), a laptop HOME, a host.

The laptop side is this test process with `HOME` set to a private folder; the box side
is the `box` account (its own home, data disk `~/autodl-tmp`, python and caches). Files
the box must read or write live under the box's home, owned by the box user
(`box_tmp`, `box_demo`); pytest's tmp folders (0700, root) are the laptop's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ssh.box import BoxAccount, BoxSetupError, create_box_account, remove_box_account
from tests.ssh.sshd import SSHD, Sshd, keygen, start_sshd

pytestmark = pytest.mark.ssh


@pytest.fixture(scope="session")
def ssh_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The laptop's key pair (authorized on the box)."""
    folder = tmp_path_factory.mktemp("sshkeys")
    key = keygen(folder / "id_ed25519")
    (folder / "authorized_keys").write_text(Path(f"{key}.pub").read_text())
    return folder


@pytest.fixture(scope="session")
def box(ssh_keys: Path) -> Iterator[BoxAccount]:
    """The box's account: fails (never skips) where it cannot be made, as CI must not skip."""
    try:
        account = create_box_account((ssh_keys / "authorized_keys").read_text())
    except BoxSetupError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield account
    remove_box_account(account)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory, box: BoxAccount) -> Iterator[Sshd]:
    if not os.path.exists(SSHD):
        pytest.fail(
            f"{SSHD} missing: the SSH tests need a real sshd "
            "(bash scripts/ensure-sshd.sh installs openssh-server)",
            pytrace=False,
        )
    server = start_sshd(tmp_path_factory.mktemp("sshd"), box=box)
    yield server
    server.stop()


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ssh_keys: Path, sshd: Sshd) -> Path:
    """The laptop's private HOME: ~/.ssh/id_ed25519, the sshd's key in known_hosts, aliases."""
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
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name in ("SSH_AUTH_SOCK", "TUI_FT_SSH_CONFIG", "TUI_FT_KNOWN_HOSTS", "TUI_FT_BOX_PYTHON"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def ssh_host(ssh_home: Path, sshd: Sshd):
    """A connected SSHHost, logged in as the box user; `python3` there is the box's."""
    from tui_ft.host.ssh import SSHHost

    host = SSHHost.from_spec(f"ssh -p {sshd.port} {sshd.user}@127.0.0.1")
    host.profile  # noqa: B018 - resolved once per connection, as a command's first call does
    yield host
    host.close()


@pytest.fixture
def box_tmp(box: BoxAccount, tmp_path: Path) -> Iterator[Path]:
    """A fresh folder on the box, owned by the box user (pytest's tmp_path is the laptop's)."""
    folder = box.mkdir(box.home / "tmp" / f"{tmp_path.parent.name}-{tmp_path.name}")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def box_demo(box: BoxAccount, demo_workspace: Path) -> Path:
    """The demo workspace as the box's own default workspace (`~/autodl-tmp/tui-ft`)."""
    shutil.copytree(demo_workspace, box.workspace)
    box.chown(box.workspace)
    return box.workspace


@pytest.fixture
def box_demo_copy(box: BoxAccount, box_tmp: Path, demo_workspace: Path) -> Path:
    """A private copy of the demo workspace on the box that a test may change."""
    target = box_tmp / "ws"
    shutil.copytree(demo_workspace, target)
    box.chown(target)
    return target
