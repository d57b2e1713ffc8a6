"""Time from a killed SSH session to a working chat reply again (healing forwards, #14).

The demo model is served on the "box" (benchmarks/_common.SlowBox: a real sshd on
127.0.0.1 logging in as this user, its proxy set to add no delay) by LLaMA-Factory's API
server, reached through tui-ft's SSH forward, with the host's heartbeat at the TUI's
defaults. Each repetition asks once on the healthy link (the
baseline: one whole reply), then kills the sshd processes of the connection, as
tests/ssh/test_connection_loss.py does, and asks the same question again every 0.2 s (a
user pressing r) until a whole reply arrives: reconnect, forward re-made, reply.

Heavy (torch in the server): run it under the shared lock.

    flock /tmp/tui-ft-heavy.lock .venv/bin/python benchmarks/chat_reconnect.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SlowBox, report
from tui_ft.chat.base import ChatError, ChatParams
from tui_ft.chat.server import LlamaFactoryServer
from tui_ft.host.base import HostError

ASK = [{"role": "user", "content": "hello"}]
PARAMS = ChatParams(max_new_tokens=8)


def reply_time(server: LlamaFactoryServer) -> float:
    t0 = time.monotonic()
    assert "".join(server.stream(ASK, PARAMS)) is not None
    return time.monotonic() - t0


def recovery_time(server: LlamaFactoryServer, sshd, timeout: float = 120.0) -> tuple[float, int]:
    """(seconds from the kill to a whole reply, attempts it took)."""
    assert sshd.kill_sessions(), "no sshd session to kill"
    t0 = time.monotonic()
    attempts = 0
    while time.monotonic() - t0 < timeout:
        attempts += 1
        try:
            "".join(server.stream(ASK, PARAMS))
            return time.monotonic() - t0, attempts
        except (ChatError, HostError, OSError):  # cut, refused, or the link still down
            time.sleep(0.2)
    raise TimeoutError(f"no reply {timeout:.0f}s after the kill")


def main() -> int:
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # the killed session's noise
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    healthy: list[float] = []
    after_kill: list[float] = []
    tries: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        built = subprocess.run([sys.executable, "-m", "tui_ft", "demo", str(d / "ws")],
                               capture_output=True, text=True)  # fmt: skip
        if built.returncode != 0:
            print(f"tui-ft demo failed: {built.stderr[-500:]}", file=sys.stderr)
            return 1
        with SlowBox(d) as box:  # no added delay: the proxy only passes the bytes on
            # host.python is this venv's: llamafactory-cli beside it, as on a set-up box
            host = box.connect(0, heartbeat=True, timeout=5.0)
            model = str(d / "ws" / "models" / "tiny-llama-demo")
            server = LlamaFactoryServer(host, model, template="default", workdir=str(d / "chat"))
            try:
                t0 = time.monotonic()
                server.start()
                print(f"server ready through the forward in {time.monotonic() - t0:.1f}s")
                reply_time(server)  # the first reply warms the model up
                for _ in range(args.repeat):
                    healthy.append(reply_time(server))
                    took, n = recovery_time(server, box.sshd)
                    after_kill.append(took)
                    tries.append(n)
            finally:
                server.close()
                host.close()
    report(
        "killed SSH session -> whole chat reply again (baseline: one reply, healthy link)",
        after_kill,
        healthy,
    )
    print(f"  attempts per recovery: {tries} (one every 0.2 s while the link was down)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
