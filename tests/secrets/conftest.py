"""Fixtures: the SSH box of tests/ssh (same fixtures), the demo GGUF of tests/export, and a
neighbour: a second Unix account on the box, as on a GPU box shared by a lab."""

from __future__ import annotations

import os
import pwd
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import tests.export.conftest as _export
import tests.ssh.conftest as _ssh

box, box_demo, box_tmp, sshd, ssh_keys = (
    _ssh.box,
    _ssh.box_demo,
    _ssh.box_tmp,
    _ssh.sshd,
    _ssh.ssh_keys,
)
ssh_home, ssh_host = _ssh.ssh_home, _ssh.ssh_host
tools, demo_gguf = _export.tools, _export.demo_gguf


@dataclass
class Neighbour:
    """Another user of the box: no group in common with the box user."""

    user: str
    uid: int
    gid: int

    def run(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            argv,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            env={"PATH": "/usr/bin:/bin", "HOME": "/", "NO_PROXY": "127.0.0.1"},
            cwd="/",
            capture_output=True,
            text=True,
            timeout=60,
            **kwargs,
        )


@pytest.fixture(scope="session")
def neighbour() -> Iterator[Neighbour]:
    if os.geteuid() != 0:
        pytest.fail(
            "a second Unix account needs root (useradd), as the SSH tests do", pytrace=False
        )
    user = f"tuiftnb{os.getpid()}"
    subprocess.run(
        ["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", user],
        check=True,
        capture_output=True,
    )
    entry = pwd.getpwnam(user)
    yield Neighbour(user, entry.pw_uid, entry.pw_gid)
    subprocess.run(["userdel", "-f", user], capture_output=True)
