"""Chat with models: one backend protocol, several ways to reach a model."""

from tui_ft.chat.base import ChatBackend, ChatError, ChatParams

__all__ = ["ChatBackend", "ChatError", "ChatParams"]
