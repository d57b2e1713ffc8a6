"""The workspace's models with their size and the state of their last verification.

Verification results are remembered in `models/.verified.json` (through the host, so
a remote workspace keeps them on the box) with the size and file count they saw: a
model that changed since reads "changed", not "ok".
"""

from __future__ import annotations

import json
import posixpath
import time
from dataclasses import dataclass

from tui_ft.host.base import Host
from tui_ft.models.report import ModelReport
from tui_ft.workspace import Workspace

STATE_FILE = ".verified.json"


@dataclass(frozen=True)
class ModelEntry:
    path: str
    name: str  # relative to models/ (org/name for hub downloads)
    size: int
    files: int
    state: str  # ok | warn | fail | changed | unverified
    checked_at: float | None = None


def tree_size(host: Host, path: str) -> tuple[int, int]:
    """(bytes, files) below `path`, skipping hidden folders like the downloaders' .cache."""
    size = count = 0
    for entry in host.listdir(path):
        if entry.is_dir:
            if not entry.name.startswith("."):
                s, c = tree_size(host, entry.path)
                size, count = size + s, count + c
        else:
            size, count = size + entry.size, count + 1
    return size, count


def _state_path(ws: Workspace) -> str:
    return posixpath.join(ws.models, STATE_FILE)


def load_states(ws: Workspace) -> dict[str, dict]:
    try:
        raw = json.loads(ws.host.read_text(_state_path(ws)))
    except (FileNotFoundError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def record_verification(ws: Workspace, report: ModelReport) -> None:
    """Remember a report's outcome for the model listing (other entries kept)."""
    states = load_states(ws)
    states[report.path] = {
        "status": report.status,
        "size": report.total_size,
        "files": len(report.files),
        "sha256": report.sha256_checked,
        "checked_at": time.time(),
    }
    ws.host.makedirs(ws.models)
    ws.host.write_text(_state_path(ws), json.dumps(states, indent=2, sort_keys=True))


def list_models(ws: Workspace) -> list[ModelEntry]:
    """Every model with its size and verification state. Over SSH the whole models/ tree
    (sizes) and the state file come from one command: one round trip for any count."""
    from tui_ft.remote.tree import tree_view

    ws = Workspace(tree_view(ws.host, [ws.models], read=[STATE_FILE]), ws.root)
    states = load_states(ws)
    out = []
    for path in ws.list_models():
        size, files = tree_size(ws.host, path)
        st = states.get(path)
        if st is None:
            state, at = "unverified", None
        else:
            same = st.get("size") == size and st.get("files") == files
            state, at = (
                (st.get("status", "unverified") if same else "changed"),
                st.get("checked_at"),
            )
        name = posixpath.relpath(path, ws.models)
        out.append(ModelEntry(path, name, size, files, state, at))
    return out
