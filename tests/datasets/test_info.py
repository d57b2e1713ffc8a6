"""Registration in dataset_info.json: entries kept, backup, concurrency, malformed files."""

from __future__ import annotations

import json

import pytest

from tui_ft.datasets import (
    ConcurrentModification,
    DatasetInfoError,
    file_name_for,
    list_registered,
    load_info,
    register,
)

EXISTING = {
    "alpaca_en_demo": {"file_name": "alpaca_en_demo.json"},
    "glaive": {
        "file_name": "glaive.json",
        "formatting": "sharegpt",
        "columns": {"messages": "conversations", "tools": "tools"},
    },
    "hub_one": {"hf_hub_url": "someone/data", "split": "train", "num_samples": 100},
}


def _write_info(folder, content) -> bytes:
    data = (content if isinstance(content, str) else json.dumps(content, indent=4)).encode()
    (folder / "dataset_info.json").write_bytes(data)
    return data


def test_register_keeps_every_other_entry_and_backs_up(host, tmp_path):
    before = _write_info(tmp_path, EXISTING)
    info = load_info(host, str(tmp_path))
    register(host, info, "mine", {"file_name": "mine.json"})
    after = json.loads((tmp_path / "dataset_info.json").read_text())
    assert list(after) == [*EXISTING, "mine"]
    for name, entry in EXISTING.items():
        assert after[name] == entry
    assert after["mine"] == {"file_name": "mine.json"}
    assert (tmp_path / "dataset_info.json.bak").read_bytes() == before


def test_register_into_a_new_dataset_dir(host, tmp_path):
    info = load_info(host, str(tmp_path / "new"))
    register(host, info, "x", {"file_name": "x.json"})
    assert json.loads((tmp_path / "new" / "dataset_info.json").read_text()) == {
        "x": {"file_name": "x.json"}
    }
    assert not (tmp_path / "new" / "dataset_info.json.bak").exists()


def test_concurrent_modification_is_refused(host, tmp_path):
    _write_info(tmp_path, EXISTING)
    info = load_info(host, str(tmp_path))
    edited = dict(EXISTING, theirs={"file_name": "theirs.json"})
    theirs = _write_info(tmp_path, edited)  # someone else edits meanwhile
    with pytest.raises(ConcurrentModification, match="changed since it was read"):
        register(host, info, "mine", {"file_name": "mine.json"})
    assert (tmp_path / "dataset_info.json").read_bytes() == theirs
    # Reloading and registering again works and keeps their entry.
    register(host, load_info(host, str(tmp_path)), "mine", {"file_name": "mine.json"})
    assert "theirs" in json.loads((tmp_path / "dataset_info.json").read_text())


def test_file_created_meanwhile_is_refused(host, tmp_path):
    info = load_info(host, str(tmp_path))
    _write_info(tmp_path, EXISTING)
    with pytest.raises(ConcurrentModification):
        register(host, info, "mine", {"file_name": "mine.json"})


def test_malformed_info_names_line_and_column_and_writes_nothing(host, tmp_path):
    bad = '{\n  "a": {"file_name": "a.json"},\n  "b": {"file_name": "b.json",}\n}\n'
    _write_info(tmp_path, bad)
    with pytest.raises(DatasetInfoError) as exc:
        register(host, load_info(host, str(tmp_path)), "x", {"file_name": "x.json"})
    assert "dataset_info.json:3:31" in str(exc.value)
    assert (tmp_path / "dataset_info.json").read_text() == bad
    assert not (tmp_path / "dataset_info.json.bak").exists()


def test_existing_name_needs_replace(host, tmp_path):
    _write_info(tmp_path, EXISTING)
    with pytest.raises(DatasetInfoError, match="exists already"):
        register(host, load_info(host, str(tmp_path)), "glaive", {"file_name": "g2.json"})
    register(host, load_info(host, str(tmp_path)), "glaive", {"file_name": "g2.json"}, replace=True)
    assert json.loads((tmp_path / "dataset_info.json").read_text())["glaive"] == {
        "file_name": "g2.json"
    }


def test_an_entry_with_errors_is_not_written(host, tmp_path):
    _write_info(tmp_path, EXISTING)
    with pytest.raises(DatasetInfoError, match="formatting"):
        register(
            host, load_info(host, str(tmp_path)), "x", {"file_name": "x", "format": "sharegpt"}
        )


def test_list_shows_health(host, tmp_path):
    (tmp_path / "alpaca_en_demo.json").write_text("[]")
    _write_info(
        tmp_path, dict(EXISTING, broken={"file_name": "alpaca_en_demo.json", "format": "x"})
    )
    health = {r.name: r.health for r in list_registered(host, str(tmp_path))}
    assert health["alpaca_en_demo"] == "ok"
    assert health["glaive"] == "file missing"
    assert health["hub_one"] == "ok"
    assert "formatting" in health["broken"]


def test_file_name_relative_inside_absolute_outside():
    assert file_name_for("/w/datasets", "/w/datasets/sub/a.json") == "sub/a.json"
    assert file_name_for("/w/datasets", "/elsewhere/a.json") == "/elsewhere/a.json"
