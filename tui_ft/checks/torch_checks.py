"""Checks drawn from the torch probe: the torch build and CUDA as torch sees it."""

from __future__ import annotations

from typing import Any

from tui_ft.checks.base import CheckResult, fail, ok, warn

INSTALL_TORCH = "pip install torch (a CUDA build matching the driver, see pytorch.org's selector)"


def torch_checks(probe: dict[str, Any], gpus_seen: int) -> list[CheckResult]:
    """`gpus_seen`: GPUs the NVIDIA driver reports, to tell 'no GPU' from 'torch cannot use it'."""
    if "torch" not in probe:
        reason = probe.get("error", "torch not importable")
        return [
            fail("torch", f"torch not importable: {reason}", INSTALL_TORCH),
            warn("cuda", "CUDA not available: torch is missing", INSTALL_TORCH),
        ]
    version, build = probe["torch"], probe.get("cuda_build")
    out = [
        ok("torch", f"torch {version}, built for CUDA {build}", data={"cuda_build": build})
        if build
        else warn(
            "torch",
            f"torch {version} is a CPU-only build: training runs on the CPU",
            INSTALL_TORCH if gpus_seen else "",
            data={"cuda_build": None},
        )
    ]
    devices = probe.get("devices") or []
    if probe.get("cuda_available") and devices:
        names = ", ".join(devices)
        bf16 = "bf16 supported" if probe.get("bf16") else "no bf16 (use fp16)"
        out.append(ok("cuda", f"CUDA available: {len(devices)} device(s): {names}; {bf16}"))
    elif gpus_seen:
        why = probe.get("cuda_error") or (
            "torch is a CPU-only build" if not build else "driver older than the torch build?"
        )
        out.append(
            fail(
                "cuda",
                f"the driver sees {gpus_seen} GPU(s) but torch cannot use CUDA: {why}",
                "install a torch build for this driver's CUDA version (nvidia-smi shows it)",
            )
        )
    else:
        out.append(warn("cuda", "no NVIDIA GPU / CUDA not available: training runs on the CPU"))
    return out
