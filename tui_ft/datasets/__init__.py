"""Datasets for LLaMA-Factory: read (streaming), detect the format, lint, preview as
turns, fill placeholders and register in a dataset_dir's `dataset_info.json`.

Everything goes through a `Host`; nothing heavy is imported here (transformers only
when token statistics are asked for).
"""

from tui_ft.datasets.detect import Detection, detect_format
from tui_ft.datasets.findings import Finding, LintReport, TokenStats
from tui_ft.datasets.info import (
    ConcurrentModification,
    DatasetInfo,
    DatasetInfoError,
    file_name_for,
    list_registered,
    load_info,
    register,
)
from tui_ft.datasets.lint import lint_dataset, lint_file
from tui_ft.datasets.placeholders import fill_placeholders
from tui_ft.datasets.readers import iter_records, read_slice
from tui_ft.datasets.records import DataError, Record

__all__ = [
    "ConcurrentModification",
    "DataError",
    "DatasetInfo",
    "DatasetInfoError",
    "Detection",
    "Finding",
    "LintReport",
    "Record",
    "TokenStats",
    "detect_format",
    "file_name_for",
    "fill_placeholders",
    "iter_records",
    "lint_dataset",
    "lint_file",
    "list_registered",
    "load_info",
    "read_slice",
    "register",
]
