"""Datasets area (filled by its own change; until then it says what it will hold)."""

from __future__ import annotations

from screens.base import ComingArea


class DatasetsScreen(ComingArea):
    AREA_TITLE = "Datasets"
    WILL_HOLD = (
        "Pick a file from the workspace's datasets/ or any path, see its detected format,"
        " lint findings and a preview as chat turns, edit the proposed dataset_info.json "
        "entry and register it."
    )
