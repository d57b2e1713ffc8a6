"""`gguf-check-template` without --template checks against the template the model records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.export.cli import tui_ft
from tui_ft.host import LocalHost
from tui_ft.lf.recorded import write_recorded_template

pytestmark = pytest.mark.gguf


def test_the_recorded_template_is_the_one_checked(demo_gguf: Path, demo_model: Path, tmp_path):
    proc = tui_ft("gguf-check-template", demo_gguf, "--hf", demo_model)  # records `default`
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "ok   chat template: renders the training prompt" in proc.stdout

    other = tmp_path / "tiny"
    shutil.copytree(demo_model, other)
    write_recorded_template(LocalHost(), str(other), "qwen")
    proc = tui_ft("gguf-check-template", demo_gguf, "--hf", other)
    assert proc.returncode == 1
    assert "FAIL chat template" in proc.stdout and "--template qwen" in proc.stdout


def test_a_model_that_records_no_template_gets_one_line(demo_gguf: Path, tmp_path: Path):
    proc = tui_ft("gguf-check-template", demo_gguf, "--hf", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"tui-ft: {tmp_path} records no template (no tui_ft_template.json, export_args.yaml "
        "or training_args.yaml naming one): pass --template, e.g. --template default"
    ]
