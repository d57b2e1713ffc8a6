"""Only the login methods the box offers are asked for (issue 29): the test sshd takes keys
only (`PasswordAuthentication no`, no keyboard-interactive), so no password is asked."""

from __future__ import annotations

import pytest

from tests.ssh.sshd import keygen
from tui_ft.host.ssh import SSHHost
from tui_ft.host.sshconnect import AuthFailed


def test_a_box_without_password_login_is_never_asked_for_one(ssh_home, sshd, tmp_path):
    stranger = keygen(tmp_path / "not_authorized")  # a key the box does not know
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "secret"

    spec = f"ssh -p {sshd.port} -i {stranger} {sshd.user}@127.0.0.1"
    with pytest.raises(AuthFailed) as failed:
        SSHHost.from_spec(spec, ask_password=ask, ask_passphrase=ask)
    assert asked == []
    message = str(failed.value)
    assert "takes no password (it offers: publickey)" in message
    assert "authorized_keys" in message
