"""A check result: ok / warn / fail, a one-line reason, and for a failure the fix.

Results are plain data so the screen, `tui-ft check --json` and a remote box's JSON
answer all carry the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

OK, WARN, FAIL = "ok", "warn", "fail"
SEVERITY = {OK: 0, WARN: 1, FAIL: 2}


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # ok | warn | fail
    reason: str
    fix: str = ""
    path: str = ""
    group: str = "system"
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if not out["data"]:
            del out["data"]
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CheckResult:
        status = raw.get("status")
        if status not in SEVERITY:
            raise ValueError(f"check {raw.get('name')!r}: unknown status {status!r}")
        return cls(
            name=str(raw["name"]),
            status=status,
            reason=str(raw.get("reason", "")),
            fix=str(raw.get("fix", "")),
            path=str(raw.get("path", "")),
            group=str(raw.get("group", "system")),
            data=dict(raw.get("data") or {}),
        )


def ok(name: str, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, OK, reason, **kw)


def warn(name: str, reason: str, fix: str = "", **kw: Any) -> CheckResult:
    return CheckResult(name, WARN, reason, fix, **kw)


def fail(name: str, reason: str, fix: str, **kw: Any) -> CheckResult:
    return CheckResult(name, FAIL, reason, fix, **kw)


def worst(results: Iterable[CheckResult]) -> str:
    """The most severe status among `results` (ok when there are none)."""
    return max((r.status for r in results), key=SEVERITY.__getitem__, default=OK)


def counts(results: Iterable[CheckResult]) -> dict[str, int]:
    out = {OK: 0, WARN: 0, FAIL: 0}
    for r in results:
        out[r.status] += 1
    return out
