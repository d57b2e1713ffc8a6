"""The sequence length a run will see: the 99th percentile of its records' token counts.

Counted like `tui-ft data lint --model` (tui_ft.datasets: the same readers, turns and
`TokenCounter`), over every dataset the config names, on the machine that holds the
files. The run's template is then applied with the installed LLaMA-Factory to the
record at the 99th percentile, so its special tokens and role markers count too
(without LLaMA-Factory: the lint text's length, and a note). cutoff_len caps it, as
LLaMA-Factory truncates there. The result is cached per files, model and template
(~/.cache/tui-ft/fit), so the next `fit` of the same data costs no tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any

from tui_ft.host.base import Host

QUANTILES = 1000
"""Points kept of the length distribution (enough for the share of rows over a cutoff)."""


@dataclass
class Lengths:
    """Token counts of a run's data, as a sorted sample of its distribution."""

    records: int = 0
    quantiles: list[int] = field(default_factory=list)
    """Length at each 1/QUANTILES of the records, ascending (templated)."""
    templated: bool = False
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> int:
        if not self.quantiles:
            return 0
        i = min(len(self.quantiles) - 1, round(p / 100 * (len(self.quantiles) - 1)))
        return self.quantiles[i]

    @property
    def max(self) -> int:
        return self.quantiles[-1] if self.quantiles else 0

    def share_over(self, cutoff: int) -> float:
        """The share of records longer than `cutoff` tokens (cut in training)."""
        if not self.quantiles:
            return 0.0
        below = bisect_right(self.quantiles, cutoff)
        return 1 - below / len(self.quantiles)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Lengths:
        return cls(
            int(d.get("records", 0)),
            [int(x) for x in d.get("quantiles", [])],
            bool(d.get("templated")),
            str(d.get("source", "")),
            list(d.get("notes", [])),
        )


class Unmeasured(Exception):
    """The data cannot be measured here; the reason is the message."""


def dataset_files(
    host: Host, dataset_dir: str, names: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """(path, entry) of each named dataset, from dataset_dir's dataset_info.json."""
    from tui_ft.datasets import DatasetInfoError, load_info
    from tui_ft.lf.datainfo import is_hub_dataset_dir

    if not names:
        raise Unmeasured("the config names no dataset")
    if is_hub_dataset_dir(dataset_dir):
        raise Unmeasured(f"dataset_dir {dataset_dir} is on the hub")
    try:
        info = load_info(host, dataset_dir)
    except (DatasetInfoError, FileNotFoundError, OSError) as exc:
        raise Unmeasured(f"{dataset_dir}: {exc}") from exc
    out = []
    for name in names:
        entry = info.entries.get(name)
        if not isinstance(entry, dict):
            raise Unmeasured(f"dataset `{name}` is not in {dataset_dir}/dataset_info.json")
        fname = entry.get("file_name")
        if not isinstance(fname, str) or any(k.endswith("_url") for k in entry):
            raise Unmeasured(f"dataset `{name}` is on the hub, not in a file")
        path = posixpath.join(dataset_dir, fname)
        if not host.exists(path):
            raise Unmeasured(f"dataset `{name}`: {path} is not there")
        out.append((path, entry))
    return out


def _cache_path(key: str) -> str:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "tui-ft", "fit", f"lengths-{key}.json")


def _cache_key(
    host: Host, files: list[tuple[str, dict[str, Any]]], model: str, template: str
) -> str:
    parts: list[Any] = [model, template]
    for path, entry in files:
        st = host.stat(path)
        parts.append([path, entry, st.size if st else None, st.mtime if st else None])
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def measure(
    host: Host,
    model: str,
    template: str,
    dataset_dir: str,
    names: list[str],
    *,
    use_cache: bool = True,
    cached_only: bool = False,
) -> Lengths:
    """The token lengths of the named datasets with `model`'s tokenizer (raises Unmeasured).

    `cached_only`: an earlier measurement or Unmeasured, never the tokenizer (at launch)."""
    files = dataset_files(host, dataset_dir, names)
    key = _cache_key(host, files, model, template)
    cache = _cache_path(key)
    if use_cache:
        try:
            with open(cache, encoding="utf-8") as fh:
                return Lengths.from_dict(json.load(fh))
        except (OSError, ValueError):
            pass
    if cached_only:
        raise Unmeasured("not measured before")
    lengths = _count(host, model, template, files)
    try:
        from tui_ft.atomic import atomic_write_text

        os.makedirs(os.path.dirname(cache), exist_ok=True)
        atomic_write_text(cache, json.dumps(lengths.to_dict()))
    except OSError:
        pass  # a read-only home: measured again next time
    return lengths


