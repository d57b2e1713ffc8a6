"""NVIDIA GPUs through NVML (nvidia-ml-py), read the way nvitop does.

No GPU, no driver or no library is data, not an error: `read_gpus()` then returns an
empty list and `gpu_unavailable_reason()` says why. A field the device does not
support (power on some boards, for example) is None.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {"init": None, "error": None}


@dataclass(frozen=True)
class GPUProcess:
    pid: int
    used_memory: int | None


@dataclass(frozen=True)
class GPUInfo:
    index: int
    name: str
    uuid: str
    memory_total: int
    memory_used: int
    utilization: int | None  # percent
    temperature: int | None  # Celsius
    power: float | None  # watts
    power_limit: float | None
    processes: tuple[GPUProcess, ...] = field(default_factory=tuple)


def _nvml():
    """Initialise NVML once per process; returns the module or None (reason recorded)."""
    with _lock:
        if _state["init"] is not None:
            return _state["init"] or None
        try:
            import pynvml

            pynvml.nvmlInit()
            _state["init"] = pynvml
        except Exception as exc:  # ImportError, NVMLError_LibraryNotFound, DriverNotLoaded
            _state["init"] = False
            _state["error"] = f"no NVIDIA GPU usable: {type(exc).__name__}: {exc}".strip()
        return _state["init"] or None


def gpu_unavailable_reason() -> str | None:
    """Why there are no GPUs to read, or None when NVML works."""
    return None if _nvml() else _state["error"]


def driver_version() -> str | None:
    nvml = _nvml()
    if not nvml:
        return None
    version = nvml.nvmlSystemGetDriverVersion()
    return version.decode() if isinstance(version, bytes) else version


def _maybe(fn, *args):
    """NVML calls a device does not support raise NVMLError_NotSupported: that is None."""
    try:
        return fn(*args)
    except Exception:
        return None


def _devices(nvml) -> list[tuple[Any, str, str, float | None]]:
    """Handle, name, uuid and power limit per GPU: read once, they do not change."""
    with _lock:
        if _state.get("devices") is None:
            found = []
            for index in range(nvml.nvmlDeviceGetCount()):
                h = nvml.nvmlDeviceGetHandleByIndex(index)
                name = nvml.nvmlDeviceGetName(h)
                limit = _maybe(nvml.nvmlDeviceGetEnforcedPowerLimit, h)
                found.append((
                    h,
                    name.decode() if isinstance(name, bytes) else name,
                    str(_maybe(nvml.nvmlDeviceGetUUID, h) or ""),
                    None if limit is None else limit / 1000.0,
                ))  # fmt: skip
            _state["devices"] = found
        return _state["devices"]


def read_gpus() -> list[GPUInfo]:
    """One batch of readings for every GPU; empty without a usable NVIDIA GPU.

    Only what changes is read per call (memory, utilisation, temperature, power,
    processes): the 1 Hz sampler stays far below 1% of a core.
    """
    nvml = _nvml()
    if not nvml:
        return []
    gpus = []
    for index, (h, name, uuid, limit) in enumerate(_devices(nvml)):
        mem = nvml.nvmlDeviceGetMemoryInfo(h)
        util = _maybe(nvml.nvmlDeviceGetUtilizationRates, h)
        power = _maybe(nvml.nvmlDeviceGetPowerUsage, h)
        procs = _maybe(nvml.nvmlDeviceGetComputeRunningProcesses, h) or []
        gpus.append(
            GPUInfo(
                index=index,
                name=name,
                uuid=uuid,
                memory_total=int(mem.total),
                memory_used=int(mem.used),
                utilization=None if util is None else int(util.gpu),
                temperature=_maybe(nvml.nvmlDeviceGetTemperature, h, nvml.NVML_TEMPERATURE_GPU),
                power=None if power is None else power / 1000.0,
                power_limit=limit,
                processes=tuple(
                    GPUProcess(int(p.pid), getattr(p, "usedGpuMemory", None)) for p in procs
                ),
            )
        )
    return gpus
