"""A model tui-ft merges records the template it was exported with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_ft.export import ExportSpec, run_export
from tui_ft.host.local import LocalHost
from tui_ft.lf.recorded import RECORD_FILE, read_recorded_template


@pytest.mark.lf  # a real LLaMA-Factory merge: fails where LF is missing
def test_merged_model_records_its_template(demo_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "merged"
    spec = ExportSpec(model=str(demo_model), export_dir=str(out), template="llama3")
    run_export(LocalHost(), spec)
    assert read_recorded_template(LocalHost(), str(out)) == "llama3"
    assert json.loads((out / RECORD_FILE).read_text())["template"] == "llama3"
