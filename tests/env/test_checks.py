"""System checks: ok / warn / fail with a reason and a fix; no GPU is a warning."""

from __future__ import annotations

import json
import os
from importlib import metadata

import pytest

from tui_ft import gpu
from tui_ft.checks import CheckResult, run_checks
from tui_ft.checks.disk import disk_checks
from tui_ft.checks.gpu_checks import gpu_checks
from tui_ft.checks.lf_check import lf_result, llamafactory_check
from tui_ft.checks.probe import probe_torch
from tui_ft.checks.system import llama_cpp_check
from tui_ft.checks.torch_checks import torch_checks
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.lfenv import Found, LFInstall, find_llamafactory, needs_newer, template_note
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


# -- the box's own LLaMA-Factory ------------------------------------------------------


class PlainPython(LocalHost):
    """A box whose tui-ft interpreter has no LLaMA-Factory (the system python3)."""

    python = "/usr/bin/python3.11"


def fake_env(prefix, version: str, *, editable_src: str | None = None):
    """An environment folder as pip leaves it: bin/llamafactory-cli and the dist-info."""
    site = prefix / "lib" / "python3.10" / "site-packages"
    info = site / f"llamafactory-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Name: llamafactory\nVersion: {version}\n")
    if editable_src:
        url = {"url": f"file://{editable_src}", "dir_info": {"editable": True}}
        (info / "direct_url.json").write_text(json.dumps(url))
    cli = prefix / "bin" / "llamafactory-cli"
    cli.parent.mkdir(parents=True)
    cli.write_text("#!/bin/sh\n")
    cli.chmod(0o755)
    return cli


def test_check_reports_version_and_site_packages_install():
    lf = by_name([llamafactory_check(LocalHost())])["llamafactory"]
    assert lf.status == "ok", lf.reason
    assert lf.reason.startswith(
        f"llamafactory {metadata.version('llamafactory')}, in site-packages"
    )
    assert lf.data["install"] == "site-packages" and lf.data["cli"].endswith("llamafactory-cli")


def test_conda_env_and_cli_only_are_found_outside_tui_fts_python(tmp_path, monkeypatch):
    home = tmp_path / "home"
    fake_env(home / "miniconda3" / "envs" / "lf", "0.9.3", editable_src="/src/LLaMA-Factory")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CONDA_EXE", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    found = find_llamafactory(PlainPython())
    assert found.primary is not None and found.primary.kind == "conda"
    result = lf_result(found)
    assert result.status == "warn" and "conda env lf" in result.reason
    assert (
        "llamafactory 0.9.3" in result.reason and "install tui-ft into conda env lf" in result.fix
    )

    other = tmp_path / "venv"
    cli = fake_env(other, "0.9.4")
    monkeypatch.setenv("PATH", f"{cli.parent}:/usr/bin:/bin")
    found = find_llamafactory(PlainPython())
    assert found.primary is not None and found.primary.kind == "cli"
    assert found.primary.version == "0.9.4" and found.primary.cli == str(cli)
    assert [o.name for o in found.others] == ["lf"]  # the conda env is still named
    assert "CLI only" in lf_result(found).reason

    # An env anywhere, known to conda only: `conda env list --json` names it.
    fake_env(tmp_path / "elsewhere" / "work", "0.9.5")
    conda = tmp_path / "condabin" / "conda"
    conda.parent.mkdir()
    envs = json.dumps({"envs": [str(tmp_path / "elsewhere" / "work")]})
    conda.write_text(f"#!/bin/sh\necho '{envs}'\n")
    conda.chmod(0o755)
    monkeypatch.setenv("PATH", f"{conda.parent}:/usr/bin:/bin")
    found = find_llamafactory(PlainPython())
    assert {(i.name, i.version) for i in [found.primary, *found.others]} == {
        ("work", "0.9.5"),
        ("lf", "0.9.3"),
    }


def test_nothing_found_fails_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CONDA_EXE", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    result = lf_result(find_llamafactory(PlainPython()))
    assert result.status == "fail" and "LLaMA-Factory not found" in result.reason
    assert "pip install 'tui-ft[train]'" in result.fix


def test_release_outside_the_supported_range_warns_in_one_line():
    def with_version(v: str) -> CheckResult:
        lf = LFInstall("site-packages", v, "/site-packages", "/bin/llamafactory-cli")
        return lf_result(Found("Python 3.10.12 (/usr/bin/python3)", lf))

    assert with_version("0.9.3").status == "ok"
    assert with_version("0.9.6.dev0").status == "ok"  # a git checkout of the next release
    old = with_version("0.7.1")
    assert old.status == "warn" and "\n" not in old.reason
    assert "not tested: tui-ft supports LLaMA-Factory 0.9.2 to 0.9.5" in old.reason
    assert with_version("0.10.0").status == "warn"


def test_features_of_newer_releases_say_so_in_one_line():
    assert needs_newer("v1", "0.9.3") == (
        "the v1 engine (USE_V1=1) and its dataset format needs LLaMA-Factory >= 0.9.4 "
        "(this one is 0.9.3)"
    )
    assert needs_newer("v1", "0.9.4") is None and needs_newer("v1", "0.9.5.dev0") is None
    assert "0.9.4" in needs_newer("openai_format", "0.9.2")
    assert needs_newer("cloud_file", "0.9.3") is None
    assert "none is installed" in needs_newer("v1", None)
    assert template_note("qwen3", "0.9.2") == (
        "template 'qwen3' needs LLaMA-Factory >= 0.9.3 (this one is 0.9.2)"
    )
    assert template_note("qwen3", "0.9.3") is None
    assert "removed in LLaMA-Factory 0.9.5" in template_note("baichuan2", "0.9.5")
    assert template_note("baichuan2", "0.9.4") is None
