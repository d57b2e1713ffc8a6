"""Chat with a GGUF file through llama-cpp-python, on this machine.

The chat template comes from the GGUF itself (`tokenizer.chat_template`, written by
the converter from the tokenizer the model was trained with), so the prompt format is
the one used in training.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from tui_ft.chat.base import ChatError, ChatParams
from tui_ft.gguf.cpu import load_llama


class GGUFChat:
    """A ChatBackend over a local .gguf file (loaded in this process by `start`)."""

    def __init__(self, model_path: str, *, n_ctx: int = 2048, label: str | None = None) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.label = label or f"gguf: {os.path.basename(model_path)}"
        self._llm: Any = None

    def start(self) -> None:
        if self._llm is not None:
            return
        if not os.path.isfile(self.model_path):
            raise ChatError(f"{self.model_path}: no such GGUF file")
        try:
            import llama_cpp  # noqa: F401 - loaded by load_llama; its absence said here
        except ImportError as exc:
            raise ChatError(
                f"llama-cpp-python is not installed: pip install 'tui-ft[gguf]' ({exc})"
            ) from exc
        # More context than the model was trained on only makes llama.cpp warn; cap it.
        try:
            self._llm = load_llama(  # without AMX's extra buffers where they would crash
                self.model_path,
                n_ctx=self.n_ctx,
                n_threads=min(os.cpu_count() or 2, 8),
                verbose=False,
                seed=0,
            )
        except (ValueError, RuntimeError) as exc:
            raise ChatError(f"{self.model_path}: llama.cpp could not load it ({exc})") from exc

    def stream(self, messages: list[dict[str, str]], params: ChatParams) -> Iterator[str]:
        if self._llm is None:
            raise ChatError("GGUFChat.stream() before start()")
        if params.system and not (messages and messages[0].get("role") == "system"):
            messages = [{"role": "system", "content": params.system}, *messages]
        chunks = self._llm.create_chat_completion(
            messages,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_new_tokens,
            stream=True,
        )
        for chunk in chunks:
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def close(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()
