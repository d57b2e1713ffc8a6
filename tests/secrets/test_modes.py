"""The mode of every file tui-ft writes, under umask 022 and 077, here and on the box.

Each writer is the real one (tests/secrets/writers.py). On this machine they run in a
child process started with that umask; on the box, through SSH to an sshd started with
it (the box's commands and SFTP server get their umask from it). Secrets are 0600 in a
0700 folder under both; what the user makes follows the umask (0644 under 022).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.secrets.writers import LOCAL_ONLY, WRITERS, write_all
from tests.ssh.sshd import start_sshd

REPO = Path(__file__).resolve().parents[2]
UMASKS = (0o022, 0o077)
_tables: dict[tuple[str, int], dict[str, list[int]]] = {}


def check(name: str, umask: int, table: dict[str, list[int]]) -> None:
    file_mode, folder_mode = table[name]
    if WRITERS[name][0]:
        got = f"{name}: {file_mode:o} in a {folder_mode:o} folder"
        assert (file_mode, folder_mode) == (0o600, 0o700), got
    else:
        assert file_mode == 0o666 & ~umask, f"{name}: {file_mode:o} under umask {umask:03o}"
        assert folder_mode == 0o777 & ~umask, f"{name}'s folder: {folder_mode:o}"


@pytest.mark.lf
@pytest.mark.parametrize("umask", UMASKS, ids=lambda u: f"umask{u:03o}")
@pytest.mark.parametrize("name", list(WRITERS))
def test_mode_here(tmp_path_factory, demo_workspace: Path, name: str, umask: int):
    if ("here", umask) not in _tables:  # one child process per umask runs every writer
        root = tmp_path_factory.mktemp(f"umask{umask:03o}")
        env = dict(os.environ, TUI_FT_CONFIG=str(root / "config" / "config.yaml"),
                   HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")  # fmt: skip
        proc = subprocess.run(
            [sys.executable, "-m", "tests.secrets.writers", str(root), str(demo_workspace)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=600, umask=umask,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        _tables["here", umask] = json.loads(proc.stdout.strip().splitlines()[-1])
    check(name, umask, _tables["here", umask])


@pytest.fixture(scope="module")
def box_077(tmp_path_factory, box, sshd):
    """A second sshd for the box whose sessions run under umask 077 (inherited from sshd)."""
    old = os.umask(0o077)
    try:
        server = start_sshd(
            tmp_path_factory.mktemp("sshd077"), sshd.folder / "host_ed25519", box=box
        )
    finally:
        os.umask(old)
    yield server
    server.stop()


@pytest.mark.ssh
@pytest.mark.lf
@pytest.mark.parametrize("umask", UMASKS, ids=lambda u: f"umask{u:03o}")
@pytest.mark.parametrize("name", [n for n in WRITERS if n not in LOCAL_ONLY])
def test_mode_on_the_box(request, ssh_home, box, box_demo, name: str, umask: int):
    from tui_ft.host.ssh import SSHHost

    if ("box", umask) not in _tables:
        server = request.getfixturevalue("sshd" if umask == 0o022 else "box_077")
        known = ssh_home / ".ssh" / "known_hosts"
        known.write_text(known.read_text() + server.known_hosts_line())
        host = SSHHost.from_spec(f"ssh -p {server.port} {server.user}@127.0.0.1")
        try:
            assert host.box_umask() == umask
            root = box.mkdir(box.home / "tmp" / f"modes{umask:03o}")
            _tables["box", umask] = write_all(host, str(root), str(box_demo))
        finally:
            host.close()
    check(name, umask, _tables["box", umask])
