"""Evaluate & Chat area (filled by its own change; until then it says what it will hold)."""

from __future__ import annotations

from screens.base import ComingArea


class EvaluateScreen(ComingArea):
    AREA_TITLE = "Evaluate & Chat"
    WILL_HOLD = (
        "BLEU and ROUGE from LLaMA-Factory's predict, a browsable table of predictions, "
        "and chat with the base and fine-tuned models side by side."
    )
