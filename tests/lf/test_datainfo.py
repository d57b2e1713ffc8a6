"""dataset_info.json semantics come from the installed LLaMA-Factory's DatasetAttr."""

from __future__ import annotations

from pathlib import Path

from tui_ft.datasets.entry import COLUMN_KEYS, TAG_KEYS, check_entry
from tui_ft.host.local import LocalHost
from tui_ft.lf import templates
from tui_ft.lf.datainfo import semantics
from tui_ft.train.config import TrainConfig
from tui_ft.train.validate import check_config


def test_semantics_are_what_datasetattr_reads() -> None:
    from llamafactory.data.parser import DatasetAttr

    templates._cache.clear()
    sem = semantics(LocalHost())
    assert sem["remote"] is True and "openai" in sem["formattings"]
    # every column and tag it lists is one DatasetAttr.join really takes from an entry
    attr = DatasetAttr("file", dataset_name="x")
    attr.join(
        {"columns": {k: f"col_{k}" for k in sem["columns"]},
         "tags": {k: f"tag_{k}" for k in sem["tags"]}}
    )  # fmt: skip
    assert all(getattr(attr, k) == f"col_{k}" for k in sem["columns"])
    assert all(getattr(attr, k) == f"tag_{k}" for k in sem["tags"])
    assert sem["defaults"]["messages"] == DatasetAttr("file", "x").messages == "conversations"
    # the built-in copy for laptops is the same as 0.9.5's
    assert tuple(sem["columns"]) == COLUMN_KEYS and tuple(sem["tags"]) == TAG_KEYS


def test_check_entry_follows_the_given_semantics() -> None:
    entry = {"file_name": "a.json", "columns": {"prompt": "q", "thinking": "t"}}
    assert [p.field for p in check_entry(entry)] == ["columns.thinking"]
    newer = dict(semantics(LocalHost()))
    newer["columns"] = [*newer["columns"], "thinking"]  # a release that reads one more column
    assert check_entry(entry, newer) == []


def test_remote_dataset_dir_is_not_looked_for_on_disk(tmp_path: Path) -> None:
    cfg = TrainConfig(model_name_or_path=str(tmp_path), dataset="identity",
                      dataset_dir="REMOTE:llamafactory/demo_data")  # fmt: skip
    assert check_config(cfg, LocalHost()) == []
    cfg.dataset_dir = str(tmp_path / "nowhere")
    assert [e.field for e in check_config(cfg, LocalHost())] == ["dataset_dir"]
