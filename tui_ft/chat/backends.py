"""Which chat backend serves a model path: GGUF in-process, else a LLaMA-Factory server."""

from __future__ import annotations

from typing import Any

from tui_ft.chat.base import ChatBackend, ChatError
from tui_ft.host.base import Host


def open_backend(
    host: Host,
    model: str,
    adapter: str | None = None,
    template: str = "default",
    label: str | None = None,
    **server_options: Any,
) -> ChatBackend:
    """The chat backend for a model path: GGUF in-process, else a LLaMA-Factory server."""
    if model.endswith(".gguf"):
        if adapter:
            raise ChatError("a .gguf model takes no --adapter (merge the LoRA before converting)")
        if host.is_remote:
            raise ChatError("GGUF chat runs on this machine only; copy the .gguf here first")
        try:
            from tui_ft.chat.gguf import GGUFChat
        except ImportError as exc:
            raise ChatError(
                f"GGUF chat on this machine needs llama-cpp-python: install tui-ft[gguf] ({exc})"
            ) from exc
        if not host.exists(model):
            raise ChatError(f"model {model} does not exist")
        gguf: ChatBackend = GGUFChat(model, label=label)
        return gguf
    from tui_ft.chat.server import LlamaFactoryServer  # here: server.py re-exports this module

    return LlamaFactoryServer(
        host, model, adapter=adapter, template=template, label=label, **server_options
    )
