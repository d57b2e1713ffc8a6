"""Streaming readers for what LLaMA-Factory reads from disk: JSON, JSON Lines, CSV,
Parquet, text, or a folder of one of them.

Files are read in chunks through the `Host`, so a multi-GB file never has to fit in
memory and the same code reads a file on this machine or (in a command run on it) on
the box. JSON arrays are parsed record by record with `json.JSONDecoder.raw_decode`
over a sliding buffer, which also gives each record its line number.
"""

from __future__ import annotations

import csv
import json
import posixpath
import re
from collections.abc import Iterator

from tui_ft.datasets.records import DataError, Record
from tui_ft.host.base import Host

CHUNK = 1 << 20
MAX_RECORD = 64 << 20
"""A record bigger than this is treated as a broken file rather than read on forever."""

# The extensions LLaMA-Factory's loader knows (its FILEEXT2TYPE), to our reader kinds.
KINDS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "txt": "text"}
KINDS["arrow"] = "arrow"
_WS = " \t\r\n"
_SEP = re.compile(r"[ \t\r\n]*(,)?[ \t\r\n]*")


def file_kind(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    if ext not in KINDS:
        raise DataError(
            f"unsupported file type .{ext} (LLaMA-Factory reads {', '.join(KINDS)})", path
        )
    return KINDS[ext]


def data_files(host: Host, path: str) -> list[str]:
    """The files LLaMA-Factory would load for `path`: the file, or every file of a folder."""
    st = host.stat(path)
    if st is None:
        raise DataError("no such file or folder", path)
    if not st.is_dir:
        return [path]
    files = [f.path for f in host.listdir(path) if not f.is_dir and not f.name.startswith(".")]
    if not files:
        raise DataError("the folder holds no data files", path)
    kinds = {file_kind(f) for f in files}
    if len(kinds) > 1:
        raise DataError(f"a dataset folder must hold one file type, found {sorted(kinds)}", path)
    return files


def chunks(host: Host, path: str, size: int = CHUNK) -> Iterator[bytes]:
    offset = 0
    while True:
        data = host.read_bytes(path, offset, size)
        if not data:
            return
        offset += len(data)
        yield data
        if len(data) < size:
            return


def text_chunks(host: Host, path: str) -> Iterator[str]:
    """UTF-8 text in chunks; a character split across chunks is kept whole."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for data in chunks(host, path):
            yield decoder.decode(data)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason})", path) from exc


def lines(host: Host, path: str) -> Iterator[str]:
    tail = ""
    for text in text_chunks(host, path):
        buf = tail + text
        parts = buf.split("\n")
        tail = parts.pop()
        yield from parts
    if tail:
        yield tail


def iter_jsonl(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    index = start
    for lineno, line in enumerate(lines(host, path), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(exc.msg, path, lineno, exc.colno) from exc
        yield Record(index, data, path, lineno)
        index += 1


def iter_json(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    """A JSON array of records, or JSON Lines in a .json file (the HF loader reads both)."""
    source = text_chunks(host, path)
    buf, eof = "", False

    def more() -> bool:
        nonlocal buf, eof
        for text in source:
            if text:
                buf += text
                return True
        eof = True
        return False

    while not eof and not buf.strip():
        more()
    head = buf.lstrip(_WS)
    if not head:
        return
    if head[0] != "[":
        source.close()
        yield from iter_jsonl(host, path, start)
        return
    scan = json.JSONDecoder().scan_once
    sep, index = _SEP.match, start
    pos = len(buf) - len(head) + 1
    mark, mark_line = 0, 1  # line numbers are counted incrementally from `mark`
    first = True
    while True:
        m = sep(buf, pos)
        while m.end() == len(buf) and not eof and more():  # separator may go on
            m = sep(buf, pos)
        comma, nxt = m.group(1), m.end()
        if nxt < len(buf) and buf[nxt] == "]" and not comma:
            return
        if (comma is None and not first) or (comma is not None and first) or nxt >= len(buf):
            msg = (
                "the array is not closed (file ends early)"
                if nxt >= len(buf)
                else ("expected ',' or ']' between records" if not first else "unexpected ','")
            )
            mark_line += buf.count("\n", mark, nxt)
            raise DataError(msg, path, mark_line, nxt - buf.rfind("\n", 0, nxt))
        first, pos = False, nxt
        while True:
            try:
                data, end = scan(buf, pos)
                break
            except StopIteration as exc:
                err, epos = "expecting a value", exc.value
            except json.JSONDecodeError as exc:
                err, epos = exc.msg, exc.pos
            if eof or len(buf) - pos > MAX_RECORD or not more():
                mark_line += buf.count("\n", mark, epos)
                raise DataError(err, path, mark_line, epos - buf.rfind("\n", 0, epos))
        mark_line += buf.count("\n", mark, pos)
        mark = pos
        yield Record(index, data, path, mark_line)
        index += 1
        pos = end
        if end > CHUNK:  # drop what is consumed: the buffer holds about one chunk
            mark_line += buf.count("\n", mark, end)
            buf, pos, mark = buf[end:], 0, 0


def iter_csv(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    reader = csv.reader(line + "\n" for line in lines(host, path))
    header = next(reader, None)
    if header is None:
        return
    index = start
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            raise DataError(
                f"{len(row)} fields where the header has {len(header)}", path, reader.line_num
            )
        yield Record(index, dict(zip(header, row, strict=True)), path, reader.line_num)
        index += 1


def iter_text(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    for i, line in enumerate(lines(host, path)):
        yield Record(start + i, {"text": line}, path, i + 1)


def iter_parquet(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    if host.is_remote:
        raise DataError("Parquet files are read on their box (run `tui-ft data` there)", path)
    import pyarrow.parquet as pq

    index = start
    for batch in pq.ParquetFile(path).iter_batches(batch_size=2048):
        for row in batch.to_pylist():
            yield Record(index, row, path)
            index += 1


def iter_arrow(host: Host, path: str, start: int = 0) -> Iterator[Record]:
    if host.is_remote:
        raise DataError("Arrow files are read on their box (run `tui-ft data` there)", path)
    import pyarrow as pa

    index = start
    with pa.memory_map(path) as source:
        try:
            reader = pa.ipc.open_stream(source)
        except pa.ArrowInvalid:
            reader = pa.ipc.open_file(source)
            batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
        else:
            batches = iter(reader)
        for batch in batches:
            for row in batch.to_pylist():
                yield Record(index, row, path)
                index += 1


READERS = {
    "json": iter_json,
    "jsonl": iter_jsonl,
    "csv": iter_csv,
    "text": iter_text,
    "parquet": iter_parquet,
    "arrow": iter_arrow,
}


def iter_records(host: Host, path: str) -> Iterator[Record]:
    """Every record of a file or folder, in LLaMA-Factory's order, with its position."""
    index = 0
    for file in data_files(host, path):
        for rec in READERS[file_kind(file)](host, file, index):
            index = rec.index + 1
            yield rec


def read_slice(host: Host, path: str, start: int, count: int) -> list[Record]:
    """Records `start` to `start + count` (a preview page), reading no further."""
    out: list[Record] = []
    for rec in iter_records(host, path):
        if rec.index >= start + count:
            break
        if rec.index >= start:
            out.append(rec)
    return out
