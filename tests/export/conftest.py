"""Fixtures of the export tests: llama.cpp's converter (cached) and a demo GGUF.

A trained LoRA is the session's shared `demo_adapter` (tests/conftest.py).

The converter comes from the llama-cpp-python sdist, unpacked once into the user's cache
(~/.cache/tui-ft/llama-cpp-src): later sessions and CI runs reuse it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run_cache import built_once
from tui_ft.gguf import LlamaCppTools, find_tools
from tui_ft.gguf.convert import convert
from tui_ft.host import LocalHost


@pytest.fixture(scope="session")
def tools() -> LlamaCppTools:
    return find_tools(LocalHost())


@pytest.fixture(scope="session")
def demo_gguf(demo_workspace: Path, tools: LlamaCppTools, tmp_path_factory) -> Path:
    """The untrained demo model as an f16 GGUF (read-only for tests), converted once per
    run and shared by the xdist workers."""
    model = str(demo_workspace / "models" / "tiny-llama-demo")

    def build(out: Path) -> None:
        convert(LocalHost(), tools, model, str(out / "tiny-f16.gguf"))

    return built_once(tmp_path_factory, "demo-gguf", build) / "tiny-f16.gguf"
