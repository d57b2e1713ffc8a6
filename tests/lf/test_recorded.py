"""The template recorded beside a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_ft.host.local import LocalHost
from tui_ft.lf.recorded import RECORD_FILE, read_recorded_template, write_recorded_template


def test_round_trip_and_fallbacks(tmp_path: Path) -> None:
    host = LocalHost()
    model = tmp_path / "m"
    model.mkdir()
    assert read_recorded_template(host, str(model)) is None
    (model / "training_args.yaml").write_text("template: llama3\nstage: sft\n")
    assert read_recorded_template(host, str(model)) == "llama3"
    (model / "export_args.yaml").write_text("template: qwen\n")
    assert read_recorded_template(host, str(model)) == "qwen"
    write_recorded_template(host, str(model), "default", llamafactory="0.9.5")
    assert read_recorded_template(host, str(model)) == "default"
    assert '"llamafactory": "0.9.5"' in (model / RECORD_FILE).read_text()
    # no temporary file left behind by the atomic write
    assert sorted(p.name for p in model.iterdir()) == sorted(
        ["training_args.yaml", "export_args.yaml", RECORD_FILE]
    )


def test_broken_record_falls_back(tmp_path: Path) -> None:
    (tmp_path / RECORD_FILE).write_text("{not json")
    (tmp_path / "export_args.yaml").write_text("template: gemma\n")
    assert read_recorded_template(LocalHost(), str(tmp_path)) == "gemma"
    with pytest.raises(ValueError):
        write_recorded_template(LocalHost(), str(tmp_path), "  ")
