"""`UserKnownHostsFile` and `GlobalKnownHostsFile` of the ssh config are honoured, as
`ssh -G` names them (issue 29): a box known in those files connects; accepting a new key
writes to the config's UserKnownHostsFile, never to ~/.ssh/known_hosts behind its back."""

from __future__ import annotations

import pytest

from tui_ft.host.knownhosts import UnknownHostKey
from tui_ft.host.ssh import SSHHost


@pytest.fixture(params=["python", "openssh"])
def resolver(request, monkeypatch):
    monkeypatch.setenv("TUI_FT_SSH_RESOLVER", request.param)
    return request.param


def _config(home, sshd, **files: str) -> None:
    lines = "".join(f"  {k} {v}\n" for k, v in files.items())
    (home / ".ssh" / "config").write_text(
        f"Host kh\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
        f"  IdentityFile {home}/.ssh/id_ed25519\n{lines}"
    )


def test_a_key_in_the_configs_user_known_hosts_file_connects(ssh_home, sshd, resolver, monkeypatch):
    monkeypatch.setenv("TUI_FT_SSH_CONFIG", str(ssh_home / ".ssh" / "config"))
    default = ssh_home / ".ssh" / "known_hosts"
    default.write_text("")  # nothing where tui-ft used to look
    other = ssh_home / "elsewhere" / "known"
    other.parent.mkdir()
    other.write_text(sshd.known_hosts_line())
    _config(ssh_home, sshd, UserKnownHostsFile=f"{ssh_home}/nothing-here {other}")
    host = SSHHost.from_spec("kh")
    try:
        assert host.run(["echo", "in"]).stdout == "in\n"
    finally:
        host.close()


def test_a_key_in_the_global_file_connects_and_a_new_one_is_saved_in_the_users(
    ssh_home, sshd, resolver, monkeypatch
):
    monkeypatch.setenv("TUI_FT_SSH_CONFIG", str(ssh_home / ".ssh" / "config"))
    (ssh_home / ".ssh" / "known_hosts").write_text("")
    mine = ssh_home / "mine_known"
    shared = ssh_home / "global_known"
    shared.write_text(sshd.known_hosts_line())
    _config(ssh_home, sshd, UserKnownHostsFile=str(mine), GlobalKnownHostsFile=str(shared))
    SSHHost.from_spec("kh").close()  # known from the global file alone

    shared.write_text("")  # first contact now: the answer is saved where ssh would look
    with pytest.raises(UnknownHostKey) as unknown:
        SSHHost.from_spec("kh")
    unknown.value.accept()
    assert mine.read_text() == sshd.known_hosts_line().rstrip("\n") + "\n"
    assert (ssh_home / ".ssh" / "known_hosts").read_text() == ""
    SSHHost.from_spec("kh").close()
