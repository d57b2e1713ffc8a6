"""A child that crashes (dies by a signal) gets one line: the program, the signal and what
it means, the likely cause where known and what to do; never "exited -11" or nothing.

Real children that kill themselves; the same over SSH in tests/ssh/test_crash_ssh.py and
through the CLI in tests/export/test_crash_cli.py.
"""

from __future__ import annotations

import sys

import pytest

from tui_ft.host import HostError, LocalHost
from tui_ft.host.crash import AMX_CAUSE, AMX_FIX, crash_line, failure_detail

SEGV = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"
ILL = "import os, signal; os.kill(os.getpid(), signal.SIGILL)"


def _one_line(text: str) -> str:
    assert "\n" not in text and text.strip() == text and text
    return text


def test_a_segfault_through_run_and_check_names_the_signal():
    res = LocalHost().run([sys.executable, "-c", SEGV])
    assert res.returncode == -11
    with pytest.raises(HostError) as err:
        res.check()
    msg = _one_line(str(err.value))
    assert msg.startswith("python") and "crashed with SIGSEGV (segmentation fault)" in msg
    assert "exited -11" not in msg
    assert "rerun it" in msg  # what to do


def test_a_crash_while_streaming_names_the_signal():
    with pytest.raises(HostError) as err:
        list(LocalHost().stream([sys.executable, "-c", f"print('working'); {ILL}"]))
    msg = _one_line(str(err.value))
    assert "crashed with SIGILL (illegal instruction)" in msg


def test_a_crash_inside_a_shell_is_told_by_its_exit_128_plus_n():
    with pytest.raises(HostError) as err:
        list(LocalHost().stream(["sh", "-c", f'"{sys.executable}" -c "{SEGV}"; exit $?']))
    assert "a program run by sh crashed with SIGSEGV" in str(err.value)
    # Only a shell's 139 means a signal: another program's own 139 stays a plain exit.
    res = LocalHost().run([sys.executable, "-c", "raise SystemExit(139)"])
    with pytest.raises(HostError, match=r"exited 139"):
        res.check()


def test_llama_cpp_crash_names_the_amx_bug_and_the_fix_where_it_applies():
    argv = ["/home/u/.cache/tui-ft/llama-cpp-src/0.3.36-tools-x/bin/llama-imatrix", "-m", "a"]
    on_amx = crash_line(argv, "SIGSEGV", amx=True)
    assert on_amx.startswith("llama-imatrix crashed with SIGSEGV (segmentation fault): ")
    assert AMX_CAUSE in on_amx and AMX_FIX in on_amx and "#20824" in on_amx
    box = crash_line(["python3", "-m", "tui_ft", "gguf-perplexity", "x.gguf"], "SIGILL", "box")
    assert box.startswith("tui_ft gguf-perplexity crashed with SIGILL (illegal instruction) on box")
    assert AMX_CAUSE in box  # the box's CPU is not known here: the likely cause is named
    # Without AMX, or a program that is not llama.cpp, the AMX bug is not blamed.
    assert AMX_CAUSE not in crash_line(argv, "SIGSEGV", amx=False)
    assert AMX_CAUSE not in crash_line(["llamafactory-cli", "train", "x.yaml"], "SIGSEGV")
    oom = crash_line(["llamafactory-cli", "train", "x.yaml"], "SIGKILL")
    assert "out-of-memory" in oom


def test_a_failed_tool_with_no_output_never_leaves_an_empty_reason():
    """`perplexity of X failed on local: ` with nothing after it (issue 27) is gone."""
    argv = [sys.executable, "-m", "tui_ft", "gguf-perplexity", "x.gguf", "--json"]
    res = LocalHost().run([sys.executable, "-c", SEGV])
    crashed = failure_detail(argv, res.returncode, res.stderr)
    assert crashed.startswith("tui_ft gguf-perplexity crashed with SIGSEGV")
    assert failure_detail(argv, 3, "") == f"`{' '.join(argv)}` exited 3"
    assert failure_detail(argv, 1, "a\nb\nValueError: bad\n", lines=2) == "b | ValueError: bad"
