"""Manifests: the published file list (path, size, sha256) of a model repository.

Read from a saved JSON file in any of the shapes the hubs publish:
- ModelScope's file list: {"Data": {"Files": [{"Path", "Size", "Sha256", "Type"}]}}
- Hugging Face's tree listing: [{"type": "file", "path", "size", "lfs": {"oid", "size"}}]
- Hugging Face's model info: {"siblings": [{"rfilename", "size", "lfs": {"sha256"}}]}
- tui-ft's own: {"files": [{"path", "size", "sha256"}]}
(Hugging Face publishes sha256 for LFS files only; the others have a size.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any


class ManifestError(ValueError):
    """A manifest file that cannot be read, with the file and the entry named."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int | None
    sha256: str | None


def _entries(raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, list):
        return [e for e in raw if isinstance(e, dict) and e.get("type", "file") == "file"]
    if isinstance(raw, dict):
        data = raw.get("Data")
        if isinstance(data, dict) and isinstance(data.get("Files"), list):
            return [e for e in data["Files"] if e.get("Type", "blob") == "blob"]
        for key in ("files", "siblings"):
            if isinstance(raw.get(key), list):
                return raw[key]
    raise ManifestError("not a known manifest shape (ModelScope, Hugging Face or tui-ft)")


def parse_manifest(raw: Any, source: str = "manifest") -> dict[str, ManifestEntry]:
    out: dict[str, ManifestEntry] = {}
    try:
        entries = _entries(raw)
    except ManifestError as exc:
        raise ManifestError(f"{source}: {exc}") from None
    for i, e in enumerate(entries):
        path = e.get("path") or e.get("Path") or e.get("rfilename") or e.get("Name")
        if not isinstance(path, str) or not path:
            raise ManifestError(f"{source}: entry {i} has no file path")
        lfs = e.get("lfs") if isinstance(e.get("lfs"), dict) else {}
        size = e.get("size", e.get("Size", lfs.get("size")))
        sha = e.get("sha256") or e.get("Sha256") or lfs.get("sha256") or lfs.get("oid")
        if size is not None and not isinstance(size, int):
            raise ManifestError(f"{source}: entry {i} ({path}): size {size!r} is not a number")
        out[path] = ManifestEntry(path, size, sha.lower() if isinstance(sha, str) else None)
    return out


def load_manifest(path: str) -> dict[str, ManifestEntry]:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest file not found") from None
    except ValueError as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc})") from None
    return parse_manifest(raw, source=path)


def manifest_json(files: dict[str, tuple[int, str | None]]) -> str:
    """tui-ft's own manifest ({relpath: (size, sha256)}), e.g. to publish an export."""
    rows = [{"path": p, "size": size, "sha256": sha} for p, (size, sha) in sorted(files.items())]
    return json.dumps({"files": rows}, indent=2) + os.linesep
