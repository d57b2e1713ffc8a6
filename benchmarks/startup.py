"""Start-up: launching `tui-ft` until its first screen is painted, against
`llamafactory-cli webui` until it answers HTTP on 127.0.0.1 (the baseline).

Target (issue 2): ratio <= 1/15. Run: .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

from _common import BIN, report, scratch_dir


def time_tui(workspace: str) -> float:
    """Run the real console script in a pseudo-terminal; stop at the first painted frame."""
    env = dict(
        os.environ, TUI_FT_WORKSPACE=workspace, TERM="xterm-256color", COLUMNS="120", LINES="40"
    )
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(str(BIN / "tui-ft"), ["tui-ft"], env)
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < 30:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if b"Environment" in seen and b"Checks" in seen:  # header and body painted
                    return time.perf_counter() - start
        tail = seen[-500:].decode(errors="replace")
        raise RuntimeError(f"tui-ft painted nothing in 30 s: {tail}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_webui() -> float:
    port = free_port()
    env = dict(
        os.environ,
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "llamafactory-cli"), "webui"],
        cwd=scratch_dir(),  # LlamaBoard writes llamaboard_cache/ and saves/ into its cwd
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - start < 120:
            if proc.poll() is not None:
                raise RuntimeError("llamafactory-cli webui exited (is gradio installed?)")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("webui did not answer in 120 s")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as ws:
        time_tui(ws)  # warm the page cache once, as a user's second start would be
        ours = [time_tui(ws) for _ in range(args.runs)]
    base = [time_webui() for _ in range(args.runs)]
    report(
        "start-up: tui-ft first paint vs llamafactory-cli webui answering HTTP",
        ours,
        base,
        target="<= 1/15 (0.0667)",
    )


if __name__ == "__main__":
    main()
