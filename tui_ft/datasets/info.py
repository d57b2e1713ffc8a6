"""`dataset_info.json` in a dataset_dir: read, list with health, register an entry.

A registration keeps every other entry and key, backs the previous file up to
`dataset_info.json.bak`, writes atomically through the host, and refuses to overwrite
a file that changed since it was read (compared by content hash).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from tui_ft.datasets.entry import check_entry
from tui_ft.host.base import Host
from tui_ft.lf.datainfo import host_semantics

INFO = "dataset_info.json"


class DatasetInfoError(ValueError):
    """dataset_info.json cannot be used; the message names the file (line and column)."""


class ConcurrentModification(DatasetInfoError):
    """The file changed on disk since it was read: someone else edited it."""


@dataclass
class DatasetInfo:
    dataset_dir: str
    entries: dict[str, Any]
    digest: str | None
    """sha256 of the bytes read; None when the file did not exist."""

    @property
    def path(self) -> str:
        return posixpath.join(self.dataset_dir, INFO)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_info(data: bytes, path: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetInfoError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetInfoError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); nothing was written"
        ) from exc
    if not isinstance(raw, dict):
        raise DatasetInfoError(
            f"{path}: must be a JSON object of datasets, not a {type(raw).__name__}"
        )
    return raw


def load_info(host: Host, dataset_dir: str) -> DatasetInfo:
    path = posixpath.join(dataset_dir, INFO)
    try:
        data = host.read_bytes(path)
    except FileNotFoundError:
        return DatasetInfo(dataset_dir, {}, None)
    return DatasetInfo(dataset_dir, parse_info(data, path), _digest(data))


def _current_digest(host: Host, path: str) -> tuple[bytes | None, str | None]:
    try:
        data = host.read_bytes(path)
    except FileNotFoundError:
        return None, None
    return data, _digest(data)


def register(
    host: Host,
    info: DatasetInfo,
    name: str,
    entry: dict[str, Any],
    *,
    replace: bool = False,
) -> DatasetInfo:
    """Add (or with `replace`, overwrite) `name` in the `info` that was read earlier."""
    name = name.strip()
    if not name:
        raise DatasetInfoError("a dataset needs a name")
    errors = [p for p in check_entry(entry, host_semantics(host)) if p.severity == "error"]
    if errors:
        raise DatasetInfoError(f"entry `{name}`: " + "; ".join(p.message for p in errors))
    current, digest = _current_digest(host, info.path)
    if digest != info.digest:
        raise ConcurrentModification(
            f"{info.path} changed since it was read (edited by someone else?): "
            "reload it and register again; nothing was written"
        )
    entries = parse_info(current, info.path) if current is not None else {}
    if name in entries and not replace:
        raise DatasetInfoError(f"{info.path}: a dataset named `{name}` exists already")
    entries[name] = entry
    new = (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if current is not None:
        host.write_bytes(info.path + ".bak", current)
    host.write_bytes(info.path, new)
    return DatasetInfo(info.dataset_dir, entries, _digest(new))


def file_name_for(dataset_dir: str, data_path: str) -> str:
    """`file_name` as LLaMA-Factory joins it: relative inside dataset_dir, else absolute."""
    rel = posixpath.relpath(data_path, dataset_dir)
    return data_path if rel.startswith("..") else rel


@dataclass
class Registered:
    name: str
    entry: Any
    file_name: str | None
    present: bool
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return self.present and not self.problems

    @property
    def health(self) -> str:
        if not self.present:
            return "file missing"
        return "ok" if not self.problems else self.problems[0]


def list_registered(
    host: Host, dataset_dir: str, info: DatasetInfo | None = None
) -> list[Registered]:
    """Every entry with its health: is its file there, is the entry one LLaMA-Factory reads?"""
    from tui_ft.remote.tree import tree_view

    # over SSH: the info file and the folder's files in one command, not a stat per entry
    host = tree_view(host, [dataset_dir], depth=3, read=() if info else [INFO])
    info = info or load_info(host, dataset_dir)
    sem = host_semantics(host)
    out = []
    for name, entry in info.entries.items():
        problems = [p.message for p in check_entry(entry, sem) if p.severity == "error"]
        fname = entry.get("file_name") if isinstance(entry, dict) else None
        is_hub = isinstance(entry, dict) and any(k.endswith("_url") for k in entry)
        present = is_hub or (
            isinstance(fname, str) and host.exists(posixpath.join(dataset_dir, fname))
        )
        out.append(Registered(name, entry, fname, present, problems))
    return out
