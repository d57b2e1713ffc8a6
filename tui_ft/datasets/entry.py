"""A `dataset_info.json` entry: the keys LLaMA-Factory reads, its defaults, and the check
for keys it would silently ignore (the `format`-for-`formatting` trap that makes sharegpt
data be read as alpaca). The keys below are 0.9.5's, for a laptop without LLaMA-Factory;
`check_entry` takes the host's own (`tui_ft.lf.datainfo`) when it has one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

# What llamafactory.data.parser.DatasetAttr reads from an entry.
TOP_KEYS = (
    "file_name", "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name",
    "formatting", "ranking", "subset", "split", "folder", "num_samples", "columns", "tags",
)  # fmt: skip
COLUMN_KEYS = (
    "prompt", "query", "response", "history", "messages", "system", "tools",
    "images", "videos", "audios", "chosen", "rejected", "kto_tag",
)  # fmt: skip
TAG_KEYS = (
    "role_tag", "content_tag", "user_tag", "assistant_tag",
    "observation_tag", "function_tag", "system_tag",
)  # fmt: skip
FORMATTINGS = ("alpaca", "sharegpt", "openai")
SOURCE_KEYS = ("file_name", "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url",
               "cloud_file_name")  # fmt: skip
DEFAULT_COLUMNS = {"prompt": "instruction", "query": "input", "response": "output"}
DEFAULT_MESSAGES = "conversations"
DEFAULT_TAGS = {
    "role_tag": "from",
    "content_tag": "value",
    "user_tag": "human",
    "assistant_tag": "gpt",
    "observation_tag": "observation",
    "function_tag": "function_call",
    "system_tag": "system",
}


@dataclass
class EntryProblem:
    field: str
    """Dotted path in the entry, e.g. `format` or `columns.instruction`."""
    message: str
    severity: str = "error"


@dataclass
class Mapping:
    """An entry resolved with LLaMA-Factory's defaults: what the converter will look up."""

    formatting: str = "alpaca"
    ranking: bool = False
    columns: dict[str, str | None] = field(default_factory=dict)
    tags: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Mapping:
        formatting = entry.get("formatting", "alpaca")
        columns: dict[str, str | None] = {k: None for k in COLUMN_KEYS}
        columns.update(DEFAULT_COLUMNS)
        columns["messages"] = DEFAULT_MESSAGES
        given = entry.get("columns") if isinstance(entry.get("columns"), dict) else None
        if given is not None:  # like DatasetAttr.join: a `columns` object replaces them all
            columns = {k: given.get(k) for k in COLUMN_KEYS}
        tags: dict[str, str | None] = dict(DEFAULT_TAGS)
        given_tags = entry.get("tags") if isinstance(entry.get("tags"), dict) else None
        if given_tags is not None:
            tags = {k: given_tags.get(k) for k in TAG_KEYS}
        return cls(str(formatting), bool(entry.get("ranking", False)), columns, tags)

    def col(self, key: str) -> str | None:
        return self.columns.get(key)


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def check_entry(entry: Any, semantics: dict[str, Any] | None = None) -> list[EntryProblem]:
    """Problems LLaMA-Factory would not report, or would report as a confusing KeyError.

    `semantics` is what the host's LLaMA-Factory reads from an entry
    (`tui_ft.lf.datainfo.semantics`); without it, 0.9.5's keys as listed above.
    """
    sem = semantics or {}
    top_keys = tuple(sem.get("top") or TOP_KEYS)
    source_keys = tuple(sem.get("sources") or SOURCE_KEYS)
    formattings = tuple(sem.get("formattings") or FORMATTINGS)
    groups = (("columns", tuple(sem.get("columns") or COLUMN_KEYS)),
              ("tags", tuple(sem.get("tags") or TAG_KEYS)))  # fmt: skip
    if not isinstance(entry, dict):
        return [EntryProblem("", f"an entry must be an object, not {type(entry).__name__}")]
    out: list[EntryProblem] = []
    for key in entry:
        if key not in top_keys:
            hint = _suggest(key, top_keys)
            if key == "format":
                hint = "; did you mean `formatting`? (as written the data is read as alpaca)"
            out.append(EntryProblem(key, f"unknown key `{key}` is ignored by LLaMA-Factory{hint}"))
    if not [k for k in source_keys if k in entry]:
        out.append(EntryProblem("file_name", "the entry names no `file_name` (or hub url)"))
    fmt = entry.get("formatting", "alpaca")
    if fmt not in formattings:
        out.append(EntryProblem("formatting", f"`formatting` must be one of {formattings}"))
    if "ranking" in entry and not isinstance(entry["ranking"], bool):
        out.append(EntryProblem("ranking", "`ranking` must be true or false"))
    for group, known in groups:
        value = entry.get(group)
        if value is None:
            continue
        if not isinstance(value, dict):
            out.append(EntryProblem(group, f"`{group}` must be an object"))
            continue
        for key, col in value.items():
            where = f"{group}.{key}"
            if key not in known:
                hint = _suggest(key, known)
                if group == "columns" and key in DEFAULT_COLUMNS.values():
                    inv = {v: k for k, v in DEFAULT_COLUMNS.items()}
                    hint = f'; the key is the role: `"{inv[key]}": "{key}"`'
                out.append(EntryProblem(where, f"unknown key `{key}` in {group}{hint}"))
            elif not isinstance(col, str):
                out.append(EntryProblem(where, f"`{where}` must name a field (a string)"))
    if fmt == "alpaca" and isinstance(entry.get("tags"), dict):
        out.append(
            EntryProblem("tags", "`tags` only apply to sharegpt/openai data", severity="warning")
        )
    if entry.get("ranking") is True:
        cols = entry.get("columns") if isinstance(entry.get("columns"), dict) else {}
        for key in ("chosen", "rejected"):
            if key not in cols:
                out.append(EntryProblem(f"columns.{key}", f"ranking data needs `columns.{key}`"))
    return out
