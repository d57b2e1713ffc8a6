"""A demo model that really learnt its identity, for the evaluate tests: the session's
shared training (`demo_adapter` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demo_training import IDENTITY

__all__ = ["IDENTITY"]


@pytest.fixture(scope="session")
def trained(demo_adapter: dict[str, Path]) -> dict[str, Path]:
    """{'model': base model, 'adapter': trained LoRA, 'datasets': dataset folder}."""
    return demo_adapter
