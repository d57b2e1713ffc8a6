"""Building the app for Pilot and snapshot tests: on this machine, over a given workspace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from screens.app import TuiFtApp
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace


def local_app(root: Path | str, mode: str = "env", **config) -> TuiFtApp:
    """The app on the local host with its workspace at `root`, opened on area `mode`."""
    host = LocalHost()
    return TuiFtApp(
        config=Config(workspace=str(root), **config),
        host=host,
        workspace=Workspace(host, str(root)),
        start_mode=mode,
    )


async def settle(app: TuiFtApp, pilot) -> None:
    """Let workers finish and their messages land."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, check: Callable[[], object], what: str, timeout: float = 90.0):
    """`check()`'s first true value, while the app runs; a deadline in seconds, not a count
    of pauses (a pause takes longer on a loaded machine). Generous: 2 loaded cores."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        if value := check():
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
