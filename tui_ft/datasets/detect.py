"""Format detection: look at the first records and propose a `dataset_info.json` entry.

Kinds: alpaca (instruction/input/output, optional system/history), sharegpt (a list of
turns with any role/content tag names), OpenAI-style messages (role/content with
user/assistant, proposed as sharegpt with those tags: LLaMA-Factory's `openai`
converter appends a "detailed thinking off" system prompt), pre-training text, and
preference data (chosen/rejected) in either layout; and LLaMA-Factory's v1 messages
(content as a list of typed parts, see `v1.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tui_ft.datasets.v1 import KIND as V1_KIND
from tui_ft.datasets.v1 import NOTE as V1_NOTE
from tui_ft.datasets.v1 import is_v1

PROMPT_KEYS = ("instruction", "prompt", "question")
QUERY_KEYS = ("input", "query")
RESPONSE_KEYS = ("output", "response", "answer", "completion")
SYSTEM_KEYS = ("system", "system_prompt")
HISTORY_KEYS = ("history",)
MESSAGE_KEYS = ("conversations", "messages", "conversation", "dialog", "turns")
TEXT_KEYS = ("text", "content")
ROLE_KEYS = ("from", "role", "speaker", "sender", "author")
CONTENT_KEYS = ("value", "content", "text", "message", "utterance")
USER_NAMES = ("human", "user", "USER", "Human", "question")
ASSISTANT_NAMES = ("gpt", "assistant", "model", "bot", "ASSISTANT", "Assistant", "answer")


@dataclass
class Detection:
    kind: str
    entry: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "entry": self.entry, "notes": self.notes}


def _first(keys: Counter[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in keys), None)


def detect_format(records: list[Any], file_name: str) -> Detection:
    dicts = [r for r in records if isinstance(r, dict)]
    if not dicts:
        return Detection("unknown", {"file_name": file_name}, ["no JSON objects to look at"])
    if is_v1(dicts):  # content as typed parts: only the v1 engine reads it
        return Detection(V1_KIND, {"file_name": file_name}, [V1_NOTE])
    keys: Counter[str] = Counter(k for r in dicts for k in r)
    msgs = next((k for k in MESSAGE_KEYS if k in keys), None)
    if msgs is None:  # any field holding a list of objects is a conversation
        msgs = next(
            (k for k in keys if all(isinstance(r.get(k), list) for r in dicts)
             and any(r[k] and isinstance(r[k][0], dict) for r in dicts)),
            None,
        )  # fmt: skip
    ranking = "chosen" in keys and "rejected" in keys
    if msgs is not None:
        return _chat(dicts, keys, msgs, ranking, file_name)
    prompt = _first(keys, PROMPT_KEYS)
    if ranking:
        columns = {"prompt": prompt or "instruction"}
        if q := _first(keys, QUERY_KEYS):
            columns["query"] = q
        columns |= {"chosen": "chosen", "rejected": "rejected"}
        if s := _first(keys, SYSTEM_KEYS):
            columns["system"] = s
        entry = {"file_name": file_name, "ranking": True, "columns": columns}
        return Detection("preference (alpaca)", entry)
    response = _first(keys, RESPONSE_KEYS)
    if prompt and response:
        columns = {"prompt": prompt}
        if q := _first(keys, QUERY_KEYS):
            columns["query"] = q
        columns["response"] = response
        if s := _first(keys, SYSTEM_KEYS):
            columns["system"] = s
        if h := _first(keys, HISTORY_KEYS):
            columns["history"] = h
        return Detection("alpaca", {"file_name": file_name, "columns": columns})
    text = _first(keys, TEXT_KEYS) or (next(iter(keys)) if len(keys) == 1 else None)
    if text and all(isinstance(r.get(text), str) for r in dicts):
        entry = {"file_name": file_name, "columns": {"prompt": text}}
        return Detection("pre-training text", entry, ["trains with stage pt"])
    entry = {"file_name": file_name, "columns": dict.fromkeys(("prompt", "response"), "")}
    return Detection("unknown", entry, [f"fields seen: {', '.join(sorted(keys))}"])


def _chat(
    dicts: list[dict[str, Any]], keys: Counter[str], msgs: str, ranking: bool, file_name: str
) -> Detection:
    messages = [m for r in dicts if isinstance(r.get(msgs), list) for m in r[msgs]]
    messages = [m for m in messages if isinstance(m, dict)]
    mkeys: Counter[str] = Counter(k for m in messages for k in m)
    # The role field holds few distinct short values; the content field is the longest.
    distinct = {k: {str(m.get(k)) for m in messages if k in m} for k in mkeys}
    role_key = next((k for k in ROLE_KEYS if k in mkeys), None) or min(
        mkeys, key=lambda k: len(distinct[k]), default="from"
    )
    content_key = next((k for k in CONTENT_KEYS if k in mkeys), None) or max(
        (k for k in mkeys if k != role_key),
        key=lambda k: sum(len(str(m.get(k, ""))) for m in messages),
        default="value",
    )
    seen = Counter(str(m.get(role_key)) for m in messages)
    ordered = [
        str(m.get(role_key)) for r in dicts for m in r.get(msgs) or [] if isinstance(m, dict)
    ]
    user = _first(seen, USER_NAMES)
    assistant = _first(seen, ASSISTANT_NAMES)
    notes: list[str] = []
    if user is None or assistant is None:  # custom names: users speak first
        order = [t for t in dict.fromkeys(ordered) if t != "system"]
        user = user or (order[0] if order else "human")
        assistant = assistant or next((t for t in order if t != user), "gpt")
        notes.append(f"custom role tags: user={user!r}, assistant={assistant!r}")
    tags = {"role_tag": role_key, "content_tag": content_key, "user_tag": user,
            "assistant_tag": assistant}  # fmt: skip
    system = _first(seen, ("system", "System", "SYSTEM"))
    tags["system_tag"] = system or "system"
    for key, names in (("observation_tag", ("observation", "tool")),
                       ("function_tag", ("function_call", "function"))):  # fmt: skip
        if found := _first(seen, names):
            tags[key] = found
    columns = {"messages": msgs}
    if s := _first(keys, SYSTEM_KEYS):
        columns["system"] = s
    if "tools" in keys:
        columns["tools"] = "tools"
    kind = "sharegpt"
    if (
        role_key == "role"
        and content_key == "content"
        and (user, assistant) == ("user", "assistant")
    ):
        kind = "openai messages"
    entry: dict[str, Any] = {"file_name": file_name, "formatting": "sharegpt"}
    if ranking:
        entry["ranking"] = True
        columns |= {"chosen": "chosen", "rejected": "rejected"}
        kind = f"preference ({kind})"
    entry["columns"] = columns
    entry["tags"] = tags
    return Detection(kind, entry, notes)
