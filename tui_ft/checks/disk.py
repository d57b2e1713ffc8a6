"""Free space on the filesystems of the workspace's models and outputs.

The next big write is a merged export or an f16 GGUF, each about the size of the
model: a filesystem with less free space than the largest model warns.
"""

from __future__ import annotations

from tui_ft.checks.base import CheckResult, fail, ok, warn
from tui_ft.host.base import Host
from tui_ft.units import human_bytes
from tui_ft.workspace import Workspace

MIN_FREE = 1024**3
"""Below this nothing useful fits (a checkpoint, a log): a failure."""


def disk_checks(ws: Workspace, need: int = 0) -> list[CheckResult]:
    """One check per distinct filesystem among workspace, models, runs and exports."""
    host: Host = ws.host
    seen: dict[tuple[int, int], str] = {}
    out: list[CheckResult] = []
    for label, path in (
        ("workspace", ws.root),
        ("models", ws.models),
        ("outputs", ws.runs),
        ("exports", ws.exports),
    ):
        du = host.disk_usage(path)
        key = (du.total, du.used)  # same figures: the same filesystem, report it once
        if key in seen:
            continue
        seen[key] = label
        text = f"{human_bytes(du.free)} free of {human_bytes(du.total)}"
        data = {"free": du.free, "total": du.total, "need": need}
        name = f"disk: {label}"
        if du.free < MIN_FREE:
            out.append(
                fail(
                    name,
                    text,
                    "free space: delete old runs/exports or move the workspace",
                    path=path,
                    group="disk",
                    data=data,
                )
            )
        elif need and du.free < need:
            out.append(
                warn(
                    name,
                    f"{text}; the next export needs about {human_bytes(need)}",
                    "free space or point exports to a bigger disk",
                    path=path,
                    group="disk",
                    data=data,
                )
            )
        else:
            out.append(ok(name, text, path=path, group="disk", data=data))
    return out
