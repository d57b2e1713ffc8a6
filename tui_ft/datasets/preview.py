"""A page of records as turns (system / user / assistant), the way the template sees them.

Plain data (JSON-ready) so a page can come from `tui-ft data preview --json` on a box.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from tui_ft.datasets.detect import detect_format
from tui_ft.datasets.entry import Mapping
from tui_ft.datasets.readers import iter_records, read_slice
from tui_ft.datasets.turns import Turn, record_turns
from tui_ft.datasets.v1 import is_v1_record, v1_turns
from tui_ft.host.base import Host


def preview_page(
    host: Host, path: str, start: int, count: int, entry: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Records `start`..`start+count` rendered as turns, with the entry used to render them."""
    if host.is_remote and path.endswith((".parquet", ".arrow")):
        from tui_ft.host.call import call

        argv = ["data", "preview", path, "--json", "--start", str(start), "--count", str(count)]
        return call(host, [*argv, *(["--entry", json.dumps(entry)] if entry else [])]).value
    if entry is None:
        head = []
        for rec in iter_records(host, path):
            head.append(rec.data)
            if len(head) >= 50:
                break
        entry = detect_format(head, posixpath.basename(path)).entry
    mapping = Mapping.from_entry(entry)

    def turns(data: Any) -> list[Turn]:
        # v1 samples show their reasoning and tool calls as turns of their own
        return v1_turns(data) if is_v1_record(data) else record_turns(data, mapping)

    records = [
        {
            "index": r.index,
            "line": r.line,
            "path": r.path,
            "turns": [[t.role, t.content] for t in turns(r.data)],
        }
        for r in read_slice(host, path, start, count)
    ]
    return {"entry": entry, "start": start, "records": records}
