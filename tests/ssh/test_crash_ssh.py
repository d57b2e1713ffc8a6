"""A command that crashes on the box (sshd's `exit-signal`) is a crash with its signal's
name, not a lost link: the connection stays up and the next command runs."""

from __future__ import annotations

import pytest

from tui_ft.host import HostError
from tui_ft.host.base import ConnectionLost

SEGV = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"


def test_a_segfault_on_the_box_is_named_and_the_link_stays_up(ssh_host):
    res = ssh_host.run(["python3", "-c", SEGV], timeout=60)
    assert res.returncode == -11
    with pytest.raises(HostError) as err:
        res.check()
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("python3 -c … crashed with SIGSEGV (segmentation fault) on ")
    assert ssh_host.link.up and ssh_host.run(["true"]).ok


def test_a_crash_while_streaming_on_the_box_is_not_a_lost_connection(ssh_host):
    with pytest.raises(HostError) as err:
        list(ssh_host.stream(["python3", "-c", f"print('step 1', flush=True); {SEGV}"]))
    assert not isinstance(err.value, ConnectionLost)
    assert "crashed with SIGSEGV (segmentation fault)" in str(err.value)
    assert ssh_host.link.up
    assert list(ssh_host.stream(["echo", "still here"])) == ["still here"]
