"""A record as the chat template will see it: a system prompt and user/assistant turns.

Mirrors LLaMA-Factory's converters (alpaca: history pairs, then `instruction\\ninput`
as the user turn and `output` as the reply; sharegpt: tags mapped to roles, a leading
system message lifted out), but never raises: a broken record renders what it has, so
the preview can show it beside its lint findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_ft.datasets.entry import Mapping


@dataclass(frozen=True)
class Turn:
    role: str  # system | user | assistant | observation | function | chosen | rejected | ?
    content: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def record_turns(data: Any, m: Mapping) -> list[Turn]:
    if not isinstance(data, dict):
        return [Turn("?", _text(data))]
    if m.formatting == "alpaca":
        return _alpaca(data, m)
    return _chat(data, m)


def _alpaca(data: dict[str, Any], m: Mapping) -> list[Turn]:
    turns: list[Turn] = []
    system = m.col("system")
    if system and data.get(system):
        turns.append(Turn("system", _text(data[system])))
    history = m.col("history")
    if history and isinstance(data.get(history), list):
        for pair in data[history]:
            if isinstance(pair, list | tuple) and len(pair) == 2:
                turns += [Turn("user", _text(pair[0])), Turn("assistant", _text(pair[1]))]
    query = [_text(data.get(c)) for c in (m.col("prompt"), m.col("query")) if c and data.get(c)]
    turns.append(Turn("user", "\n".join(query)))
    if m.ranking:
        for key in ("chosen", "rejected"):
            col = m.col(key)
            if col:
                turns.append(Turn(key, _text(data.get(col))))
    elif m.col("response") and m.col("response") in data:
        turns.append(Turn("assistant", _text(data.get(m.col("response") or ""))))
    return turns


def _chat(data: dict[str, Any], m: Mapping) -> list[Turn]:
    t = m.tags
    roles = {
        t.get("user_tag"): "user",
        t.get("assistant_tag"): "assistant",
        t.get("observation_tag"): "observation",
        t.get("function_tag"): "function",
        t.get("system_tag"): "system",
    }
    roles.pop(None, None)
    role_key, content_key = t.get("role_tag") or "", t.get("content_tag") or ""

    def turn(msg: Any) -> Turn:
        if not isinstance(msg, dict):
            return Turn("?", _text(msg))
        tag = msg.get(role_key)
        return Turn(roles.get(tag, f"?{tag}"), _text(msg.get(content_key)))

    turns: list[Turn] = []
    system = m.col("system")
    messages = data.get(m.col("messages") or "")
    if (
        system
        and data.get(system)
        and not (isinstance(messages, list) and messages and turn(messages[0]).role == "system")
    ):
        turns.append(Turn("system", _text(data[system])))
    if isinstance(messages, list):
        turns += [turn(msg) for msg in messages]
    if m.ranking:
        for key in ("chosen", "rejected"):
            col = m.col(key)
            if col and col in data:
                turns.append(Turn(key, turn(data[col]).content))
    return turns


def turns_text(turns: list[Turn]) -> str:
    """The text whose tokens are counted: every turn's content, one `role: ` prefix each
    (close to what the `default` template adds; exact special tokens vary by template)."""
    return "\n".join(f"{t.role}: {t.content}" for t in turns)
