"""The connection dies mid-follow: noticed within seconds, reconnected, no line lost or doubled."""

from __future__ import annotations

import contextlib
import signal
import time

import psutil
import pytest

from tui_ft.host.heartbeat import ResumingFollower

WRITER = "i=0; while [ $i -lt 150 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done; echo done"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "frozen"])
def test_follow_survives_a_dropped_connection(ssh_host, sshd, box_tmp, how):
    states: list[tuple[float, str]] = []
    ssh_host.start_heartbeat(
        interval=0.5, timeout=1.5, on_state=lambda s, _m: states.append((time.monotonic(), s))
    )
    log = box_tmp / "train.log"
    pid = ssh_host.spawn_detached(
        ["sh", "-c", WRITER], cwd=str(box_tmp), log_path=str(log), pid_path=str(box_tmp / "pid")
    )
    follower = ResumingFollower(ssh_host, str(log))
    lines: list[str] = []
    cut_at = None
    victims = []
    deadline = time.monotonic() + 30
    while (not lines or lines[-1] != "done") and time.monotonic() < deadline:
        lines += follower.wait(0.5)
        if cut_at is None and len(lines) >= 20:
            # kill (or freeze, like a dead link) the sshd processes serving this connection
            victims = sshd.kill_sessions(how)
            cut_at = time.monotonic()
    for p in victims:  # frozen ones are cleaned up once the test has its answer
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    assert cut_at is not None and victims
    lost = [t for t, s in states if s == "lost"]
    back = [t for t, s in states if s == "connected"]
    assert lost and lost[0] - cut_at < 4.0, states  # noticed within a few seconds
    assert back and back[0] > lost[0]
    assert ssh_host.generation >= 2  # a new connection carried the rest of the lines
    # the writer went on meanwhile on the box, and every line arrived exactly once
    assert lines == [f"line-{i}" for i in range(150)] + ["done"]
    assert not ssh_host.is_alive(pid)
    follower.close()


def test_a_link_that_dies_as_a_command_starts_is_connection_lost(ssh_host, monkeypatch):
    """The session opened, then the socket died: paramiko raises EOFError for the exec
    request and again for the channel's close. The caller (an area's worker) gets one
    ConnectionLost, which the TUI shows as a banner, not a crash."""
    import paramiko

    from tui_ft.host.base import ConnectionLost

    transport = ssh_host.transport
    real_open = transport.open_session

    def dead(*_args, **_kwargs):
        raise EOFError  # what paramiko's packetizer raises on a closed socket

    def open_then_die(*args, **kwargs) -> paramiko.Channel:
        chan = real_open(*args, **kwargs)
        monkeypatch.setattr(transport, "_send_user_message", dead)
        return chan

    monkeypatch.setattr(transport, "open_session", open_then_die)
    with pytest.raises(ConnectionLost, match="cannot start true"):
        ssh_host.run(["true"])
    assert not ssh_host.connected  # dropped at once, for the heartbeat to reconnect
