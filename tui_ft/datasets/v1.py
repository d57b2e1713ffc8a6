"""LLaMA-Factory's v1 data format: messages whose content is a list of typed parts.

    {"messages": [{"role": "assistant", "content": [{"type": "reasoning", "value": "..."},
                                                    {"type": "tool_call", "value": "{...}"}],
                   "loss_weight": 1.0}],
     "tools": "[...]"}

(`llamafactory.v1.utils.types`: SFTSample, DPOSample with chosen_messages /
rejected_messages, Message, Content.) Only the v1 engine reads it: `USE_V1=1
llamafactory-cli train CONFIG` with `train_dataset:` naming the file; the v0 loaders of
`dataset_info.json` would take each content list for a string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui_ft.datasets.findings import Finding
from tui_ft.datasets.records import Record
from tui_ft.datasets.turns import Turn

KIND = "v1 messages"
ROLES = ("system", "user", "assistant", "tool")
PART_TYPES = ("text", "reasoning", "tool_call", "image_url", "video_url", "audio_url")
MESSAGE_LISTS = ("messages", "chosen_messages", "rejected_messages")
NOTE = (
    "LLaMA-Factory's v1 format: it needs the v1 engine (USE_V1=1 llamafactory-cli train "
    "CONFIG, with train_dataset: this file); tui-ft sets USE_V1=1 for such configs"
)


def is_v1_record(data: Any) -> bool:
    """True when a message's content is a list of {type, value} parts."""
    if not isinstance(data, dict):
        return False
    for key in MESSAGE_LISTS:
        messages = data.get(key)
        if isinstance(messages, list):
            for msg in messages:
                content = msg.get("content") if isinstance(msg, dict) else None
                if isinstance(content, list) and content:
                    return all(isinstance(p, dict) and "type" in p for p in content)
    return False


def is_v1(records: list[Any]) -> bool:
    dicts = [r for r in records if isinstance(r, dict)]
    return bool(dicts) and sum(map(is_v1_record, dicts)) * 2 > len(dicts)


Sink = Callable[[Finding], None]


class V1Rules:
    """The v1 engine's expectations of a sample, as findings naming record and field."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def check(self, rec: Record) -> None:
        data = rec.data

        def add(rule: str, message: str, field: str | None, severity: str = "error") -> None:
            self.sink(Finding(rule, severity, message, rec.path, rec.line, rec.index, field))

        if not isinstance(data, dict):
            add("not-object", "a v1 sample is a JSON object", None)
            return
        lists = [k for k in MESSAGE_LISTS if k in data]
        if not lists:
            add("missing-field", "no `messages` (or chosen_messages/rejected_messages)", None)
        if ("chosen_messages" in data) != ("rejected_messages" in data):
            lacking = "rejected_messages" if "chosen_messages" in data else "chosen_messages"
            add("missing-field", "a DPO sample has chosen_messages and rejected_messages", lacking)
        for key in lists:
            self._messages(data[key], key, add)
        tools = data.get("tools")
        if tools is not None:
            self._tools(tools, add)

    def _messages(self, messages: Any, key: str, add: Callable[..., None]) -> None:
        if not isinstance(messages, list) or not messages:
            add("empty-conversation", f"`{key}` must be a non-empty list", key)
            return
        for i, msg in enumerate(messages):
            where = f"{key}[{i}]"
            if not isinstance(msg, dict):
                add("wrong-type", "a message is an object with role and content", where)
                continue
            role = msg.get("role")
            if role not in ROLES:
                add("role-tag", f"role {role!r} is not one of {', '.join(ROLES)}", f"{where}.role")
            if "loss_weight" in msg and (
                isinstance(msg["loss_weight"], bool)
                or not isinstance(msg["loss_weight"], int | float)
            ):
                add("wrong-type", "loss_weight must be a number", f"{where}.loss_weight")
            self._content(msg.get("content"), role, f"{where}.content", add)
        last = messages[-1]
        if key == "messages" and isinstance(last, dict) and last.get("role") != "assistant":
            add("turn-count", "the last message should be the assistant's (what is learnt)",
                f"{key}[{len(messages) - 1}].role", "warning")  # fmt: skip

    def _content(self, content: Any, role: Any, where: str, add: Callable[..., None]) -> None:
        if not isinstance(content, list) or not content:
            add("wrong-type", "content must be a non-empty list of {type, value} parts", where)
            return
        for j, part in enumerate(content):
            at = f"{where}[{j}]"
            if not isinstance(part, dict):
                add("wrong-type", "a part is an object {type, value}", at)
                continue
            kind, value = part.get("type"), part.get("value")
            if kind not in PART_TYPES:
                add("wrong-type", f"type {kind!r} is not one of {', '.join(PART_TYPES)}",
                    f"{at}.type")  # fmt: skip
            if not isinstance(value, str):
                add("wrong-type", f"value must be a string, not {type(value).__name__}",
                    f"{at}.value")  # fmt: skip
                continue
            if kind in ("reasoning", "tool_call") and role != "assistant":
                add("misplaced-part", f"a {kind} part belongs to an assistant message", at)
            if kind == "tool_call":
                self._tool_call(value, f"{at}.value", add)
            elif kind == "text" and not value.strip() and role == "assistant":
                add("empty-response", "empty assistant text", f"{at}.value", "warning")

    @staticmethod
    def _tool_call(value: str, at: str, add: Callable[..., None]) -> None:
        try:
            call = json.loads(value)
        except ValueError:
            add("tool-call", "a tool_call value is JSON text: {name, arguments}", at)
            return
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            add("tool-call", "a tool_call needs a string `name`", at)
        elif not isinstance(call.get("arguments"), dict):
            add("tool-call", "a tool_call's `arguments` must be an object", at)

    @staticmethod
    def _tools(tools: Any, add: Callable[..., None]) -> None:
        if not isinstance(tools, str):
            add("wrong-type", "tools is a JSON string (a list of tool definitions)", "tools")
            return
        try:
            parsed = json.loads(tools) if tools.strip() else []
        except ValueError:
            add("wrong-type", "tools is not valid JSON", "tools")
            return
        if not isinstance(parsed, list):
            add("wrong-type", "tools must be a JSON list", "tools")


def v1_turns(data: Any) -> list[Turn]:
    """The sample as turns; reasoning and tool calls are their own turns for the preview."""
    if not isinstance(data, dict):
        return [Turn("?", str(data))]
    turns: list[Turn] = []
    for key in MESSAGE_LISTS:
        messages = data.get(key)
        if not isinstance(messages, list):
            continue
        prefix = "" if key == "messages" else key.split("_")[0] + " "
        for msg in messages:
            if not isinstance(msg, dict):
                turns.append(Turn("?", str(msg)))
                continue
            role = str(msg.get("role", "?"))
            content = msg.get("content")
            parts = content if isinstance(content, list) else [{"type": "text", "value": content}]
            for part in parts:
                kind = part.get("type", "?") if isinstance(part, dict) else "?"
                value = part.get("value", "") if isinstance(part, dict) else part
                label = role if kind == "text" else f"{role} {kind}"
                turns.append(Turn(prefix + label, "" if value is None else str(value)))
    return turns
