"""One notification: which run, what happened, and what it cost."""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass, field
from typing import Any

TITLES = {
    "finished": "finished",
    "failed": "FAILED",
    "stalled": "STALLED",
    "dead": "DIED (gone without an exit code)",
    "poweroff": "box powering off",
    "test": "test message",
}


@dataclass
class Event:
    kind: str  # finished | failed | stalled | dead | poweroff | test
    run: str
    detail: str = ""
    last_loss: float | None = None
    duration_s: float | None = None
    cost: float | None = None
    currency: str = ""
    host: str = field(default_factory=socket.gethostname)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "text": render_text(self)}


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def render_text(event: Event) -> str:
    """The message as people read it, the same in every chat app."""
    head = f"[tui-ft] {event.run} {TITLES.get(event.kind, event.kind)} on {event.host}"
    parts = []
    if event.last_loss is not None:
        parts.append(f"loss {event.last_loss:.4f}")
    if event.duration_s is not None:
        parts.append(f"ran {_duration(event.duration_s)}")
    if event.cost is not None:
        parts.append(f"cost {event.currency}{event.cost:.2f}")
    lines = [head]
    if parts:
        lines.append(", ".join(parts))
    if event.detail:
        lines.append(event.detail)
    return "\n".join(lines)
