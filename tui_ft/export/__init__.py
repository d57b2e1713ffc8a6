"""Merge a LoRA adapter into its base model with `llamafactory-cli export`."""

from tui_ft.export.merge import ExportError, ExportSpec, run_export
from tui_ft.export.preflight import DiskSpaceError, check_disk, estimate_export_bytes

__all__ = [
    "DiskSpaceError",
    "ExportError",
    "ExportSpec",
    "check_disk",
    "estimate_export_bytes",
    "run_export",
]
