"""Perplexity of a GGUF on a held-out slice of the dataset, with llama-cpp-python.

llama.cpp's `llama-perplexity` is not in the llama-cpp-python wheel, and building it from
the vendored sources takes a long time on a small box; the same number comes from the
logits llama-cpp-python returns (`logits_all`): the text is cut into windows of `n_ctx`
tokens and the second half of each window is scored, as `llama-perplexity` does, so
every scored token sees at least n_ctx/2 tokens of context. Runs on the host in
`python -m tui_ft gguf-perplexity --json`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass

from tui_ft.gguf.cpu import load_llama

HELD_OUT = 0.1
"""The last tenth of the records: what training saw least (`val_size` takes its split first)."""


@dataclass
class Perplexity:
    path: str
    value: float
    tokens: int
    windows: int

    def to_json(self) -> dict:
        return asdict(self)


MIN_HELD_OUT = 8


def split_records(raw: str) -> tuple[list, list]:
    """(training part, held-out tail) of a JSON / JSONL dataset's records."""
    try:
        records = json.loads(raw)
    except json.JSONDecodeError:
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
    if not isinstance(records, list) or not records:
        raise ValueError("expected a JSON list or JSON lines of records")
    take = min(len(records), max(MIN_HELD_OUT, math.ceil(len(records) * HELD_OUT)))
    return records[: len(records) - take], records[len(records) - take :]


def held_out_text(dataset: str) -> str:
    """The held-out records of a JSON / JSONL dataset as text, fields in record order."""
    with open(dataset, encoding="utf-8") as f:
        _, held = split_records(f.read())
    return "\n\n".join(_record_text(r) for r in held)


def _record_text(record) -> str:
    if isinstance(record, str):
        return record
    if isinstance(record, list):
        return "\n".join(_record_text(r) for r in record)
    if isinstance(record, dict):
        return "\n".join(t for v in record.values() if (t := _record_text(v)))
    return ""


def perplexity(path: str, text: str, n_ctx: int = 128, lora_path: str | None = None) -> Perplexity:
    import numpy as np

    threads = min(os.cpu_count() or 2, 4)
    llm = load_llama(path, n_ctx=n_ctx, n_batch=n_ctx, logits_all=True, verbose=False,
                     n_threads=threads, lora_path=lora_path)  # fmt: skip
    try:
        ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        bos = llm.token_bos()
        first = n_ctx // 2
        nll, count, windows = 0.0, 0, 0
        for start in range(0, len(ids) - n_ctx + 2, n_ctx - 1):
            window = ([bos] if bos >= 0 else []) + ids[start : start + n_ctx - 1]
            if len(window) < n_ctx:
                break
            llm.reset()
            llm.eval(window)
            logits = np.asarray(llm.scores[: len(window)], dtype=np.float64)
            logp = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
            for pos in range(first, len(window) - 1):
                nll -= logp[pos, window[pos + 1]]
                count += 1
            windows += 1
    finally:
        llm.close()
    if not count:
        raise ValueError(f"the held-out text is shorter than one window of {n_ctx} tokens")
    return Perplexity(path, round(math.exp(nll / count), 4), count, windows)
