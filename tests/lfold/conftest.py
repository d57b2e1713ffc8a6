"""The older-LLaMA-Factory environments (scripts/lf-old-env.sh), built once and cached.

A build that fails FAILS the tests with its reason (never a skip: CI must not pass
without running them). Built in ~30 s with pip's cache warm: kept in the default run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MAIN_SITE = sysconfig.get_paths()["purelib"]
"""This venv's site-packages: the old venvs take torch and tui-ft from it (TUI_FT_MAIN_SITE,
read by their .pth; scripts/lf-old-env.sh), whichever checkout built them."""
VERSIONS = ("0.9.3", "0.9.2")
"""The releases tested: the oldest tui-ft supports, and 0.9.3 (the last for Python 3.9/3.10)."""


@dataclass(frozen=True)
class OldEnv:
    version: str
    release: Path
    """python of the venv with llamafactory==version from the registry."""
    editable: Path
    """python of the venv with that release's unpacked sdist installed editable."""

    def env(self, python: Path, home: Path) -> dict[str, str]:
        """The environment of a `python -m tui_ft` on this venv: its own bin/ first."""
        return dict(
            os.environ,
            PATH=f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            TUI_FT_CONFIG=str(home / "config.yaml"),
            TUI_FT_WORKSPACE=str(home / "ws"),
            TUI_FT_MAIN_SITE=MAIN_SITE,
            HF_HUB_OFFLINE="1",
            TOKENIZERS_PARALLELISM="false",
            OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"),
        )


@pytest.fixture(scope="session", params=VERSIONS)
def old_env(request: pytest.FixtureRequest) -> OldEnv:
    version = request.param
    os.environ["TUI_FT_MAIN_SITE"] = MAIN_SITE  # every run of an old venv, pip's included
    script = REPO / "scripts" / "lf-old-env.sh"
    res = subprocess.run(
        ["bash", str(script)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=dict(os.environ, LF_OLD_VERSION=version, TUI_FT_MAIN_VENV=str(Path(sys.prefix))),
    )
    if res.returncode != 0:
        tail = "\n".join(res.stderr.strip().splitlines()[-15:])
        pytest.fail(f"scripts/lf-old-env.sh could not build LLaMA-Factory {version}:\n{tail}")
    release, editable = (Path(p) for p in res.stdout.split())
    return OldEnv(version, release, editable)
