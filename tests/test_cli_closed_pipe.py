"""`tui-ft ... | head -1`: a reader that stops early is not a failure of the network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_closed_output_pipe_ends_the_command_quietly():
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line, as `| head -0` would
    try:
        out = subprocess.run(
            [sys.executable, "-m", "tui_ft", "recipe", "list"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=120,
        )
    finally:
        os.close(write)
    assert out.stderr == ""  # no "connection failed ... check the network", no traceback
    assert out.returncode == 141  # as `yes | head -1`: killed by the pipe, not an error line
