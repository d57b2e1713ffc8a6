"""From a laptop's base install: its size, install time, and `tui-ft --host box` to first paint.

Run as root (the box is another user behind a loopback sshd, as in tests/ssh):
    .venv/bin/python -m benchmarks.laptop_first_paint [--runs 3]
First paint: the time from starting `tui-ft --host box` in a pseudo-terminal until the
header naming the box's workspace is on the screen (connect + box settings + paint).
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.laptop.venv import base_env
from tests.ssh.box import create_box_account, remove_box_account
from tests.ssh.sshd import keygen, start_sshd


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def first_paint(tui_ft: str, env: dict[str, str], marker: bytes, timeout: float = 120) -> float:
    pid, fd = pty.fork()
    if pid == 0:  # the child: tui-ft on a 120x40 terminal
        os.execve(tui_ft, [tui_ft, "--host", "box"], {**env, "COLUMNS": "120", "LINES": "40"})
    started = time.monotonic()
    seen = b""
    try:
        while time.monotonic() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.monotonic() - started
        raise RuntimeError(f"no first paint within {timeout}s: {seen[-500:]!r}")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env_dir = base_env()
    site = next((env_dir.root / "lib").glob("python3*/site-packages"))
    tools = ("pip", "setuptools", "_distutils_hack")
    own = sum(_size(p) for p in site.iterdir() if p.is_dir() and not p.name.startswith(tools))
    print(f"base install: {own / 1e6:.1f} MB in site-packages (pip/setuptools excluded)")
    if env_dir.install_seconds is not None:
        print(f"base install time (fresh venv, pip cache warm): {env_dir.install_seconds:.1f}s")
    work = Path(tempfile.mkdtemp(prefix="tui-ft-bench-"))
    key = keygen(work / "id_ed25519")
    box = create_box_account(Path(f"{key}.pub").read_text())
    sshd = start_sshd(work / "sshd", box=box)
    try:
        home = work / "home"
        (home / ".ssh").mkdir(parents=True)
        shutil.copy(key, home / ".ssh" / "id_ed25519")
        (home / ".ssh" / "known_hosts").write_text(sshd.known_hosts_line())
        (home / ".ssh" / "config").write_text(
            f"Host box\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {box.user}\n"
        )
        env = {
            "HOME": str(home),
            "PATH": f"{env_dir.root / 'bin'}:/usr/bin:/bin",
            "TERM": "xterm-256color",
            "TUI_FT_CONFIG": str(work / "config.yaml"),
        }
        box.mkdir(box.workspace)
        # The header names the host once the app is up (its workspace follows, maybe cut
        # at the terminal's edge).
        marker = f"host: {box.user}@".encode()
        times = [first_paint(env_dir.tui_ft, env, marker) for _ in range(args.runs)]
        print(
            f"tui-ft --host box -> first paint: median {sorted(times)[len(times) // 2]:.2f}s "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
        )
    finally:
        sshd.stop()
        remove_box_account(box)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
