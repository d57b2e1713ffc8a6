"""Atomic file writes: a reader sees the old file or the new one, never half of one.

The mode of what is written follows one rule (`file_mode`, `folder_mode`), on this
machine and on the box (the Host write path uses the same functions):

- a secret (webhook URLs, API keys, hosts.yaml, the watch daemon's settings and state)
  is 0600 in a folder made 0700: other users of a shared box cannot read it. Secrets
  live in folders of their own, since their folder is tightened too;
- everything else the user makes follows the umask (0644 under 022), like files made
  by `cp` or the training run itself; a file that exists keeps its mode.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

SECRET_FILE = 0o600
SECRET_FOLDER = 0o700


def _read_umask() -> int:
    """This process's umask, read once: os.umask can only be read by setting it, and a
    set-and-restore while another thread creates a file would give that file mode 0."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)  # no /proc (macOS): at import, before any thread of ours writes
    os.umask(old)
    return old


UMASK = _read_umask()


def file_mode(secret: bool, umask: int = UMASK) -> int:
    """The mode of a new file: 0600 for a secret, else what the umask allows of 0666."""
    return SECRET_FILE if secret else 0o666 & ~umask


def folder_mode(secret: bool, umask: int = UMASK) -> int:
    return SECRET_FOLDER if secret else 0o777 & ~umask


def ensure_folder(path: str | os.PathLike[str], *, secret: bool = False) -> None:
    """Create `path` and its parents (umask modes); a secret's folder is then made 0700."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    if secret and folder.stat().st_mode & 0o7777 != SECRET_FOLDER:
        os.chmod(folder, SECRET_FOLDER)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, secret: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    The mode: 0600 when `secret` (its folder 0700); else the old file's, or the umask's
    for a new file (mkstemp alone would make every file 0600).
    """
    target = Path(path)
    ensure_folder(target.parent, secret=secret)
    if secret:
        mode = SECRET_FILE
    else:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = file_mode(False)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, secret: bool = False) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), secret=secret)
