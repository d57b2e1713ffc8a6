"""System checks: ok / warn / fail with a reason and a fix; no GPU is a warning."""

from __future__ import annotations

import os

import pytest

from tui_ft import gpu
from tui_ft.checks import run_checks
from tui_ft.checks.disk import disk_checks
from tui_ft.checks.gpu_checks import gpu_checks
from tui_ft.checks.probe import probe_torch
from tui_ft.checks.system import llama_cpp_check
from tui_ft.checks.torch_checks import torch_checks
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace

HAS_GPU = bool(gpu.read_gpus())


def by_name(results):
    return {r.name: r for r in results}


@pytest.fixture(scope="module")
def probe():
    return probe_torch(LocalHost())


@pytest.mark.skipif(HAS_GPU, reason="this machine has an NVIDIA GPU")
def test_no_gpu_reads_as_a_clear_warning(probe, tmp_path):
    results = run_checks(LocalHost(), Config(), Workspace(LocalHost(), str(tmp_path)).ensure())
    checks = by_name(results)
    assert checks["nvidia"].status == "warn"
    assert "no NVIDIA GPU / CUDA not available" in checks["nvidia"].reason
    assert checks["cuda"].status == "warn" and "CUDA not available" in checks["cuda"].reason
    assert "Traceback" not in " ".join(r.reason for r in results)
    assert checks["python"].status == "ok" and checks["torch"].reason.startswith("torch ")
    assert all(r.status in ("ok", "warn", "fail") and r.reason for r in results)


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_GPU, reason="needs an NVIDIA GPU")
def test_gpu_box_reads_driver_devices_and_cuda(probe):
    checks = by_name(gpu_checks())
    assert checks["nvidia"].status == "ok" and checks["nvidia"].reason.startswith("driver ")
    first = checks["gpu0"]
    assert first.data["memory_total"] > 0 and "used" in first.reason
    cuda = by_name(torch_checks(probe, gpus_seen=len(gpu.read_gpus())))["cuda"]
    assert cuda.status in ("ok", "fail")  # fail: the torch build cannot use this driver
    if probe.get("cuda_build"):
        assert cuda.status == "ok" and gpu.read_gpus()[0].name.split()[-1] in cuda.reason


def test_cpu_torch_on_a_gpu_box_fails_with_the_fix(probe):
    """The driver sees a GPU but this torch cannot use it: the classic wrong-wheel install."""
    cpu_probe = dict(probe, cuda_build=None, cuda_available=False, devices=[])
    checks = by_name(torch_checks(cpu_probe, gpus_seen=1))
    assert checks["cuda"].status == "fail" and "CPU-only build" in checks["cuda"].reason
    assert "torch build" in checks["cuda"].fix
    missing = by_name(torch_checks({"error": "ModuleNotFoundError: torch"}, gpus_seen=0))
    assert missing["torch"].status == "fail" and "pip install torch" in missing["torch"].fix


def test_busy_gpu_warns_with_its_processes():
    busy = gpu.GPUInfo(
        0, "NVIDIA H100 80GB HBM3", "GPU-1", 80 * 2**30, 70 * 2**30, 99, 60, 300.0, 700.0,
        (gpu.GPUProcess(4242, 70 * 2**30),),
    )  # fmt: skip
    checks = by_name(gpu_checks([busy]))
    assert checks["gpu0"].status == "warn" and "4242" in checks["gpu0"].reason
    assert "70.0G of 80.0G used" in checks["gpu0"].reason


def test_disk_warns_when_the_next_export_does_not_fit(tmp_path):
    ws = Workspace(LocalHost(), str(tmp_path)).ensure()
    free = LocalHost().disk_usage(str(tmp_path)).free
    assert {r.status for r in disk_checks(ws, need=1)} == {"ok"}
    short = disk_checks(ws, need=free * 2)
    assert short[0].status == "warn" and "next export needs" in short[0].reason
    assert short[0].path == str(tmp_path) and short[0].fix


def test_llama_cpp_checkout(tmp_path):
    assert llama_cpp_check(str(tmp_path)).status == "fail"
    (tmp_path / "convert_hf_to_gguf.py").write_text("# converter\n")
    assert "llama-quantize" in llama_cpp_check(str(tmp_path)).reason
    tool = tmp_path / "build" / "bin" / "llama-quantize"
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\n")
    os.chmod(tool, 0o755)
    assert llama_cpp_check(str(tmp_path)).status == "ok"


def test_remote_box_answers_its_own_checks(box, tmp_path):
    ws = Workspace(box, str(tmp_path)).ensure()
    checks = by_name(run_checks(box, Config(), ws))
    assert {"python", "torch", "cuda", "nvidia", "disk: workspace"} <= set(checks)
    assert checks["disk: workspace"].path == str(tmp_path)
