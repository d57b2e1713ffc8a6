"""sha256 of every file under some paths: what `tui-ft multinode-fingerprint` prints.

It runs on the node that holds the files (hashing in parallel there), so comparing
nodes moves digests, never the files.
"""

from __future__ import annotations

import os


def fingerprint(roots: list[str]) -> dict[str, list | None]:
    """{path relative to its root's folder: [size, sha256]} of every file under `roots`;
    a root that does not exist maps to None. Runs on the node that holds the files."""
    from tui_ft.models.hashing import sha256_files

    out: dict[str, list | None] = {}
    files: dict[str, str] = {}  # absolute path -> relative name
    for root in roots:
        base = os.path.dirname(root.rstrip("/"))
        if not os.path.exists(root):
            out[os.path.relpath(root, base)] = None
            continue
        paths = [root] if os.path.isfile(root) else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
        )  # fmt: skip
        for p in paths:
            files[p] = os.path.relpath(p, base)
    for path, digest in sha256_files(list(files)).items():
        out[files[path]] = [os.path.getsize(path), digest]
    return out
