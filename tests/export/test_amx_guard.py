"""llama.cpp on CPUs with AMX (issue 27): the safe build flags everywhere tui-ft builds it,
and the load-time guard where it did not, decided in one place (`tui_ft.gguf.cpu`).

This machine may have no AMX: the decision is tested on /proc/cpuinfo texts of CPUs with
and without it, the guard's effect on the real llama.cpp (extra buffers off, same
logits; `--no-repack` accepted by llama-imatrix) on any CPU.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_ft.gguf.build import BuiltTools, ensure_built
from tui_ft.gguf.build_plan import Plan
from tui_ft.gguf.cpu import (
    MARKER,
    NO_REPACK,
    SAFE_CFLAGS,
    build_env,
    guard_needed,
    guard_needed_here,
    lib_stats_on,
    llama_lib_dir,
    load_llama,
    marker_text,
    tool_args,
    write_marker,
)
from tui_ft.gguf.imatrix import compute_imatrix
from tui_ft.gguf.quantize import quantize
from tui_ft.gguf.tools import installed_versions
from tui_ft.host import LocalHost

ROOT = Path(__file__).resolve().parents[2]
_FLAGS = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge avx2 avx512f avx512_vnni"
SAPPHIRE_RAPIDS = (
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n"
    f"flags\t\t: {_FLAGS} amx_bf16 avx512_fp16 amx_tile amx_int8\n\n"
    "processor\t: 1\nvendor_id\t: GenuineIntel\n"
    f"flags\t\t: {_FLAGS} amx_bf16 avx512_fp16 amx_tile amx_int8\n"
)
EPYC = f"processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: {_FLAGS} sha_ni\n"
LIBS = {"libggml-cpu.so": (1_234_567, 1_700_000_000), "libllama.so": (2_000, 1_700_000_001)}


def test_setup_sh_builds_with_the_same_safe_flags():
    script = (ROOT / "scripts" / "setup.sh").read_text()
    m = re.search(r'^SAFE_CFLAGS="([^"]+)"$', script, re.M)
    assert m and m.group(1) == SAFE_CFLAGS == "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    # Both compilers get them, and the wheel's build key (when to rebuild) holds them.
    assert 'build_cflags="${CFLAGS:-} $SAFE_CFLAGS"' in script
    assert 'build_cxxflags="${CXXFLAGS:-} $SAFE_CFLAGS"' in script
    assert "CFLAGS=$build_cflags CXXFLAGS=$build_cxxflags" in script
    assert "--no-cache-dir" in script  # never pip's cached wheel built with other flags


def test_build_env_keeps_the_users_flags_and_adds_the_safe_ones_last():
    env = build_env({"CFLAGS": "-O2 -march=native"})
    assert env == {"CFLAGS": f"-O2 -march=native {SAFE_CFLAGS}", "CXXFLAGS": SAFE_CFLAGS}


def test_tools_built_before_the_safe_flags_are_built_again():
    """The tools' folder is keyed by the flags: one built without them is not found."""
    flags = ("-DCMAKE_BUILD_TYPE=Release",)
    now = Plan("full", flags, ("llama-imatrix",))
    before = Plan("full", flags, ("llama-imatrix",), env=())
    assert dict(now.env)["CXXFLAGS"].endswith(SAFE_CFLAGS)
    assert now.key("0.3.36") != before.key("0.3.36")


@pytest.mark.parametrize(
    ("cpuinfo", "marker", "needed"),
    [
        (EPYC, None, False),  # no AMX: nothing to guard, whoever built the library
        ("", None, False),  # no /proc/cpuinfo (not Linux)
        (SAPPHIRE_RAPIDS, None, True),  # AMX and a library tui-ft did not build
        (SAPPHIRE_RAPIDS, marker_text(LIBS), False),  # built by setup.sh with the flags
        (SAPPHIRE_RAPIDS, marker_text(LIBS, cflags="-O2"), True),  # marked without them
        (SAPPHIRE_RAPIDS, marker_text({**LIBS, "libggml-cpu.so": (1, 2)}), True),  # replaced
        (SAPPHIRE_RAPIDS, marker_text({"libllama.so": LIBS["libllama.so"]}), True),
        (SAPPHIRE_RAPIDS, "{not json", True),
        (SAPPHIRE_RAPIDS, '{"cflags": 1}', True),
    ],
)
def test_guard_is_needed_only_on_amx_with_a_library_tui_ft_did_not_build(cpuinfo, marker, needed):
    assert guard_needed(cpuinfo, marker, LIBS) is needed


