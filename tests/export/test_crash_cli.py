"""A llama.cpp crash seen through the CLI (issue 27): `tui-ft gguf --perplexity` whose
perplexity child segfaults prints one line naming the crash, exits 1, no traceback;
before, the line ended in "failed on local:" and nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gguf

# Stands in for a llama-cpp-python that crashes in native code as the child loads it.
CRASHING_LLAMA_CPP = "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"


def test_a_crashing_perplexity_child_is_one_line_and_exit_1(demo_workspace: Path, tmp_path):
    fake = tmp_path / "crashing" / "llama_cpp"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(CRASHING_LLAMA_CPP)
    model = demo_workspace / "models" / "tiny-llama-demo"
    data = demo_workspace / "datasets" / "identity_demo.json"
    out = tmp_path / "g" / "demo-f16.gguf"
    argv = [sys.executable, "-m", "tui_ft", "gguf", str(model), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    proc = subprocess.run(
        [*argv, "--perplexity", str(data)], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("tui-ft:")]
    assert len(errors) == 1, proc.stderr[-2000:]
    line = errors[0]
    assert f"perplexity of {out} failed on local: " in line
    assert "tui_ft gguf-perplexity crashed with SIGSEGV (segmentation fault)" in line
    assert out.is_file()  # the conversion before it stands
