"""A real OpenSSH server on 127.0.0.1 for the SSH tests (Debian's /usr/sbin/sshd).

With a `BoxAccount` the server logs in as another user, so the "box" is not the
"laptop": its own home, data disk (`~/autodl-tmp`, the autodl layout), caches and
tui-ft interpreter. Paths that leak from one side to the other then fail, as they
would on a real rented box.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.ssh.box import BOX_ENV, BoxAccount

SSHD = "/usr/sbin/sshd"
SFTP_SERVERS = ("/usr/lib/openssh/sftp-server", "/usr/libexec/sftp-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path, passphrase: str = "") -> Path:
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            passphrase,
            "-C",
            "tui-ft-test",
            "-f",
            str(path),
        ],
        check=True,
    )
    return path


@dataclass
class Sshd:
    port: int
    proc: subprocess.Popen
    host_pub: str  # "ssh-ed25519 AAAA..."
    user: str
    folder: Path
    box: BoxAccount | None = None

    def known_hosts_line(self) -> str:
        return f"[127.0.0.1]:{self.port} {self.host_pub}\n"

    def sessions(self) -> list[psutil.Process]:
        """The per-connection sshd processes (children of the listener)."""
        return psutil.Process(self.proc.pid).children()

    def kill_sessions(self, sig: int = signal.SIGKILL) -> list[psutil.Process]:
        """Cut every open connection the way a crash (SIGKILL) or a dead link (SIGSTOP) would."""
        procs = []
        for child in self.sessions():
            with contextlib.suppress(psutil.NoSuchProcess):  # a session ending meanwhile
                procs += [child, *child.children(recursive=True)]
        sshd_procs = [p for p in procs if _is_sshd(p)]
        for p in sshd_procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.send_signal(sig)
        return sshd_procs

    def stop(self) -> None:
        self.kill_sessions(signal.SIGCONT)
        self.kill_sessions()
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _is_sshd(p: psutil.Process) -> bool:
    try:
        return "sshd" in p.name() or "sshd" in " ".join(p.cmdline()[:1])
    except psutil.Error:
        return False


def start_sshd(
    folder: Path,
    authorized_key: Path | None = None,
    host_key: Path | None = None,
    *,
    box: BoxAccount | None = None,
    path: str | None = None,
) -> Sshd:
    """An sshd logging in as `box`'s user (its keys, PATH and env), else as this user.

    `path`: the box's PATH instead of its interpreter's folder first (the trap box).
    """
    folder.mkdir(parents=True, exist_ok=True)
    host_key = host_key or keygen(folder / "host_ed25519")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation dir
    port = free_port()
    sftp = next((p for p in SFTP_SERVERS if os.path.exists(p)), "internal-sftp")
    if box is not None:
        authorized_key = box.authorized_keys
        login = f"AllowUsers {box.user}\nPermitRootLogin no\n"
        # The box's own interpreter and tools first; nothing of the laptop's environment.
        env = f"PATH={path or f'{box.python_bin}:/usr/local/bin:/usr/bin:/bin'} {BOX_ENV}"
    else:
        login = "PermitRootLogin prohibit-password\n"
        # The box has tui-ft installed: this venv's python3 and tools come first on PATH.
        env = f"PATH={Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
    assert authorized_key is not None, "an authorized_keys file or a box account"
    cfg = folder / "sshd_config"
    cfg.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {authorized_key}\n"
        f"UsePAM no\nStrictModes no\n{login}"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "AllowTcpForwarding yes\nPrintMotd no\nLogLevel ERROR\nMaxStartups 50\n"
        f"MaxSessions 50\nSubsystem sftp {sftp}\nSetEnv {env}\n"
    )
    proc = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "sshd.log", "ab"),  # noqa: SIM115 - lives as long as sshd
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited: {(folder / 'sshd.log').read_text()[-500:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    pub = Path(f"{host_key}.pub").read_text().split()
    user = box.user if box else getpass.getuser()
    return Sshd(port, proc, f"{pub[0]} {pub[1]}", user, folder, box)
