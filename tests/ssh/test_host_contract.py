"""The same Host contract, on this machine and over a real SSH connection."""

from __future__ import annotations

import signal
import time

import pytest

from tui_ft.host import HostError, LocalHost


@pytest.fixture(params=["local", "ssh"])
def host(request):
    if request.param == "local":
        return LocalHost()
    return request.getfixturevalue("ssh_host")


@pytest.fixture
def where(host, request, tmp_path):
    """A folder `host` may write: pytest's tmp_path here, the box user's own over SSH."""
    return request.getfixturevalue("box_tmp") if host.is_remote else tmp_path


def _until(fn, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return True
        time.sleep(0.05)
    return False


def test_run_quotes_words_and_sets_cwd_env(host, where):
    res = host.run(
        [
            "sh",
            "-c",
            'printf "%s|%s|%s" "$1" "$(pwd)" "$GREETING"; echo err >&2; exit 3',
            "sh",
            "it's a $HOME; `x`",
        ],
        cwd=str(where),
        env={"GREETING": "hi there"},
    )
    assert res.returncode == 3
    assert res.stdout == f"it's a $HOME; `x`|{where}|hi there"
    assert res.stderr == "err\n"
    assert host.run(["no-such-program-xyz"]).returncode == 127
    assert host.run(["cat"], input="fed in").stdout == "fed in"
    slow = host.run(["sleep", "5"], timeout=0.5)
    assert slow.returncode == 124


def test_stream_merges_stderr_and_reports_failure(host):
    assert list(host.stream(["sh", "-c", "echo a; echo b >&2; echo c"])) == ["a", "b", "c"]
    with pytest.raises(HostError):
        list(host.stream(["sh", "-c", "echo x; exit 2"]))


def test_closing_a_stream_kills_the_command(host, where):
    marker = where / "marker"
    it = host.stream(["sh", "-c", f"echo ready; sleep 1; touch {marker}; sleep 30"])
    assert next(it) == "ready"
    it.close()
    time.sleep(1.5)
    assert not marker.exists()


def test_detached_process_survives_the_connection(host, where, sshd):
    log, pid_file = where / "logs" / "out.log", where / "run" / "pid"
    pid = host.spawn_detached(
        ["sh", "-c", 'echo "started $RUN"; sleep 30'],
        cwd=str(where),
        log_path=str(log),
        pid_path=str(pid_file),
        env={"RUN": "r1"},
    )
    try:
        assert int(pid_file.read_text()) == pid
        assert host.is_alive(pid, expect="sleep 30")
        assert not host.is_alive(pid, expect="something else")
        assert _until(lambda: log.exists() and log.read_text() == "started r1\n")
        if host.is_remote:
            host.close()  # the SSH connection goes away; the process must not
            sshd.kill_sessions()
            time.sleep(0.3)
            assert LocalHost().is_alive(pid, expect="sleep 30")
            host.connect()
        assert host.signal(pid, signal.SIGTERM)
        assert _until(lambda: not host.is_alive(pid))
    finally:
        LocalHost().signal(pid, signal.SIGKILL)
    assert host.signal(4_194_000, signal.SIGTERM) is False


def test_atomic_write_and_files(host, where):
    target = where / "a" / "b" / "f.txt"
    host.write_text(str(target), "one")
    target.chmod(0o640)
    host.write_text(str(target), "two")
    assert target.read_text() == "two"
    assert target.stat().st_mode & 0o777 == 0o640  # the mode of the replaced file is kept
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]  # no temp file left
    host.makedirs(str(where / "d" / "e"))
    host.write_bytes(str(where / "d" / "f.bin"), b"12345")
    names = [(s.name, s.is_dir) for s in host.listdir(str(where / "d"))]
    assert names == [("e", True), ("f.bin", False)]
    assert host.read_bytes(str(where / "d" / "f.bin"), 1, 2) == b"23"
    assert host.read_bytes(str(where / "d" / "f.bin"), 3) == b"45"
    with pytest.raises(FileNotFoundError):
        host.read_bytes(str(where / "nope"))
    assert host.stat(str(where / "nope")) is None
    assert host.stat(str(where / "d" / "f.bin")).size == 5
    host.rename(str(where / "d" / "f.bin"), str(where / "d" / "g.bin"))
    assert (where / "d" / "g.bin").read_bytes() == b"12345"
    du = host.disk_usage(str(where / "not" / "yet"))
    assert du.total > 0 and 0 <= du.free <= du.total
    with pytest.raises(HostError):
        host.remove(str(where / "d"))
    host.remove(str(where / "d" / "g.bin"))
    host.remove(str(where / "d"), recursive=True)
    assert not host.exists(str(where / "d"))
    assert host.which("sh")
    assert host.which("no-such-program-xyz") is None
    assert host.home().startswith("/")


def test_follow_from_offset(host, where):
    path = where / "log.jsonl"
    follower = host.follow(str(path))
    assert follower.poll() == []
    path.write_text("a\nb")
    assert _collect(follower, 1) == ["a"]  # "b" has no newline yet
    with path.open("a") as fh:
        fh.write("c\nd\n")
    assert _collect(follower, 2) == ["bc", "d"]
    assert follower.offset == len("a\nbc\nd\n")
    resumed = host.follow(str(path), offset=2)
    assert _collect(resumed, 2) == ["bc", "d"]
    for f in (follower, resumed):
        getattr(f, "close", lambda: None)()


def _collect(follower, n, timeout=5.0):
    out: list[str] = []
    deadline = time.time() + timeout
    while len(out) < n and time.time() < deadline:
        out += follower.poll()
        time.sleep(0.02)
    time.sleep(0.1)
    out += follower.poll()
    return out
