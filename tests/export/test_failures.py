"""What the user sees when things go wrong: full disks, converters that fail half-way."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tui_ft.export import DiskSpaceError, ExportSpec, run_export
from tui_ft.gguf import GGUFError
from tui_ft.gguf.convert import convert
from tui_ft.gguf.quantize import quantize
from tui_ft.host import LocalHost
from tui_ft.host.base import DiskUsage


class LowDiskHost(LocalHost):
    """This machine, but its disk reports only `free` bytes free."""

    def __init__(self, free: int) -> None:
        self.free = free

    def disk_usage(self, path: str) -> DiskUsage:
        real = super().disk_usage(path)
        return DiskUsage(path, real.total, real.total - self.free, self.free)


def test_export_refuses_when_disk_is_too_small(demo_model: Path, tmp_path: Path):
    out = tmp_path / "exports" / "merged"
    host = LowDiskHost(free=10 * 1024**2)
    with pytest.raises(DiskSpaceError) as err:
        run_export(host, ExportSpec(model=str(demo_model), export_dir=str(out)))
    msg = str(err.value)
    assert "not enough disk space" in msg and str(out) in msg
    assert "10.0M is free" in msg and "needs about" in msg
    # Nothing started: no folder, no hidden partial folder.
    assert not out.exists() and not (tmp_path / "exports" / ".merged.partial").exists()


def test_conversion_refuses_when_disk_is_too_small(demo_model: Path, tools, tmp_path: Path):
    host = LowDiskHost(free=1024)
    with pytest.raises(DiskSpaceError, match="not enough disk space for the GGUF file"):
        convert(host, tools, str(demo_model), str(tmp_path / "m.gguf"))
    assert list(tmp_path.iterdir()) == []


def _truncated_model(demo_model: Path, tmp_path: Path) -> Path:
    """Weights cut in half: the converter starts writing, then dies mid-file."""
    broken = tmp_path / "broken"
    shutil.copytree(demo_model, broken)
    weights = broken / "model.safetensors"
    os.truncate(weights, weights.stat().st_size // 2)
    return broken


def test_failed_conversion_leaves_no_partial_file(demo_model: Path, tools, tmp_path: Path):
    broken = _truncated_model(demo_model, tmp_path)
    out_dir = tmp_path / "gguf"
    out_dir.mkdir()
    out = out_dir / "broken-f16.gguf"
    with pytest.raises(GGUFError) as err:
        convert(LocalHost(), tools, str(broken), str(out))
    assert "conversion of" in str(err.value) and "mmap length" in str(err.value)
    assert list(out_dir.iterdir()) == []


def test_failed_conversion_keeps_the_previous_file(demo_model: Path, tools, tmp_path: Path):
    broken = _truncated_model(demo_model, tmp_path)
    out = tmp_path / "model.gguf"
    out.write_bytes(b"the previous good file")
    with pytest.raises(GGUFError):
        convert(LocalHost(), tools, str(broken), str(out))
    assert out.read_bytes() == b"the previous good file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "model.gguf"]


def test_adapter_folder_is_refused_for_conversion(tools, tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "adapter_config.json").write_text("{}")
    with pytest.raises(GGUFError, match="LoRA adapter: merge it first"):
        convert(LocalHost(), tools, str(tmp_path), str(tmp_path / "x.gguf"))


def test_unknown_types_are_refused(demo_gguf: Path, tools, tmp_path: Path):
    with pytest.raises(GGUFError, match="outtype must be one of f16, bf16, q8_0"):
        convert(LocalHost(), tools, str(demo_gguf.parent), str(tmp_path / "x.gguf"), "q4")
    with pytest.raises(GGUFError, match="Q4_K_M"):
        quantize(LocalHost(), tools, str(demo_gguf), str(tmp_path / "x.gguf"), "Q4_X")
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_an_existing_folder(demo_model: Path, tmp_path: Path):
    (tmp_path / "merged").mkdir()
    (tmp_path / "merged" / "keep.txt").write_text("mine")
    from tui_ft.export import ExportError

    with pytest.raises(ExportError, match="already exists"):
        run_export(
            LocalHost(), ExportSpec(model=str(demo_model), export_dir=str(tmp_path / "merged"))
        )
    assert (tmp_path / "merged" / "keep.txt").read_text() == "mine"
