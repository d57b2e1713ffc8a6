"""Export & GGUF area (filled by its own change; until then it says what it will hold)."""

from __future__ import annotations

from screens.base import ComingArea


class ExportScreen(ComingArea):
    AREA_TITLE = "Export & GGUF"
    WILL_HOLD = (
        "Merge a LoRA adapter into its base model, convert to GGUF with llama.cpp, "
        "quantise, verify, and write an Ollama Modelfile."
    )
