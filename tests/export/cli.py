"""`python -m tui_ft ...` as a user runs it, for the export tests (stdout, stderr, exit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def tui_ft(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process (so tool output, exit codes and stderr are real)."""
    argv = [sys.executable, "-m", "tui_ft", *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


def gguf_verify(model: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`tui-ft gguf MODEL --out ... --modelfile --verify`: (the process, the GGUF path)."""
    out = tmp_path / "g" / "demo-f16.gguf"
    return tui_ft("gguf", model, "--out", out, "--modelfile", "--verify"), out


def demo_gguf_json(workspace: Path, out: Path, *flags: str, data_flag: str) -> dict:
    """`tui-ft gguf` of the demo model with `data_flag` = its identity dataset, as JSON."""
    model = workspace / "models" / "tiny-llama-demo"
    data = workspace / "datasets" / "identity_demo.json"
    proc = tui_ft("gguf", model, "--out", out, *flags, data_flag, data, "--json", timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])
