"""Disk pre-flight: refuse before a multi-GB write that would fill the disk half-way."""

from __future__ import annotations

import posixpath

from tui_ft.host.base import Host
from tui_ft.units import human_bytes

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf")
MIN_MARGIN = 256 * 1024**2
"""Head-room beside the estimate: tokenizer files, the config, the filesystem's own needs."""


class DiskSpaceError(RuntimeError):
    """Not enough free space; the message names the folder, the need and what is free."""


def weights_bytes(host: Host, model_dir: str) -> int:
    """Size of the weight files of a model folder (what an export or conversion rewrites)."""
    total = 0
    for entry in host.listdir(model_dir):
        if not entry.is_dir and entry.name.endswith(WEIGHT_SUFFIXES):
            total += entry.size
    return total


def estimate_export_bytes(host: Host, model_dir: str, adapter_dir: str | None = None) -> int:
    """A merged export is as big as the base weights (LLaMA-Factory keeps or halves the dtype)."""
    size = weights_bytes(host, model_dir)
    if adapter_dir:
        size += weights_bytes(host, adapter_dir)  # embed/lm_head in the adapter are merged
    return size


def margin_for(estimate: int) -> int:
    return max(estimate // 20, MIN_MARGIN)


def check_disk(host: Host, target: str, estimate: int, *, what: str = "the export") -> int:
    """Raise DiskSpaceError when the filesystem of `target` cannot hold `estimate` + margin.

    Returns the bytes needed (estimate plus margin) so callers can show it.
    """
    need = estimate + margin_for(estimate)
    usage = host.disk_usage(posixpath.dirname(target.rstrip("/")) or "/")
    if usage.free < need:
        raise DiskSpaceError(
            f"not enough disk space for {what}: {target} needs about {human_bytes(need)} "
            f"({human_bytes(estimate)} estimated + {human_bytes(need - estimate)} margin) but "
            f"only {human_bytes(usage.free)} is free on {host.describe()}; free some space "
            "(old checkpoints, exports) or choose another folder"
        )
    return need
