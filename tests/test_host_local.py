"""The local host: the primitives every feature relies on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tui_ft.host import HostError, LocalHost


@pytest.fixture
def host() -> LocalHost:
    return LocalHost()


def test_run_captures_output_and_status(host):
    res = host.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (res.returncode, res.stdout, res.stderr) == (3, "out\n", "err\n")
    with pytest.raises(HostError, match="exited 3"):
        res.check()
    assert host.run(["no-such-program-xyz"]).returncode == 127


def test_stream_yields_lines_as_they_come(host):
    lines = list(host.stream(["sh", "-c", "echo a; echo b >&2; echo c"]))
    assert lines == ["a", "b", "c"]
    with pytest.raises(HostError):
        list(host.stream(["sh", "-c", "echo x; exit 2"]))


def test_detached_process_outlives_its_parent(host, tmp_path):
    """Started from a short-lived parent, the child keeps running in its own session."""
    log, pid_file = tmp_path / "out.log", tmp_path / "pid"
    code = (
        "from tui_ft.host import LocalHost;"
        f"LocalHost().spawn_detached(['sh','-c','echo started; sleep 30'], cwd={str(tmp_path)!r},"
        f" log_path={str(log)!r}, pid_path={str(pid_file)!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # the parent exits here
    pid = int(pid_file.read_text())
    try:
        assert host.is_alive(pid, expect="sleep 30")
        assert not host.is_alive(pid, expect="something else")
        assert os.getsid(pid) == pid  # its own session: no SIGHUP from our terminal
        deadline = time.time() + 5
        while "started" not in log.read_text() and time.time() < deadline:
            time.sleep(0.05)
        assert log.read_text() == "started\n"
    finally:
        host.signal(pid, signal.SIGKILL)
    deadline = time.time() + 5
    while host.is_alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not host.is_alive(pid)
    assert host.signal(999_999_999 % 4_000_000 + 4_000_000, signal.SIGTERM) is False


def test_atomic_write_keeps_old_file_on_failure(host, tmp_path, monkeypatch):
    target = tmp_path / "a" / "f.txt"
    host.write_text(str(target), "one")
    assert host.read_text(str(target)) == "one"

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        host.write_text(str(target), "two")
    assert target.read_text() == "one"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]  # no temp file left


def test_follow_returns_complete_lines_from_offset(host, tmp_path):
    path = tmp_path / "log.jsonl"
    follower = host.follow(str(path))
    assert follower.poll() == []  # not there yet
    path.write_text("a\nb")
    assert follower.poll() == ["a"]  # "b" has no newline yet
    with path.open("a") as fh:
        fh.write("c\nd\n")
    assert follower.poll() == ["bc", "d"]
    resumed = host.follow(str(path), offset=2)
    assert resumed.poll() == ["bc", "d"]


def test_files_and_disk(host, tmp_path):
    host.makedirs(str(tmp_path / "d" / "e"))
    host.write_bytes(str(tmp_path / "d" / "f.bin"), b"12345")
    names = [(s.name, s.is_dir, s.size) for s in host.listdir(str(tmp_path / "d"))]
    assert names == [("e", True, names[0][2]), ("f.bin", False, 5)]
    assert host.read_bytes(str(tmp_path / "d" / "f.bin"), 1, 2) == b"23"
    assert host.stat(str(tmp_path / "nope")) is None
    du = host.disk_usage(str(tmp_path / "not" / "yet"))
    assert du.total > 0 and 0 <= du.free <= du.total
    with pytest.raises(HostError):
        host.remove(str(tmp_path / "d"))
    host.remove(str(tmp_path / "d"), recursive=True)
    assert not host.exists(str(tmp_path / "d"))
    assert host.which("sh")
