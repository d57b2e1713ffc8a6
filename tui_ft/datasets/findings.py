"""Lint findings and the report, with a JSON form for `tui-ft data lint --json`
(the TUI lints a file on a remote box by running that command there)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_PER_RULE = 200
"""Findings kept per rule; the counts go on (a 1M-record file with one systematic
mistake must not fill the memory with a million identical findings)."""


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning"
    message: str
    path: str = ""
    line: int | None = None
    record: int | None = None
    field: str | None = None

    def where(self) -> str:
        out = self.path
        if self.line is not None:
            out += f":{self.line}"
        if self.record is not None:
            out += f" record {self.record}"
        if self.field:
            out += f" field {self.field}"
        return out.strip()

    def __str__(self) -> str:
        return f"{self.where()}: {self.severity}: {self.message} [{self.rule}]"


@dataclass
class TokenStats:
    model: str
    cutoff_len: int | None
    count: int = 0
    total: int = 0
    min: int = 0
    max: int = 0
    p50: int = 0
    p95: int = 0
    over_cutoff: int = 0
    longest: list[int] = field(default_factory=list)
    """Record indices of the longest records, longest first."""

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0


@dataclass
class LintReport:
    path: str
    kind: str = "unknown"
    entry: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Findings per rule, including those beyond MAX_PER_RULE."""
    severities: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, int] = field(default_factory=dict)
    """`{{name}}`-style placeholders and how many records hold each."""
    tokens: TokenStats | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, finding: Finding) -> None:
        n = self.counts.get(finding.rule, 0)
        self.counts[finding.rule] = n + 1
        self.severities.setdefault(finding.rule, finding.severity)
        if n < MAX_PER_RULE:
            self.findings.append(finding)

    @property
    def errors(self) -> int:
        return sum(n for r, n in self.counts.items() if self.severities.get(r) == "error")

    @property
    def warnings(self) -> int:
        return sum(n for r, n in self.counts.items() if self.severities.get(r) == "warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def for_record(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.record == index]

    def summary(self) -> str:
        parts = [f"{self.records} records", self.kind, f"{self.errors} errors",
                 f"{self.warnings} warnings"]  # fmt: skip
        if self.placeholders:
            parts.append("placeholders " + ", ".join(f"{{{{{p}}}}}" for p in self.placeholders))
        if self.kind == "v1 messages":  # the v0 engine cannot read it: say so where it shows
            parts.append("needs LLaMA-Factory's v1 engine (USE_V1=1)")
        return " · ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["errors"], out["warnings"] = self.errors, self.warnings
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LintReport:
        raw = dict(raw)
        raw.pop("errors", None)
        raw.pop("warnings", None)
        findings = [Finding(**f) for f in raw.pop("findings", [])]
        tokens = raw.pop("tokens", None)
        report = cls(**raw, findings=findings)
        report.tokens = TokenStats(**tokens) if tokens else None
        return report
