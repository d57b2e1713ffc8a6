"""The per-record lint rules, following what LLaMA-Factory's converters look up.

Each rule names its finding with the record's file, line, index and the field (a
path such as `conversations[3].from` or `history[1]`). Rules:
not-object, missing-field, wrong-type, empty-response, empty-prompt, history-shape,
role-tag, alternation, turn-count, misplaced-system, empty-conversation, placeholder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tui_ft.datasets.entry import Mapping
from tui_ft.datasets.findings import Finding
from tui_ft.datasets.records import Record

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
Add = Callable[[str, str, str, "str | None"], None]


def _type(value: Any) -> str:
    return (
        "null"
        if value is None
        else {"str": "string", "dict": "object", "list": "array"}.get(
            type(value).__name__, type(value).__name__
        )
    )


class RecordRules:
    """Checks records against one mapping; findings go to `sink` (a LintReport.add)."""

    def __init__(self, mapping: Mapping, sink: Callable[[Finding], None]) -> None:
        self.m = mapping
        self.sink = sink
        self.placeholders: dict[str, int] = {}
        self.missing: dict[str, int] = {}
        """Column -> records lacking it (an entry that does not fit the data at all)."""
        t = mapping.tags
        self.user = {t.get("user_tag"), t.get("observation_tag")} - {None}
        self.assistant = {t.get("assistant_tag"), t.get("function_tag")} - {None}
        self.system = t.get("system_tag")
        self.known = self.user | self.assistant | ({self.system} - {None})
        self.role_key = t.get("role_tag") or "from"
        self.content_key = t.get("content_tag") or "value"
        c = mapping.columns
        self.fast = (
            mapping.formatting == "alpaca" and not mapping.ranking and c.get("prompt") is not None
            and c.get("response") is not None and c.get("history") is None
        )  # fmt: skip
        self.prompt_col, self.query_col = c.get("prompt") or "", c.get("query")
        self.response_col = c.get("response") or ""

    def check(self, rec: Record) -> int:
        """Check one record; returns its fingerprint (for finding duplicates)."""
        data = rec.data
        if self.fast and type(data) is dict:
            fp = self._clean_alpaca(data)
            if fp is not None:
                return fp
        self._check(rec)
        return fingerprint(data)

    def _clean_alpaca(self, data: dict[str, Any]) -> int | None:
        """The common case in one pass: all strings, no placeholder, nothing empty."""
        try:
            blob = "\0".join(data.values())
        except TypeError:
            return None
        if "{{" in blob:
            return None
        response = data.get(self.response_col)
        prompt = data.get(self.prompt_col)
        if response is None or prompt is None or not response.strip():
            return None
        if prompt.strip() or (self.query_col and data.get(self.query_col, "").strip()):
            return hash((tuple(data), blob))
        return None

    def _check(self, rec: Record) -> None:
        def add(rule: str, severity: str, message: str, field: str | None = None) -> None:
            self.sink(Finding(rule, severity, message, rec.path, rec.line, rec.index, field))

        data = rec.data
        if not isinstance(data, dict):
            add("not-object", "error", f"a record must be an object, not {_type(data)}")
            return
        if self.m.formatting == "alpaca":
            self._alpaca(data, add)
        else:
            self._chat(data, add)
        self._placeholders(data, add)

    # -- shared -----------------------------------------------------------------------
    def _field(self, data: dict[str, Any], col: str | None, add: Add, required: bool) -> Any:
        if not col:
            return None
        if col not in data:
            if required:
                self.missing[col] = self.missing.get(col, 0) + 1
                add("missing-field", "error", f"required field `{col}` is missing", col)
            return None
        return data[col]

    def _string(self, value: Any, col: str, add: Add, allow_none: bool = True) -> bool:
        if isinstance(value, str) or (value is None and allow_none):
            return True
        add("wrong-type", "error", f"`{col}` must be a string, not {_type(value)}", col)
        return False

    def _placeholders(self, data: Any, add: Add) -> None:
        found: set[str] = set()
        _scan(data, found)
        for name in sorted(found):
            self.placeholders[name] = self.placeholders.get(name, 0) + 1
        if found:
            names = ", ".join(f"{{{{{n}}}}}" for n in sorted(found))
            add("placeholder", "warning", f"unfilled placeholder {names} (fill it before training)")

    # -- alpaca -------------------------------------------------------------------------
    def _alpaca(self, data: dict[str, Any], add: Add) -> None:
        m = self.m
        prompt_col, query_col = m.col("prompt"), m.col("query")
        prompt = self._field(data, prompt_col, add, required=True)
        if prompt_col and prompt is not None:
            self._string(prompt, prompt_col, add)
        query = data.get(query_col) if query_col else None
        if query_col and query is not None:
            self._string(query, query_col, add)
        blank = isinstance(prompt, str | None) and not _filled(prompt) and not _filled(query)
        if prompt_col and prompt_col in data and blank:
            add("empty-prompt", "warning", "the user turn is empty", prompt_col)
        for col in (m.col("system"),):
            if col and data.get(col) is not None:
                self._string(data[col], col, add)
        if m.col("history"):
            self._history(data.get(m.col("history") or ""), m.col("history") or "", add)
        keys = ("chosen", "rejected") if m.ranking else ("response",)
        for key in keys:
            col = m.col(key)
            if not col:
                continue
            value = self._field(data, col, add, required=True)
            ok = col in data and self._string(value, col, add, allow_none=False)
            if ok and not value.strip():
                add("empty-response", "error", f"the response `{col}` is empty", col)

    def _history(self, value: Any, col: str, add: Add) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            add("history-shape", "error", f"`{col}` must be a list of [prompt, response] pairs, "
                f"not {_type(value)}", col)  # fmt: skip
            return
        for i, pair in enumerate(value):
            ok = isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            if not ok:
                add("history-shape", "error", "each history item must be a pair of two strings "
                    f"[prompt, response], got {_short(pair)}", f"{col}[{i}]")  # fmt: skip

    # -- sharegpt / openai ----------------------------------------------------------------
    def _chat(self, data: dict[str, Any], add: Add) -> None:
        col = self.m.col("messages") or "conversations"
        msgs = self._field(data, col, add, required=True)
        if col not in data:
            return
        if not isinstance(msgs, list):
            add(
                "wrong-type", "error", f"`{col}` must be a list of messages, not {_type(msgs)}", col
            )
            return
        if not msgs:
            add("empty-conversation", "error", "the conversation has no messages", col)
            return
        rk, ck = self.role_key, self.content_key
        roles: list[str | None] = []
        for i, msg in enumerate(msgs):
            where = f"{col}[{i}]"
            if not isinstance(msg, dict):
                add("wrong-type", "error", f"a message must be an object, not {_type(msg)}", where)
                roles.append(None)
                continue
            if rk not in msg:
                add("missing-field", "error", f"the message has no role field `{rk}`",
                    f"{where}.{rk}")  # fmt: skip
                roles.append(None)
                continue
            tag = msg[rk]
            if ck not in msg:
                add("missing-field", "error", f"the message has no content field `{ck}`",
                    f"{where}.{ck}")  # fmt: skip
            elif not isinstance(msg[ck], str) and not (msg[ck] is None and msg.get("tool_calls")):
                add("wrong-type", "error", f"`{ck}` must be a string, not {_type(msg[ck])}",
                    f"{where}.{ck}")  # fmt: skip
            if tag not in self.known:
                add("role-tag", "error", f"role {tag!r} is not one of the mapped tags "
                    f"({', '.join(sorted(map(str, self.known)))}): fix the data or the entry's "
                    "tags", f"{where}.{rk}")  # fmt: skip
                roles.append(None)
                continue
            if tag == self.system and i > 0:
                add("misplaced-system", "error", "a system message must come first "
                    "(LLaMA-Factory drops this record)", where)  # fmt: skip
            roles.append(tag)
            if tag in self.assistant and isinstance(msg.get(ck), str) and not msg[ck].strip():
                add("empty-response", "error", "the assistant message is empty", f"{where}.{ck}")
        start = 1 if roles and roles[0] == self.system and self.system else 0
        turns = [r for r in roles[start:] if r != self.system]  # a late system: reported above
        for k, tag in enumerate(turns):
            if tag is None or tag == self.system:
                continue
            want = self.user if k % 2 == 0 else self.assistant
            if tag not in want:
                side = "user" if k % 2 == 0 else "assistant"
                add("alternation", "error", f"turns must alternate user/assistant: expected a "
                    f"{side} turn here, got {tag!r}", f"{col}[{k + start}]")  # fmt: skip
                break
        if self.m.ranking:
            if len(turns) % 2 == 0:
                add("turn-count", "error", "ranking data must end with a user turn "
                    "(the answers are in chosen/rejected)", col)  # fmt: skip
            for key in ("chosen", "rejected"):
                kcol = self.m.col(key) or key
                value = self._field(data, kcol, add, required=True)
                if kcol in data and (not isinstance(value, dict) or value.get(rk) not in
                                     self.assistant):  # fmt: skip
                    add("wrong-type", "error", f"`{kcol}` must be an assistant message object "
                        f"with `{rk}` in {sorted(self.assistant)}", kcol)  # fmt: skip
        elif len(turns) % 2 == 1:
            add("turn-count", "error", "the conversation ends with a user turn: there is no "
                "answer to learn (LLaMA-Factory drops this record)", col)  # fmt: skip


def fingerprint(data: Any) -> int:
    """Equal records get equal fingerprints (within one process: str hashes are salted)."""
    if isinstance(data, dict):
        try:
            return hash((tuple(data), "\0".join(data.values())))
        except TypeError:  # nested lists/objects
            pass
    return hash(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str))


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _scan(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        if "{{" in value:
            found.update(PLACEHOLDER.findall(value))
    elif isinstance(value, dict):
        for v in value.values():
            _scan(v, found)
    elif isinstance(value, list):
        for v in value:
            _scan(v, found)
