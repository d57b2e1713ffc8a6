"""NVIDIA driver and GPUs through NVML (tui_ft.gpu); no GPU is a warning, never a traceback."""

from __future__ import annotations

from tui_ft import gpu
from tui_ft.checks.base import CheckResult, ok, warn
from tui_ft.units import human_bytes

BUSY_FRACTION = 0.5
"""Memory used by others above this share of a GPU: a training will likely not fit."""


def gpu_checks(
    gpus: list[gpu.GPUInfo] | None = None, reason: str | None = None
) -> list[CheckResult]:
    """One "nvidia" summary plus one check per GPU.

    The readings default to NVML now; tests and remote answers pass them in.
    """
    if gpus is None:
        gpus = gpu.read_gpus()
        reason = gpu.gpu_unavailable_reason()
    if not gpus:
        why = reason or "the NVIDIA driver reports no devices"
        return [
            warn(
                "nvidia",
                f"no NVIDIA GPU / CUDA not available ({why})",
                "on a GPU box: check that the NVIDIA driver is loaded (nvidia-smi)",
            )
        ]
    driver = gpu.driver_version() or "unknown"
    out = [ok("nvidia", f"driver {driver}, {len(gpus)} GPU(s)", data={"driver": driver})]
    for g in gpus:
        used = f"{human_bytes(g.memory_used)} of {human_bytes(g.memory_total)} used"
        util = "" if g.utilization is None else f", {g.utilization}% busy"
        text = f"{g.name}: {used}{util}"
        data = {"memory_total": g.memory_total, "memory_used": g.memory_used, "uuid": g.uuid}
        name = f"gpu{g.index}"
        if g.memory_total and g.memory_used / g.memory_total > BUSY_FRACTION:
            pids = ", ".join(str(p.pid) for p in g.processes) or "unknown"
            out.append(
                warn(name, f"{text} (processes {pids})", "stop the other jobs first", data=data)
            )
        else:
            out.append(ok(name, text, data=data))
    return out
