"""Streaming readers: every file type LLaMA-Factory reads, with positions and errors."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tui_ft.datasets import readers
from tui_ft.datasets.readers import iter_records, read_slice
from tui_ft.datasets.records import DataError


def test_json_array_records_carry_their_line(host, write_json):
    path = write_json([{"instruction": f"q{i}", "output": f"a{i}"} for i in range(3)])
    recs = list(iter_records(host, path))
    assert [r.data["instruction"] for r in recs] == ["q0", "q1", "q2"]
    # json.dumps(indent=2): "[" then each 4-line object starts on lines 2, 6, 10
    assert [r.line for r in recs] == [2, 6, 10]
    assert [r.index for r in recs] == [0, 1, 2]


def test_json_array_across_tiny_chunks(host, write_json, monkeypatch):
    """Records bigger than a read chunk, and multi-byte characters split between chunks."""
    monkeypatch.setattr(readers, "CHUNK", 7)
    records = [
        {"instruction": "你好" * 20, "output": "x" * 50},
        {"instruction": "é", "output": "ü"},
    ]
    path = write_json(records)
    assert [r.data for r in iter_records(host, path)] == records


def test_json_syntax_error_names_line_and_column(host, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c" "output": 1}\n]'
    )
    with pytest.raises(DataError) as exc:
        list(iter_records(host, str(path)))
    assert (exc.value.line, exc.value.col) == (3, 23)
    assert "bad.json:3:23" in str(exc.value)


def test_json_array_not_closed(host, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"instruction": "a", "output": "b"},\n')
    with pytest.raises(DataError, match="not closed"):
        list(iter_records(host, str(path)))


def test_json_file_holding_json_lines(host, tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('{"text": "a"}\n\n{"text": "b"}\n')
    recs = list(iter_records(host, str(path)))
    assert [(r.data["text"], r.line) for r in recs] == [("a", 1), ("b", 3)]


def test_jsonl_bad_line_is_named(host, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a"}\n{"text": \n')
    with pytest.raises(DataError) as exc:
        list(iter_records(host, str(path)))
    assert exc.value.line == 2


def test_csv_and_text_and_parquet(host, tmp_path):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text('instruction,output\n"hi, there","multi\nline"\nq,a\n')
    recs = list(iter_records(host, str(csv_path)))
    assert recs[0].data == {"instruction": "hi, there", "output": "multi\nline"}
    assert recs[1].line == 4

    txt = tmp_path / "d.txt"
    txt.write_text("one\ntwo\n")
    assert [r.data for r in iter_records(host, str(txt))] == [{"text": "one"}, {"text": "two"}]

    pq_path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"instruction": ["a", "b"], "output": ["x", "y"]}), pq_path)
    assert [r.data["output"] for r in iter_records(host, str(pq_path))] == ["x", "y"]


def test_folder_reads_every_file_with_running_index(host, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (folder / name).write_text(json.dumps({"text": name}) + "\n" + json.dumps({"text": "z"}))
    recs = list(iter_records(host, str(folder)))
    assert [r.index for r in recs] == [0, 1, 2, 3]
    assert recs[2].path.endswith("b.jsonl")
    (folder / "c.csv").write_text("text\nx\n")
    with pytest.raises(DataError, match="one file type"):
        list(iter_records(host, str(folder)))


def test_read_slice_is_a_page(host, write_json):
    path = write_json([{"text": str(i)} for i in range(10)])
    assert [r.data["text"] for r in read_slice(host, path, 4, 3)] == ["4", "5", "6"]


def test_unsupported_extension(host, tmp_path):
    path = tmp_path / "d.xlsx"
    path.write_text("x")
    with pytest.raises(DataError, match="unsupported file type"):
        list(iter_records(host, str(path)))
