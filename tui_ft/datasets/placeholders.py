"""Fill identity placeholders (`{{name}}`, `{{author}}`) into a copy of a dataset.

The replacement is textual on the file's bytes with the value JSON-escaped, so the
copy stays valid JSON/JSONL and keeps its layout; it is written atomically.
"""

from __future__ import annotations

import json
import posixpath
import re

from tui_ft.datasets.readers import chunks
from tui_ft.datasets.records import DataError
from tui_ft.host.base import Host


def filled_path(path: str) -> str:
    stem, ext = posixpath.splitext(path)
    return f"{stem}_filled{ext}"


def fill_placeholders(
    host: Host, path: str, values: dict[str, str], out: str | None = None
) -> tuple[str, int]:
    """Write `out` (default `<stem>_filled<ext>`) with placeholders replaced.

    Returns the path written and the number of replacements.
    """
    if not values:
        raise DataError("nothing to fill: give at least one value", path)
    out = out or filled_path(path)
    if out == path:
        raise DataError("the filled copy must not replace the original", path)
    ext = posixpath.splitext(path)[1].lower()
    if ext not in (".json", ".jsonl", ".txt", ".csv"):
        raise DataError(f"placeholders can be filled in JSON, JSONL, CSV or text, not {ext}", path)
    escape = ext in (".json", ".jsonl")
    pattern = re.compile(r"\{\{\s*(" + "|".join(re.escape(k) for k in values) + r")\s*\}\}")
    repl = {
        k: (json.dumps(v, ensure_ascii=False)[1:-1] if escape else v) for k, v in values.items()
    }
    data = b"".join(chunks(host, path)).decode("utf-8")
    text, n = pattern.subn(lambda m: repl[m.group(1)], data)
    host.write_bytes(out, text.encode("utf-8"))
    return out, n
