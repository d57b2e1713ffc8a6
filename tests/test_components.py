"""Real-component tests run or fail loudly: they are marked, and never skip quietly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONFTEST = """
from tests import components
from tests.conftest import pytest_runtest_makereport, pytest_runtest_setup  # noqa: F401

components.SSHD = "/nonexistent/sbin/sshd"
"""

TESTS = """
import pytest

@pytest.mark.ssh
def test_needs_sshd():
    pass

@pytest.mark.train
def test_skips_anyway():
    pytest.skip("no time today")

def test_plain_skip():
    pytest.skip("not for this machine")
"""


def _pytest(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_test_under_tests_ssh_and_laptop_is_marked_ssh():
    proc = _pytest(["--collect-only", "-m", "not ssh", "tests/ssh", "tests/laptop"], REPO)
    assert "no tests collected" in proc.stdout or " 0 selected" in proc.stdout, proc.stdout
    proc = _pytest(["--collect-only", "-m", "ssh", "tests/ssh/test_connect.py"], REPO)
    assert proc.returncode == 0 and "test_connect.py::" in proc.stdout, proc.stdout + proc.stderr


def test_missing_component_fails_and_ci_fails_a_skipped_component_test(tmp_path: Path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_it.py").write_text(TESTS)
    local = _pytest(["test_it.py"], tmp_path, CI="")
    out = local.stdout
    assert local.returncode == 1, out
    assert "needs ssh: /nonexistent/sbin/sshd missing" in out and "ensure-sshd.sh" in out, out
    assert "SKIPPED" in out and "no time today" in out, out  # outside CI a skip stays a skip
    ci = _pytest(["test_it.py"], tmp_path, CI="true")
    out = ci.stdout
    assert ci.returncode == 1, out
    assert "CI: a test of a real component skipped: Skipped: no time today" in out, out
    assert "not for this machine" in out and "1 skipped" in out, out  # an unmarked skip stays


def test_ensure_sshd_exits_1_with_the_reason_when_it_cannot_install(tmp_path: Path):
    bin_dir = tmp_path / "bin"  # `id` only: no apt-get on this PATH
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id") or "/usr/bin/id")
    proc = subprocess.run(
        ["/bin/bash", str(REPO / "scripts" / "ensure-sshd.sh")],
        env={"PATH": str(bin_dir), "TUI_FT_SSHD": str(tmp_path / "sbin" / "sshd")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ensure-sshd: "), proc.stderr
    assert f"{tmp_path / 'sbin' / 'sshd'} missing" in lines[0], proc.stderr
