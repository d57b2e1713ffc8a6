"""Fixtures of the dataset tests: a local host and a writer of small dataset files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui_ft.host.local import LocalHost


@pytest.fixture
def host() -> LocalHost:
    return LocalHost()


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., str]:
    """Write records as a pretty JSON array (one field a line, like LLaMA-Factory's data)."""

    def write(records: Any, name: str = "data.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def rules_at(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]
