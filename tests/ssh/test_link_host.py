"""One place decides the link is down: a cut or a frozen link is ConnectionLost for every
call, the heartbeat and the host agree on `link_state`, and the link comes back."""

from __future__ import annotations

import threading
import time

import pytest

# ruff: noqa: F811 - the fixtures imported below are test parameters
from tests.ssh.proxy import LinkProxy, link_proxy, proxied_host  # noqa: F401
from tui_ft.host.base import ConnectionLost, HostError, LinkStatus


def wait_for(cond, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_session_is_connection_lost_not_a_generic_error(ssh_host, sshd):
    """The issue's traceback: sshd sessions killed, `_open` read b'' and said HostError."""
    assert ssh_host.run(["true"]).ok
    sshd.kill_sessions()
    errors = []
    for _ in range(3):  # whatever the call, and however far the transport noticed
        try:
            ssh_host.is_alive(1)
        except HostError as exc:
            errors.append(exc)
    assert errors and all(isinstance(e, ConnectionLost) for e in errors), errors
    assert ssh_host.link_state == "down"  # no heartbeat runs: nobody reconnects
    ssh_host.reconnect()
    assert ssh_host.link_state == "up" and ssh_host.run(["true"]).ok


@pytest.mark.parametrize("how", ["cut", "freeze"])
def test_cut_and_freeze_are_noticed_and_healed(proxied_host, link_proxy: LinkProxy, how):
    host = proxied_host
    seen: list[LinkStatus] = []
    unsubscribe = host.on_link(seen.append)
    assert host.link_state == "up" and host.run(["true"]).ok
    gen = host.generation
    # a command in flight when the link goes: it must fail, not hang
    outcome: list[object] = []

    def long_call() -> None:
        try:
            outcome.append(host.run(["sleep", "30"]))
        except Exception as exc:
            outcome.append(exc)

    t = threading.Thread(target=long_call)
    t.start()
    time.sleep(0.5)
    getattr(link_proxy, how)()
    wait_for(lambda: host.link_state == "reconnecting", 10, "reconnecting")
    t.join(10)
    assert not t.is_alive() and isinstance(outcome[0], ConnectionLost), outcome
    with pytest.raises(ConnectionLost):
        host.read_bytes("/etc/hostname")
    # attempts are counted and the next retry time is published
    wait_for(lambda: host.link.attempt >= 2, 30, "a second attempt")
    assert any(s.next_retry_at is not None for s in seen)
    assert "reconnecting… (attempt" in host.link.describe()
    link_proxy.restore()
    wait_for(lambda: host.link_state == "up", 30, "up again")
    assert host.generation > gen
    assert host.run(["echo", "back"]).stdout == "back\n"
    states = [s.state for s in seen]
    assert states[0] == "reconnecting" and states[-1] == "up"
    unsubscribe()
