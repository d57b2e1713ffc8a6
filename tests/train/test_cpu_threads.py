"""A CPU run picks its OpenMP threads when the user did not: torch's default (one per
core) crawls as soon as another process wants a core. Tested on this machine as it is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tui_ft.train.launch import WRAPPER


def _run(tmp_path: Path, **env: str) -> tuple[str, str]:
    """The wrapper's own lines, and the OMP_NUM_THREADS its command saw."""
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", *env)}
    base.pop("CUDA_VISIBLE_DEVICES", None)
    code = tmp_path / "exit_code"
    argv = [
        "sh",
        "-c",
        WRAPPER,
        "tui-ft-run",
        str(code),
        "sh",
        "-c",
        'echo "seen=$OMP_NUM_THREADS"',
    ]
    out = subprocess.run(argv, env={**base, **env}, capture_output=True, text=True, check=True)
    assert code.read_text().strip() == "0"
    own = [ln for ln in out.stdout.splitlines() if not ln.startswith("seen=")]
    seen = next(ln for ln in out.stdout.splitlines() if ln.startswith("seen="))
    return "\n".join(own), seen.removeprefix("seen=")


@pytest.mark.skipif(os.path.exists("/dev/nvidiactl"), reason="a GPU box keeps torch's default")
def test_unset_threads_become_the_free_cores_and_the_log_says_so(tmp_path):
    said, seen = _run(tmp_path)
    cores = os.cpu_count() or 1
    assert 1 <= int(seen) <= cores
    assert f"CPU run: OMP_NUM_THREADS={seen} ({seen} of {cores} cores free at launch" in said


def test_a_set_thread_count_is_kept_and_nothing_is_said(tmp_path):
    said, seen = _run(tmp_path, OMP_NUM_THREADS="3")
    assert (said, seen) == ("", "3")


def test_a_gpu_run_keeps_torchs_default(tmp_path):
    said, seen = _run(tmp_path, CUDA_VISIBLE_DEVICES="0")
    assert (said, seen) == ("", "")
