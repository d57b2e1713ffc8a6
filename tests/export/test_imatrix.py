"""`tui-ft gguf --imatrix`: llama.cpp's tools built once (cached, atomic), the matrix
computed from the training data, and i-quants made with it (refused without one:
test_gguf_parts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.export.cli import demo_gguf_json
from tui_ft.gguf.build import ensure_built, source_dir, tools_dir
from tui_ft.gguf.build_plan import plan_build
from tui_ft.gguf.tools import installed_versions
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf


def test_imatrix_quants_from_the_cli(demo_workspace: Path, tmp_path: Path):
    out = tmp_path / "q" / "demo-f16.gguf"
    run = demo_gguf_json(demo_workspace, out, "--quant", "IQ4_NL", "--quant", "Q4_K_M",
                         data_flag="--imatrix")  # fmt: skip
    matrix = Path(run["imatrix"])
    assert matrix == out.with_name("demo-f16.imatrix.gguf")
    assert matrix.read_bytes()[:4] == b"GGUF"  # llama-imatrix's GGUF format
    rows = {r["kind"]: r for r in run["files"]}
    assert list(rows) == ["f16", "IQ4_NL", "Q4_K_M"]
    assert 4.4 < rows["IQ4_NL"]["bpw"] < 6 and rows["IQ4_NL"]["size"] < rows["f16"]["size"] / 2
    log = Path(run["log"]).read_text()
    # llama-quantize read the matrix for each quant: its entries steer the rounding.
    assert log.count("load_imatrix: loaded") == 2, log[-3000:]
    assert not list(out.parent.glob(".*partial")) and not list(out.parent.glob(".imatrix-*"))


class Stop(Exception):
    pass


def test_tools_build_once_and_a_killed_build_never_counts(tmp_path: Path, monkeypatch):
    """Built once per machine (later calls run nothing); a build killed half-way leaves
    nothing that counts (a private cache sharing the unpacked sources)."""
    host = LocalHost()
    version = str(installed_versions(host, sys.executable)["llama_cpp_python"])
    built = ensure_built(host, sys.executable, version)  # built here, or by an earlier test
    done = Path(built.imatrix).parent.parent
    assert sorted(p.name for p in done.iterdir()) == ["bin"]  # objects dropped, binaries kept
    usage = subprocess.run([built.quantize, "--help"], capture_output=True, text=True)
    assert "--imatrix" in usage.stdout + usage.stderr
    again: list[str] = []
    assert ensure_built(host, sys.executable, version, lambda l_, _f: again.append(l_)) == built
    assert again == []  # cached: nothing configured, compiled or downloaded

    shared_src = source_dir(host, version)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    private_src = Path(source_dir(host, version))
    private_src.parent.mkdir(parents=True)
    private_src.symlink_to(shared_src)
    private = Path(tools_dir(host, version, plan_build(host, sys.executable, str(private_src))))

    def stop_at_compile(line: str, _frac) -> None:
        if "Building C" in line:
            raise Stop

    with pytest.raises(Stop):
        ensure_built(host, sys.executable, version, stop_at_compile)
    assert not private.exists() and not (private / "bin" / ".built").exists()


def test_setup_builds_the_tools_ahead_of_the_first_export():
    """`tui-ft setup llama-tools` (scripts/setup.sh runs it): the tools `gguf --imatrix`
    then finds, with a summary line instead of the compiler's output."""
    from tests.export.cli import tui_ft

    proc = tui_ft("setup", "llama-tools", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    ready = proc.stdout.strip().splitlines()[-1]
    assert ready.startswith("llama.cpp tools ready: ")
    folder = Path(ready.removeprefix("llama.cpp tools ready: "))
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "llama-imatrix", "llama-perplexity", "llama-quantize"]  # fmt: skip
    assert "Building CXX" not in proc.stdout  # the compiler's lines take -v