class AMXHost(LocalHost):
    """This machine, but its /proc/cpuinfo is a Sapphire Rapids'."""

    def __init__(self) -> None:
        self.argvs: list[list[str]] = []

    def read_text(self, path: str) -> str:
        return SAPPHIRE_RAPIDS if path == "/proc/cpuinfo" else super().read_text(path)

    def stream(self, argv, *, cwd=None, env=None):
        self.argvs.append(list(argv))
        return super().stream(argv, cwd=cwd, env=env)


def test_the_marker_beside_the_libraries_decides_on_a_host(tmp_path: Path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "libggml-cpu.so").write_bytes(b"\0" * 100)
    host = AMXHost()
    assert tool_args(host, str(lib)) == [NO_REPACK]  # not built by tui-ft
    assert tool_args(host, None) == []  # tools with llama.cpp built in, by tui-ft
    write_marker(str(lib))
    assert (lib / MARKER).is_file() and tool_args(host, str(lib)) == []
    (lib / "libggml-cpu.so").write_bytes(b"\1" * 200)  # pip or the user replaced it
    assert tool_args(host, str(lib)) == [NO_REPACK]
    assert tool_args(LocalHost(), str(lib)) == ([NO_REPACK] if _amx_here() else [])


def _amx_here() -> bool:
    return "amx_tile" in Path("/proc/cpuinfo").read_text()


def test_this_machine_needs_no_guard_after_setup_sh():
    """setup.sh marked the wheel it built; with that marker even an AMX CPU needs no guard."""
    lib_dir = llama_lib_dir()
    assert lib_dir is not None
    marker = Path(lib_dir, MARKER)
    assert marker.is_file(), f"{marker} missing: run `bash scripts/setup.sh`"
    stats = lib_stats_on(LocalHost(), lib_dir)
    assert guard_needed(SAPPHIRE_RAPIDS, marker.read_text(), stats) is False
    assert guard_needed_here() is False
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft.gguf.cpu", "check"], capture_output=True, text=True
    )
    assert out.stdout.strip() == "not needed", out.stderr


@pytest.mark.gguf
def test_guarded_load_turns_off_extra_buffers_and_gives_the_same_logits(
    demo_gguf: Path, tools, tmp_path: Path
):
    """The guard only changes where weights live (no AMX, no repacking): same numbers."""
    q4 = tmp_path / "demo-Q4_0.gguf"  # Q4_0: the type llama.cpp repacks on x86
    quantize(LocalHost(), tools, str(demo_gguf), str(q4), "Q4_0")
    logits = {}
    for guard in (True, False):
        llm = load_llama(str(q4), guard=guard, n_ctx=64, logits_all=True, verbose=False)
        try:
            assert llm.model_params.use_extra_bufts is (not guard)
            prompt = llm.tokenize("Hello! Who made you? 你好".encode(), add_bos=True)
            assert len(prompt) >= 4  # a matmul of several rows: where AMX crashed
            llm.eval(prompt)
            logits[guard] = np.asarray(llm.scores[: len(prompt)], dtype=np.float64)
        finally:
            llm.close()
    np.testing.assert_allclose(logits[True], logits[False], rtol=1e-3, atol=1e-3)


@pytest.mark.gguf
def test_imatrix_runs_with_no_repack_where_the_guard_is_needed(
    demo_gguf: Path, demo_workspace: Path, tmp_path: Path
):
    """On an AMX CPU with an unmarked library, llama-imatrix gets `--no-repack` and runs."""
    host = AMXHost()
    version = str(installed_versions(host, sys.executable)["llama_cpp_python"])
    built = ensure_built(host, sys.executable, version)
    unmarked = tmp_path / "lib"  # stands for a library tui-ft did not build
    unmarked.mkdir()
    (unmarked / "libggml-cpu.so").write_bytes(b"\0")
    guarded = BuiltTools(built.imatrix, built.quantize, built.perplexity, str(unmarked))
    data = demo_workspace / "datasets" / "identity_demo.json"
    out = tmp_path / "m.imatrix.gguf"
    compute_imatrix(host, guarded, str(demo_gguf), str(data), str(out))
    assert out.read_bytes()[:4] == b"GGUF"
    assert next(a for a in host.argvs if a[0] == built.imatrix).count(NO_REPACK) == 1
