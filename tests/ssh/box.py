"""The box's side of the SSH tests: another Unix user with its own home, data disk and python.

One account per test session (`tuiftbox<pid>`), so sessions of several people on one
machine never share a box. It is created with `useradd` (the tests run as root here and
in CI), its home is a fresh 0755 folder under /tmp, and it is removed at the end.

The box's interpreter is a venv of a system Python the box user may run (the shared
`.venv` may live under a 0700 /root), reading the shared venv's site-packages: the
same packages as the laptop side, none of the laptop's paths. Console scripts
(llamafactory-cli, tui-ft, ...) are copied with the box's shebang.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil

PREFIX = "tuiftbox"
# Written into every box session by sshd (SetEnv): no network, small CPU use.
BOX_ENV = "HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=" + os.environ.get(
    "OMP_NUM_THREADS", "2"
)


class BoxSetupError(RuntimeError):
    """The box account cannot be made here (not root, no usable Python)."""


@dataclass
class BoxAccount:
    user: str
    uid: int
    gid: int
    home: Path

    @property
    def data_disk(self) -> Path:
        """The autodl data disk of the box: `~/autodl-tmp`."""
        return self.home / "autodl-tmp"

    @property
    def workspace(self) -> Path:
        """The box's default workspace (tui-ft's rule, applied on the box)."""
        return self.data_disk / "tui-ft"

    @property
    def python_bin(self) -> Path:
        return self.home / ".tui-ft-env" / "bin"

    @property
    def python(self) -> str:
        return str(self.python_bin / "python")

    @property
    def authorized_keys(self) -> Path:
        return self.home / ".ssh" / "authorized_keys"

    def chown(self, path: Path) -> None:
        """Give a tree made by the test harness to the box user."""
        for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
            os.chown(p, self.uid, self.gid, follow_symlinks=False)

    def mkdir(self, path: Path) -> Path:
        """A folder on the box owned by the box user (parents inside its home too)."""
        path.mkdir(parents=True, exist_ok=True)
        for p in [path, *path.parents]:
            if p == self.home or self.home not in p.parents:
                break
            os.chown(p, self.uid, self.gid)
        return path

    def run(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run as the box user, with the box's HOME (harness work, not the product's)."""
        env = {"HOME": str(self.home), "PATH": f"{self.python_bin}:/usr/bin:/bin"}
        return subprocess.run(
            argv,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            env=env,
            cwd=self.home,
            check=True,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def foreign_files(self) -> list[Path]:
        """Files under the box's home that the box user does not own: the laptop put them."""
        return [p for p in self.home.rglob("*") if p.lstat().st_uid != self.uid]


_made: list[None] = []  # accounts made by this process


def create_box_account(authorized_pub: str) -> BoxAccount:
    if os.geteuid() != 0:
        raise BoxSetupError(
            "the SSH tests log in to the box as another user: run them as root (CI does)"
        )
    _remove_stale_accounts()
    # `tuiftbox<pid>x<n>`: tests/laptop and tests/ssh each hold a session `box` fixture (one
    # per conftest), so one session may make two accounts, two boxes side by side.
    _made.append(None)
    user = f"{PREFIX}{os.getpid()}x{len(_made)}"
    home = Path(tempfile.mkdtemp(prefix=f"{user}-", dir="/tmp")) / "home"
    home.parent.chmod(0o755)
    # `--password '*'`: no password login, yet not a locked account (sshd refuses those).
    subprocess.run(
        [
            *("useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/bin/sh"),
            *("--password", "*", user),
        ],
        check=True,
        capture_output=True,
    )
    entry = pwd.getpwnam(user)
    box = BoxAccount(user, entry.pw_uid, entry.pw_gid, home)
    home.mkdir(mode=0o755)
    os.chown(home, box.uid, box.gid)
    box.mkdir(box.data_disk)
    box.mkdir(box.authorized_keys.parent)
    box.authorized_keys.write_text(authorized_pub)
    box.chown(box.authorized_keys)
    _make_python(box)
    return box


def remove_box_account(box: BoxAccount) -> None:
    """Stop what the tests left running as the box user, delete the user and its home."""
    for proc in psutil.process_iter(["uids"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["uids"] and proc.info["uids"].real == box.uid:
                proc.send_signal(signal.SIGKILL)
    subprocess.run(["userdel", "-f", box.user], capture_output=True)
    shutil.rmtree(box.home.parent, ignore_errors=True)


def _remove_stale_accounts() -> None:
    """Accounts of test sessions that died without clean-up (their pid is gone)."""
    for entry in pwd.getpwall():
        suffix = entry.pw_name[len(PREFIX) :]
        pid = suffix.split("x", 1)[0]
        stale = pid.isdigit() and not psutil.pid_exists(int(pid))
        if entry.pw_name.startswith(PREFIX) and stale:
            remove_box_account(
                BoxAccount(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))
            )


def _base_pythons() -> list[str]:
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    return [base, f"/usr/bin/{minor}", f"/usr/local/bin/{minor}"]


def _make_python(box: BoxAccount) -> None:
    env_dir = box.python_bin.parent
    for base in _base_pythons():
        if not os.path.exists(base):
            continue
        try:
            box.run([base, "-m", "venv", "--without-pip", str(env_dir)])
            break
        except (subprocess.CalledProcessError, OSError):  # e.g. under a 0700 /root
            shutil.rmtree(env_dir, ignore_errors=True)
    else:
        raise BoxSetupError(f"no Python the box user can run among {_base_pythons()}")
    shared = sysconfig.get_paths()["purelib"]
    site = box.run([box.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    pth = Path(site.stdout.strip()) / "tui-ft-shared.pth"
    # `import` lines of a .pth run: addsitedir also reads the shared venv's .pth files
    # (the editable tui-ft install is one).
    pth.write_text(f"import site; site.addsitedir({shared!r})\n")
    here = Path(sys.executable).parent
    for script in here.iterdir():
        if script.name.startswith("python") or not script.is_file() or script.is_symlink():
            continue
        try:
            text = script.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        first, _, rest = text.partition("\n")
        if first.startswith("#!") and str(here) in first and "python" in first:
            target = box.python_bin / script.name
            target.write_text(f"#!{box.python}\n{rest}")
            target.chmod(0o755)
    box.chown(box.python_bin.parent)
