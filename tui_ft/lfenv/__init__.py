"""The box's own LLaMA-Factory: where it is installed, and what its version can do."""

from tui_ft.lfenv.caps import SUPPORTED, needs_newer, support, template_note
from tui_ft.lfenv.find import Found, LFInstall, find_llamafactory

__all__ = [
    "SUPPORTED",
    "Found",
    "LFInstall",
    "find_llamafactory",
    "needs_newer",
    "support",
    "template_note",
]
