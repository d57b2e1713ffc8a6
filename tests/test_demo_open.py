"""`tui-ft demo --open`: the demo is built in a child process, the TUI's process has no torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import tui_ft.cli.tui as tui

def fake_run_tui(args):
    print("workspace", args.workspace)
    print("torch loaded", "torch" in sys.modules)
    return 0

tui.run_tui = fake_run_tui
from tui_ft.cli import main
sys.exit(main(["demo", sys.argv[1], "--open"]))
"""


def test_demo_open_builds_in_a_child_and_keeps_torch_out(tmp_path: Path):
    root = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"workspace {root}" in done.stdout
    assert "torch loaded False" in done.stdout
    assert (root / "models" / "tiny-llama-demo" / "config.json").exists()
