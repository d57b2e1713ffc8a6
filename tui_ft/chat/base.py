"""The protocol every chat backend implements (LLaMA-Factory API server, GGUF, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


class ChatError(RuntimeError):
    """A backend could not start or answer; the message says what and where."""


class ReplyCut(ChatError):
    """The reply stopped mid-stream (connection lost): `partial` is what arrived.

    Asking again (the same messages) is the retry; over SSH the forward is re-made first.
    """

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


@dataclass(frozen=True)
class ChatParams:
    temperature: float = 0.0
    top_p: float = 1.0
    max_new_tokens: int = 128
    system: str | None = None


class ChatBackend(Protocol):
    """A model that answers chat messages.

    `start()` blocks until the model is ready (call it from a worker thread);
    `stream()` yields the reply piece by piece; `close()` frees everything it started
    (servers, tunnels, loaded weights) and is safe to call twice.
    """

    label: str

    def start(self) -> None: ...

    def stream(self, messages: list[dict[str, str]], params: ChatParams) -> Iterator[str]: ...

    def close(self) -> None: ...
