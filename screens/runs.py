"""Runs area (filled by its own change; until then it says what it will hold)."""

from __future__ import annotations

from screens.base import ComingArea


class RunsScreen(ComingArea):
    AREA_TITLE = "Runs"
    WILL_HOLD = (
        "Every run in the workspace with its status, last loss, duration and size; "
        "attach, stop, resume, delete, and compare loss curves."
    )
