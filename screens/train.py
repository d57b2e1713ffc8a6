"""Train area (filled by its own change; until then it says what it will hold)."""

from __future__ import annotations

from screens.base import ComingArea


class TrainScreen(ComingArea):
    AREA_TITLE = "Train"
    WILL_HOLD = (
        "A validated form for LLaMA-Factory's training arguments, the exact command, a "
        "detached launch, and the live loss, throughput, ETA and GPU panel of the active "
        "run."
    )
