"""Shared helpers for the benchmark scripts (run on demand, never in the test suite)."""

from __future__ import annotations

import atexit
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def scratch_dir(prefix: str = "tui-ft-bench-") -> str:
    """A temporary working directory for the programs a benchmark starts, removed at exit.

    Tools write into their working directory (LlamaBoard: llamaboard_cache/, saves/);
    run from the checkout, that litters the repository.
    """
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def report(
    name: str,
    ours: list[float],
    base: list[float],
    unit: str = "s",
    target: str = "",
    lower_is_better: bool = True,
) -> float:
    """Print medians and the ratio ours/baseline; returns the ratio."""
    o, b = statistics.median(ours), statistics.median(base)
    ratio = o / b if b else float("inf")
    print(f"{name}")
    print(f"  tui-ft   median {o:.3f}{unit}  runs {[round(x, 3) for x in ours]}")
    print(f"  baseline median {b:.3f}{unit}  runs {[round(x, 3) for x in base]}")
    verdict = f"  ratio {ratio:.4f} (1/{1 / ratio:.1f})" if ratio else "  ratio 0"
    print(verdict + (f"  target {target}" if target else ""))
    return ratio


class SlowBox:
    """A loopback sshd (the box is this machine, logged in as this user) behind the test
    proxy that delays every chunk by RTT/2 each way (tests/ssh/proxy.py; no `tc netem`
    here). `connect(rtt_ms)` opens an SSHHost through it; `close()` stops both."""

    def __init__(self, folder: Path) -> None:
        from tests.ssh.proxy import LinkProxy
        from tests.ssh.sshd import keygen, start_sshd

        self.folder = folder
        self.key = keygen(folder / "id")
        (folder / "ak").write_text(Path(f"{self.key}.pub").read_text())
        self.sshd = start_sshd(folder / "sshd", folder / "ak")
        self.proxy = LinkProxy(self.sshd.port)
        port, proxied = self.sshd.port, self.proxy.port
        line = self.sshd.known_hosts_line().replace(f"]:{port} ", f"]:{proxied} ")
        (folder / "known").write_text(line)

    @property
    def spec(self) -> str:
        """The `--host` line that reaches the box through the proxy."""
        return f"ssh -p {self.proxy.port} -i {self.key} {self.sshd.user}@127.0.0.1"

    def connect(self, rtt_ms: float, *, heartbeat: bool = False, timeout: float | None = None):
        """An SSHHost through the proxy at `rtt_ms`; with `heartbeat`, kept the way the TUI
        keeps one (so polling calls go through the box's agent). `timeout`: the host's
        connect and answer timeout (SSHHost's default when None)."""
        from tui_ft.host.knownhosts import KnownHosts
        from tui_ft.host.ssh import SSHHost
        from tui_ft.host.sshconfig import SSHTarget

        self.proxy.delay = rtt_ms / 2000
        target = SSHTarget("127.0.0.1", self.proxy.port, self.sshd.user, (str(self.key),))
        extra = {} if timeout is None else {"timeout": timeout}
        host = SSHHost(target, known_hosts=KnownHosts(self.folder / "known"), **extra)
        host.connect()
        host.python = sys.executable  # the box is this machine, with this venv's tui-ft
        if heartbeat:
            host.start_heartbeat()
        return host

    def close(self) -> None:
        self.proxy.close()
        self.sshd.stop()

    def __enter__(self) -> SlowBox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
