"""Lint a dataset file: detect its format (or take a given entry), check every record,
find duplicates and placeholders, and optionally count tokens.

`lint_file` runs in this process; `lint_dataset` is what callers use: on a remote host
it runs `python -m tui_ft data lint PATH --json` ON the box (the file stays there) and
parses the report.
"""

from __future__ import annotations

import json
import posixpath
import time
from array import array
from itertools import islice
from typing import Any

from tui_ft.datasets.detect import detect_format
from tui_ft.datasets.entry import Mapping, check_entry
from tui_ft.datasets.findings import Finding, LintReport
from tui_ft.datasets.readers import iter_records
from tui_ft.datasets.records import DataError, Record
from tui_ft.datasets.rules import RecordRules, fingerprint
from tui_ft.datasets.turns import record_turns, turns_text
from tui_ft.datasets.v1 import KIND as V1_KIND
from tui_ft.datasets.v1 import V1Rules, v1_turns
from tui_ft.host.base import Host
from tui_ft.lf.datainfo import host_semantics

SAMPLE = 200
"""Records looked at to detect the format."""


def lint_file(
    host: Host,
    path: str,
    entry: dict[str, Any] | None = None,
    *,
    model: str | None = None,
    cutoff_len: int | None = None,
    entry_source: str = "dataset_info.json",
) -> LintReport:
    started = time.perf_counter()
    report = LintReport(path=path)
    records = iter_records(host, path)
    try:
        head: list[Record] = list(islice(records, SAMPLE))
    except DataError as exc:
        report.add(Finding("parse", "error", exc.reason, exc.path, exc.line, None, None))
        return report
    detection = detect_format([r.data for r in head], posixpath.basename(path.rstrip("/")))
    report.kind, report.notes = detection.kind, list(detection.notes)
    if detection.kind == V1_KIND:
        return _lint_v1(report, head, records, model, cutoff_len, started)
    report.entry = entry if entry is not None else detection.entry
    for problem in check_entry(report.entry, host_semantics(host)):
        where = f"entry.{problem.field}" if problem.field else "entry"
        report.add(Finding("entry", problem.severity, problem.message, entry_source, None, None,
                           where))  # fmt: skip
    mapping = Mapping.from_entry(report.entry if isinstance(report.entry, dict) else {})
    rules = RecordRules(mapping, report.add)
    counter = None
    if model:
        from tui_ft.datasets.tokens import TokenCounter

        counter = TokenCounter(model, cutoff_len)
    hashes = array("q")
    count = 0
    try:
        for rec in _chain(head, records):
            hashes.append(rules.check(rec))
            if counter is not None:
                counter.add(turns_text(record_turns(rec.data, mapping)), rec.path, rec.line,
                            rec.index)  # fmt: skip
                counter.maybe_flush(report.add)
            count += 1
    except DataError as exc:
        report.add(Finding("parse", "error", exc.reason, exc.path, exc.line, count, None))
    report.records = count
    if count == 0 and not report.counts.get("parse"):
        report.add(Finding("no-records", "error", "the file holds no records", path))
    _duplicates(hashes, report)
    for col, n in rules.missing.items():
        if n == count and count:
            report.add(Finding("entry-mismatch", "error", f"field `{col}` is in no record: the "
                       f"entry does not fit the data (detected: {detection.kind})", entry_source,
                       None, None, col))  # fmt: skip
    report.placeholders = dict(rules.placeholders)
    if counter is not None:
        report.tokens = counter.finish(report.add)
    report.seconds = time.perf_counter() - started
    return report


def _lint_v1(report: LintReport, head: list[Record], records: Any, model: str | None,
             cutoff_len: int | None, started: float) -> LintReport:  # fmt: skip
    """The v1 format by its own rules (its content parts are not v0's strings)."""
    report.entry = {"file_name": posixpath.basename(report.path.rstrip("/"))}
    rules = V1Rules(report.add)
    counter = None
    if model:
        from tui_ft.datasets.tokens import TokenCounter

        counter = TokenCounter(model, cutoff_len)
    hashes = array("q")
    count = 0
    try:
        for rec in _chain(head, records):
            rules.check(rec)
            hashes.append(fingerprint(rec.data))
            if counter is not None:
                counter.add(turns_text(v1_turns(rec.data)), rec.path, rec.line, rec.index)
                counter.maybe_flush(report.add)
            count += 1
    except DataError as exc:
        report.add(Finding("parse", "error", exc.reason, exc.path, exc.line, count, None))
    report.records = count
    _duplicates(hashes, report)
    if counter is not None:
        report.tokens = counter.finish(report.add)
    report.seconds = time.perf_counter() - started
    return report


def _chain(head: list[Record], rest: Any) -> Any:
    yield from head
    yield from rest


def _duplicates(hashes: array, report: LintReport) -> None:
    """Sort fingerprints (8 bytes a record) instead of keeping a set of records."""
    if len(hashes) < 2:
        return
    order, sorted_h, same = _sorted_repeats(hashes)
    first_of: dict[int, int] = {}
    dups = []
    for pos in same:  # stable sort: a group's first member is its earliest record
        first = first_of.setdefault(int(sorted_h[pos]), int(order[pos - 1]))
        dups.append((int(order[pos]), first))
    for index, first in sorted(dups):
        report.add(Finding("duplicate", "warning", f"same record as record {first}",
                           report.path, None, index))  # fmt: skip


def _sorted_repeats(hashes: array) -> tuple[Any, Any, list[int]]:
    """(stable order, sorted values, positions equal to their predecessor): numpy where
    installed (a million records in ~0.1 s), else plain Python, so a laptop with only the
    base install lints too."""
    try:
        import numpy as np
    except ModuleNotFoundError:
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        values = [hashes[i] for i in order]
        return order, values, [i for i in range(1, len(values)) if values[i] == values[i - 1]]
    arr = np.frombuffer(hashes, dtype=np.int64)
    order = np.argsort(arr, kind="stable")
    values = arr[order]
    return order, values, (np.flatnonzero(values[1:] == values[:-1]) + 1).tolist()


def lint_dataset(
    host: Host,
    path: str,
    entry: dict[str, Any] | None = None,
    *,
    model: str | None = None,
    cutoff_len: int | None = None,
) -> LintReport:
    """Lint where the file is: in-process here, or by `tui-ft data lint --json` on the box."""
    if not host.is_remote:
        return lint_file(host, path, entry, model=model, cutoff_len=cutoff_len)
    from tui_ft.host.call import call

    argv = ["data", "lint", path, "--json"]
    if entry is not None:
        argv += ["--entry", json.dumps(entry)]
    if model:
        argv += ["--model", model]
    if cutoff_len is not None:
        argv += ["--cutoff-len", str(cutoff_len)]
    # exit 1: the report found errors; CallError (a HostError) when there is no report
    raw = call(host, argv, env={"HF_HUB_OFFLINE": "1"}, ok=(0, 1)).value
    return LintReport.from_dict(raw)