def _count(
    host: Host, model: str, template: str, files: list[tuple[str, dict[str, Any]]]
) -> Lengths:
    try:  # a laptop's base install has neither: plan for cutoff_len and say why
        import llamafactory  # noqa: F401
        import numpy as np
    except ImportError as exc:
        raise Unmeasured(
            f"measuring the data needs tui-ft[train] here ({exc.name} is missing); "
            "run it on the box with --host"
        ) from None

    from tui_ft.datasets.entry import Mapping
    from tui_ft.datasets.readers import iter_records
    from tui_ft.datasets.records import DataError
    from tui_ft.datasets.tokens import TokenCounter
    from tui_ft.datasets.turns import record_turns, turns_text

    try:
        counter = TokenCounter(model, None)
    except Exception as exc:  # no tokenizer files, no transformers
        raise Unmeasured(f"no tokenizer for {model}: {type(exc).__name__}: {exc}") from exc
    sizes: list[int] = []  # records per file: the p99 record is read again, not kept
    for path, entry in files:
        mapping = Mapping.from_entry(entry)
        before = len(counter.lengths) + len(counter.pending)
        try:
            for rec in iter_records(host, path):
                counter.add(
                    turns_text(record_turns(rec.data, mapping)), rec.path, rec.line, rec.index
                )
                counter.maybe_flush(lambda _f: None)
        except DataError as exc:
            raise Unmeasured(f"{exc.path}: {exc.reason}") from exc
        sizes.append(len(counter.lengths) + len(counter.pending) - before)
    counter.flush(lambda _f: None)
    raw = np.frombuffer(counter.lengths, dtype=np.uint32).astype(np.int64)
    if raw.size == 0:
        raise Unmeasured("the datasets hold no records")
    order = np.argsort(raw, kind="stable")
    at = np.linspace(0, raw.size - 1, QUANTILES).round().astype(np.int64)
    quantiles = raw[order][at]
    notes: list[str] = []
    templated = False
    p99_index = int(order[round(0.99 * (raw.size - 1))])
    try:
        turns = _record_turns(host, files, sizes, p99_index)
        extra = _template_overhead(counter.tokenizer, template, turns) - int(raw[p99_index])
        quantiles = quantiles + max(0, extra)
        templated = True
    except Exception as exc:  # no LLaMA-Factory here, an unknown template
        notes.append(f"template not applied ({type(exc).__name__}: {exc}): plain-text lengths")
    return Lengths(
        int(raw.size), [int(x) for x in quantiles], templated, ", ".join(p for p, _ in files), notes
    )


def _record_turns(
    host: Host, files: list[tuple[str, dict[str, Any]]], sizes: list[int], index: int
) -> list[Any]:
    from tui_ft.datasets.entry import Mapping
    from tui_ft.datasets.readers import read_slice
    from tui_ft.datasets.turns import record_turns

    for (path, entry), size in zip(files, sizes, strict=True):
        if index < size:
            rec = read_slice(host, path, index, 1)[0]
            return record_turns(rec.data, Mapping.from_entry(entry))
        index -= size
    raise IndexError(index)


def _template_overhead(tokenizer: Any, template: str, turns: list[Any]) -> int:
    """The record's length with LLaMA-Factory's template (prompt + response ids)."""
    from llamafactory.data.template import get_template_and_fix_tokenizer
    from llamafactory.hparams import DataArguments

    tpl = get_template_and_fix_tokenizer(tokenizer, DataArguments(template=template))
    roles = {"assistant": "assistant", "chosen": "assistant", "rejected": "assistant"}
    system = next((t.content for t in turns if t.role == "system"), None)
    messages = [
        {"role": roles.get(t.role, "user"), "content": t.content}
        for t in turns
        if t.role not in ("system", "rejected")
    ]
    if len(messages) % 2:
        messages.append({"role": "assistant", "content": ""})
    pairs = tpl.encode_multiturn(tokenizer, messages, system, None)
    return sum(len(p) + len(r) for p, r in pairs)
