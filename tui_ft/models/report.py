"""The result of verifying a model folder: a du-style file table and the findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tui_ft.checks.base import OK, SEVERITY, CheckResult, worst


@dataclass
class FileEntry:
    path: str  # relative to the model folder
    size: int
    status: str = OK
    reason: str = ""
    sha256: str | None = None


@dataclass
class ModelReport:
    path: str
    files: list[FileEntry] = field(default_factory=list)
    findings: list[CheckResult] = field(default_factory=list)
    sha256_checked: bool = False

    @property
    def status(self) -> str:
        return worst(self.findings)

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    def mark(self, rel: str, status: str, reason: str) -> None:
        """Record a problem on a file's row (the worst one wins)."""
        for f in self.files:
            if f.path == rel and SEVERITY[status] > SEVERITY[f.status]:
                f.status, f.reason = status, reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "total_size": self.total_size,
            "sha256_checked": self.sha256_checked,
            "files": [asdict(f) for f in self.files],
            "checks": [c.to_dict() for c in self.findings],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelReport:
        return cls(
            path=raw["path"],
            files=[FileEntry(**f) for f in raw.get("files", [])],
            findings=[CheckResult.from_dict(c) for c in raw.get("checks", [])],
            sha256_checked=bool(raw.get("sha256_checked")),
        )
